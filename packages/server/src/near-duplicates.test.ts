/**
 * Near-duplicate groups through the real server: planted groups of near-copies among random
 * vectors are found exactly, as a background job; its groups become a deduplicated slice (one
 * item kept per group) or a slice of the groups; bad requests are refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const ITEMS = 600;
const DIM = 16;
/** Planted groups: the items of each are near-copies of its first. */
const PLANTED = [
  [3, 50, 400],
  [10, 11],
  [120, 121, 122, 599],
  [200, 300],
  [7, 8, 9, 501, 502],
];

const next = random(3);
const vectors = Array.from({ length: ITEMS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
for (const [first, ...copies] of PLANTED)
  for (const copy of copies)
    vectors[copy] = (vectors[first as number] as number[]).map((x) => x + (next() - 0.5) * 0.01);
const ref = (i: number) => `n${i}`;

interface Groups {
  duplicates: number;
  searched: number;
  groups: { items: { item_id: string; reference_id: string }[] }[];
}

describe.each(testBackends())("near-duplicates on $name", (backend) => {
  let server: TestServer;
  let ds: string;

  const finished = async (jobId: string) => {
    for (;;) {
      const status = await server.call("GET", `job/${jobId}`);
      const value = (status.body as { status: string }).status;
      if (value !== "Running" && value !== "Pending") return status.body as { status: string };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const search = async (body: Record<string, unknown>) => {
    const started = await server.call("POST", `ext/datasets/${ds}/near_duplicates`, { body });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const jobId = (started.body as { job_id: string }).job_id;
    expect(await finished(jobId)).toMatchObject({ status: "Completed" });
    return jobId;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "dups");
    const items = vectors.map((_, i) => ({
      reference_id: ref(i),
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("refuses a search without vectors, a bad threshold, and an unknown job", async () => {
    const none = await server.call("POST", `ext/datasets/${ds}/near_duplicates`, { body: {} });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("has no vectors");
    const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: vectors.map((vector, i) => ({ reference_id: ref(i), vector })) },
    });
    expect(uploaded.status).toBe(200);
    const bad = await server.call("POST", `ext/datasets/${ds}/near_duplicates`, { body: { threshold: 5 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("threshold");
    const unknown = await server.call("GET", `ext/datasets/${ds}/near_duplicates/job_00000000000000000000`);
    expect(unknown.status).toBe(404);
  });

  it("finds the planted groups, and only them, by cosine and by L2", async () => {
    for (const body of [{ threshold: 0.01 }, { threshold: 0.05, metric: "l2" }]) {
      const jobId = await search(body);
      const read = await server.call("GET", `ext/datasets/${ds}/near_duplicates/${jobId}`);
      expect(read.status).toBe(200);
      const found = read.body as Groups;
      expect(found.searched).toBe(ITEMS);
      const groups = found.groups.map((g) => g.items.map((item) => item.reference_id));
      expect(groups.map((g) => [...g].sort()).sort()).toEqual(PLANTED.map((g) => g.map(ref).sort()).sort());
      // Each group leads with its first stored item.
      for (const g of groups) expect(g[0]).toBe(ref(Math.min(...g.map((r) => Number(r.slice(1))))));
      expect(found.duplicates).toBe(PLANTED.reduce((n, g) => n + g.length - 1, 0));
    }
  });

  it("makes a deduplicated slice and a slice of the groups, leaving out items deleted since", async () => {
    const jobId = await search({ threshold: 0.01 });
    expect((await server.call("DELETE", `dataset/${ds}/refloc/${ref(599)}`, { body: {} })).status).toBe(200);
    const unique = await server.call("POST", `ext/datasets/${ds}/near_duplicates/${jobId}/slice`, {
      body: { name: "deduplicated" },
    });
    expect(unique.status, JSON.stringify(unique.body)).toBe(200);
    const duplicates = PLANTED.reduce((n, g) => n + g.length - 1, 0);
    // 599 was a duplicate: deleted, it is neither kept nor counted twice.
    expect(unique.body).toMatchObject({ name: "deduplicated", items: ITEMS - duplicates });
    const sliceId = (unique.body as { slice_id: string }).slice_id;
    const info = await server.call("GET", `slice/${sliceId}`);
    const refs = new Set(
      (info.body as { items: { reference_id: string }[] }).items.map((item) => item.reference_id),
    );
    for (const [first, ...copies] of PLANTED) {
      expect(refs.has(ref(first as number))).toBe(true);
      for (const copy of copies) expect(refs.has(ref(copy))).toBe(false);
    }
    const groups = await server.call("POST", `ext/datasets/${ds}/near_duplicates/${jobId}/slice`, {
      body: { name: "groups", keep: "groups" },
    });
    expect(groups.body).toMatchObject({ items: PLANTED.flat().length - 1 });
  });
});

/**
 * Uniqueness scores through the real server: among two tight clusters of vectors, a few isolated
 * ones score highest; the scores are queryable (`embedding.uniqueness > 0.8`), and a replaced
 * vector loses its score. The job searches a copy of the saved index, deleted when it ends.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const DIM = 16;
const CLUSTERED = 200;
/** Items whose vectors lie far from every other. */
const OUTLIERS = [17, 101, 150];

const next = random(11);
/** Unit vector along an axis: the two clusters and the outliers are at right angles to each other. */
const axis = (n: number) => Array.from({ length: DIM }, (_, j) => (j === n ? 1 : 0));
const vectors = Array.from({ length: CLUSTERED }, (_, i) =>
  OUTLIERS.includes(i) ? axis(2 + OUTLIERS.indexOf(i)) : axis(i % 2).map((x) => x + (next() - 0.5) * 0.05),
);
const ref = (i: number) => `u${i}`;

describe.each(testBackends())("uniqueness on $name", (backend) => {
  let server: TestServer;
  let ds: string;

  const matching = async (query: string) => {
    const page = await server.call("POST", `ext/datasets/${ds}/itemsPage`, {
      body: { query, pageSize: 500 },
    });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    return (page.body as { items: { reference_id: string }[] }).items.map((item) => item.reference_id).sort();
  };
  const score = async () => {
    const started = await server.call("POST", `ext/datasets/${ds}/uniqueness`, { body: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await server.jobs.idle();
    const status = await server.call("GET", `job/${(started.body as { job_id: string }).job_id}`);
    expect(status.body).toMatchObject({ status: "Completed", message: { scored: CLUSTERED } });
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "unique");
    const items = vectors.map((_, i) => ({
      reference_id: ref(i),
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
    const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: vectors.map((vector, i) => ({ reference_id: ref(i), vector })) },
    });
    expect(uploaded.status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("scores isolated items highest, queryable as embedding.uniqueness", async () => {
    expect(await matching("embedding.uniqueness >= 0")).toEqual([]);
    await score();
    // The job searched a copy of the saved index, gone once it ended.
    const files = readdirSync(join(server.dataDir, "vectors"));
    expect(files).toContain(`${ds}.cosine.usearch`);
    expect(files.filter((name) => name.includes(".job-"))).toEqual([]);
    expect(await matching("embedding.uniqueness > 0.8")).toEqual(OUTLIERS.map(ref).sort());
    expect(await matching("embedding.uniqueness >= 0")).toHaveLength(CLUSTERED);
    expect(await matching("embedding.uniqueness < 0.2")).toHaveLength(CLUSTERED - OUTLIERS.length);
  });

  it("drops the score of a replaced vector, and refuses a bad request", async () => {
    const replaced = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: [{ reference_id: ref(17), vector: vectors[0] }] },
    });
    expect(replaced.status).toBe(200);
    expect(await matching("embedding.uniqueness > 0.8")).toEqual([ref(101), ref(150)]);
    const bad = await server.call("POST", `ext/datasets/${ds}/uniqueness`, { body: { neighbours: 0 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("neighbours");
    const unknown = await server.call("POST", `ext/datasets/${ds}/itemsPage`, {
      body: { query: "embedding.unique > 0.8", pageSize: 10 },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("embedding.uniqueness");
  });
});

/**
 * Autotags through the real server, on generated vectors with a planted concept (a direction
 * added to some items' vectors): trained from five examples, refined in two rounds where a
 * simulated user accepts or rejects the top results, queried with `autotag.<name>`, made into a
 * slice, and read through the protocol's autotag routes; bad requests are 4xx naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const ITEMS = 3_000;
const DIM = 32;
/** Every this-many-th item shows the concept. */
const EVERY = 12;
const STRENGTH = 3;

const next = random(11);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
const direction = (() => {
  const v = Array.from({ length: DIM }, gaussian);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
})();
const ref = (i: number) => `a${i}`;
const inConcept = (r: string) => Number(r.slice(1)) % EVERY === 0;
const vectors = Array.from({ length: ITEMS }, (_, i) =>
  Array.from(
    { length: DIM },
    (_, d) => gaussian() + (i % EVERY === 0 ? STRENGTH * (direction[d] as number) : 0),
  ),
);

interface Scored {
  items: { item_id: string; reference_id: string; score: number }[];
  next_cursor: string | null;
}

describe.each(testBackends())("autotags on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  let tagId: string;

  const finished = async (jobId: string) => {
    for (;;) {
      const status = await server.call("GET", `job/${jobId}`);
      const value = (status.body as { status: string }).status;
      if (value !== "Running" && value !== "Pending") return status.body as { status: string };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const top = async (limit: number) => {
    const page = await server.call("GET", `ext/autotags/${tagId}/items?limit=${limit}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    return (page.body as Scored).items;
  };
  const precisionAt100 = async () =>
    (await top(100)).filter((item) => inConcept(item.reference_id)).length / 100;

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "autotag");
    const items = vectors.map((_, i) => ({
      reference_id: ref(i),
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    // One item without a vector: never scored.
    items.push({ reference_id: "bare", image_url: "https://example.invalid/bare.jpg" });
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
    for (let i = 0; i < ITEMS; i += 1_000) {
      const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
        body: {
          embeddings: vectors.slice(i, i + 1_000).map((vector, j) => ({ reference_id: ref(i + j), vector })),
        },
      });
      expect(uploaded.status).toBe(200);
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  it("refuses unknown items, items without vectors, a taken name and a name queries cannot use", async () => {
    const create = (body: unknown) => server.call("POST", `ext/datasets/${ds}/autotags`, { body });
    const unknown = await create({ name: "x", positives: [ref(0), "nope"] });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: string }).error).toMatch(/^positives\[1\]: .*"nope"/);
    const bare = await create({ name: "x", positives: [ref(0)], negatives: ["bare"] });
    expect(bare.status).toBe(400);
    expect((bare.body as { error: string }).error).toMatch(/^negatives\[0\]: .*has no vector/);
    const both = await create({ name: "x", positives: [ref(0)], negatives: [ref(0)] });
    expect((both.body as { error: string }).error).toMatch(/^negatives\[0\]: .*also a positive/);
    const empty = await create({ name: "x", positives: [] });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain("positives");
    const quoted = await create({ name: 'say "hi"', positives: [ref(0)] });
    expect(quoted.status).toBe(400);
    expect(JSON.stringify(quoted.body)).toContain("name");
    expect(
      (await server.call("POST", "ext/autotags/tag_00000000000000000000/refine", { body: { accept: [] } }))
        .status,
    ).toBe(404);
  });

  it("finds the planted concept from five examples, precision@100 >= 0.9 after two refinement rounds", async () => {
    const positives = [0, 1, 2, 3, 4].map((k) => ref(k * EVERY));
    const created = await server.call("POST", `ext/datasets/${ds}/autotags`, {
      body: { name: "rain", positives },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const body = created.body as {
      job_id: string;
      job_type: string;
      autotag: { id: string; status: string };
    };
    expect(body).toMatchObject({
      job_type: "autotagInference",
      autotag: { status: "Running", positives: 5 },
    });
    tagId = body.autotag.id;
    expect(tagId).toMatch(/^tag_[0-9a-z]{20}$/);
    expect(await finished(body.job_id)).toMatchObject({ status: "Completed" });
    const again = await server.call("POST", `ext/datasets/${ds}/autotags`, {
      body: { name: "rain", positives },
    });
    expect(again.status).toBe(409);

    const labelled = new Set(positives);
    const precision = [await precisionAt100()];
    for (let round = 0; round < 2; round += 1) {
      const shown = (await top(200)).filter((item) => !labelled.has(item.reference_id)).slice(0, 50);
      const accept = shown.filter((item) => inConcept(item.reference_id)).map((item) => item.reference_id);
      const reject = shown.filter((item) => !inConcept(item.reference_id)).map((item) => item.reference_id);
      for (const item of shown) labelled.add(item.reference_id);
      const refined = await server.call("POST", `ext/autotags/${tagId}/refine`, { body: { accept, reject } });
      expect(refined.status, JSON.stringify(refined.body)).toBe(200);
      expect(await finished((refined.body as { job_id: string }).job_id)).toMatchObject({
        status: "Completed",
      });
      precision.push(await precisionAt100());
    }
    expect(precision[2]).toBeGreaterThanOrEqual(0.9);

    const all: Scored["items"] = [];
    let cursor: string | null = null;
    do {
      const page = await server.call(
        "GET",
        `ext/autotags/${tagId}/items?limit=1000${cursor ? `&cursor=${cursor}` : ""}`,
      );
      const scored = page.body as Scored;
      all.push(...scored.items);
      cursor = scored.next_cursor;
    } while (cursor);
    // Every item with a vector is scored once, in [-1, 1], highest first; the bare item is not.
    expect(all).toHaveLength(ITEMS);
    expect(new Set(all.map((item) => item.reference_id)).size).toBe(ITEMS);
    for (const [i, item] of all.entries()) {
      expect(Math.abs(item.score)).toBeLessThanOrEqual(1);
      if (i > 0) expect(item.score).toBeLessThanOrEqual((all[i - 1] as { score: number }).score);
    }
    const info = await server.call("GET", `ext/autotags/${tagId}`);
    expect(info.body).toMatchObject({ status: "Completed", refinement_rounds: 2, scored: ITEMS });
  });

  it("answers autotag.<name> in queries and makes a slice of the items above a threshold", async () => {
    const all = await top(10_000);
    const above = all
      .filter((item) => item.score > 0.5)
      .map((item) => item.reference_id)
      .sort();
    expect(above.length).toBeGreaterThan(0);
    const found: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
        body: { query: "autotag.rain > 0.5", pageSize: 500, ...(pageToken ? { pageToken } : {}) },
      });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      const { items, nextPageToken } = page.body as {
        items: { reference_id: string }[];
        nextPageToken?: string;
      };
      found.push(...items.map((item) => item.reference_id));
      pageToken = nextPageToken || undefined;
    } while (pageToken);
    expect(found.sort()).toEqual(above);
    const combined = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { query: 'autotag.rain > 0.5 AND item.reference_id = "a0"', pageSize: 10 },
    });
    expect((combined.body as { items: unknown[] }).items).toHaveLength(above.includes("a0") ? 1 : 0);
    // Not scored is not "low": the bare item matches neither side.
    const low = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { query: 'autotag.rain <= 0.5 AND item.reference_id = "bare"', pageSize: 10 },
    });
    expect((low.body as { items: unknown[] }).items).toHaveLength(0);
    const unknown = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { query: "autotag.snow > 0.5", pageSize: 10 },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('no autotag \\"snow\\"');

    const slice = await server.call("POST", `ext/autotags/${tagId}/slice`, {
      body: { name: "rainy", threshold: 0.5 },
    });
    expect(slice.status, JSON.stringify(slice.body)).toBe(200);
    const made = slice.body as { slice_id: string; items: number };
    expect(made.items).toBe(all.filter((item) => item.score >= 0.5).length);
    const members = await server.call("GET", `slice/${made.slice_id}`);
    expect((members.body as { items: unknown[] }).items).toHaveLength(made.items);
  });

  it("answers the protocol's autotag routes: list, tagged and training items, refinement metrics, update, delete", async () => {
    expect((await server.call("GET", `${ds}/list_autotags`)).body).toEqual({
      autotags: [{ id: tagId, name: "rain", status: "Completed", autotag_level: "Image" }],
    });
    const tagged = await server.call("POST", `dataset/${ds}/autotag/rain/taggedItems`, {
      body: { score_threshold: 0.8 },
    });
    expect(tagged.status).toBe(200);
    const { autotagItems, autotag } = tagged.body as {
      autotagItems: { ref_id: string; score: number; model_prediction_annotation_id: null }[];
      autotag: unknown;
    };
    expect(autotag).toEqual({ id: tagId, name: "rain", status: "Completed", autotag_level: "Image" });
    const expected = (await top(10_000)).filter((item) => item.score > 0.8).map((item) => item.reference_id);
    expect(autotagItems.map((item) => item.ref_id)).toEqual(expected);
    expect(autotagItems[0]).toMatchObject({
      model_prediction_annotation_id: null,
      ground_truth_annotation_id: null,
    });
    const training = await server.call("GET", `dataset/${ds}/autotag/rain/trainingItems`);
    const positives = (training.body as { autotagPositiveTrainingItems: { ref_id: string }[] })
      .autotagPositiveTrainingItems;
    expect(positives.slice(0, 5).map((item) => item.ref_id)).toEqual(
      [0, 1, 2, 3, 4].map((k) => ref(k * EVERY)),
    );
    expect(positives.every((item) => inConcept(item.ref_id))).toBe(true);
    const missing = await server.call("GET", `dataset/${ds}/autotag/snow/trainingItems`);
    expect(missing.status).toBe(404);
    expect((missing.body as { error: string }).error).toContain(
      `The autotag snow was not found in dataset ${ds}`,
    );
    const metrics = await server.call("GET", `autotag/${tagId}/refinementMetrics`);
    const m = metrics.body as {
      total_refinement_steps: number;
      average_positives_selected_per_refinement: number;
      average_ms_taken_in_refinement: number;
    };
    expect(m.total_refinement_steps).toBe(2);
    expect(m.average_positives_selected_per_refinement).toBe((positives.length - 5) / 2);
    expect(m.average_ms_taken_in_refinement).toBeGreaterThan(0);
    const update = await server.call("POST", `autotag/${tagId}`, { body: {} });
    expect(update.body).toMatchObject({ job_type: "autotagInference", job_last_known_status: "Running" });
    expect(await finished((update.body as { job_id: string }).job_id)).toMatchObject({ status: "Completed" });
    expect(
      (await server.call("GET", `autotag/${tagId}/refinementMetrics`, { key: "other_key" })).status,
    ).toBe(404);
    expect((await server.call("DELETE", `autotag/${tagId}`, { body: {}, key: "other_key" })).status).toBe(
      404,
    );
    expect((await server.call("DELETE", `autotag/${tagId}`, { body: {} })).status).toBe(200);
    expect((await server.call("GET", `${ds}/list_autotags`)).body).toEqual({ autotags: [] });
    expect((await server.call("GET", `autotag/${tagId}/refinementMetrics`)).status).toBe(404);
  });
});

/**
 * The metrics of a run on a subset of its items (a query or a slice) read the stored match rows
 * of those items a page at a time: across many pages they must equal the metrics of a run made
 * on a dataset holding only those items, on each backend.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, startTestServer, type TestServer, testBackends } from "./test-support.js";

/** Items of the big dataset; the subset is the foggy third, with more match rows than a page. */
const ITEMS = 2_400;
const foggy = (i: number) => i % 3 === 0;

const box = (ref: string, label: string, x: number, y: number, extra: Record<string, unknown> = {}) => ({
  type: "box",
  label,
  reference_id: ref,
  geometry: { x, y, width: 40, height: 30 },
  ...extra,
});

/** Two ground-truth boxes an item, and two predictions: one near a box, one elsewhere. */
function labelsOf(i: number) {
  const ref = `img_${i}`;
  const label = i % 4 === 0 ? "person" : "car";
  const shift = (i * 7) % 23;
  return {
    annotations: [box(ref, label, 10, 10), box(ref, "car", 200, 100 + (i % 5))],
    predictions: [
      box(ref, label, 10 + shift, 10 + (shift % 11), { confidence: ((i * 37) % 100) / 100 }),
      box(ref, i % 2 ? "car" : "person", 400 + shift, 300, { confidence: ((i * 53) % 100) / 100 }),
    ],
  };
}

type Metrics = { map: number; map50: number; per_class: { label: string; ap: number }[] };

describe.each(testBackends())("evaluation of a subset ($name)", (backend) => {
  let server: TestServer;

  /** A body, or the test fails with the server's answer. */
  async function ok<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await server.call(method, route, body === undefined ? {} : { body });
    if (response.status !== 200)
      throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as T;
  }

  /** A dataset of the given items with their labels, and its committed, evaluated run. */
  async function evaluated(name: string, indexes: number[]) {
    const ds = await createDataset(server, name);
    await ok("POST", `dataset/${ds}/append`, {
      items: indexes.map((i) => ({
        reference_id: `img_${i}`,
        image_url: `s3://b/img_${i}.jpg`,
        metadata: { weather: foggy(i) ? "foggy" : "clear" },
      })),
    });
    const labels = indexes.map(labelsOf);
    await ok("POST", `dataset/${ds}/annotate`, { annotations: labels.flatMap((l) => l.annotations) });
    const run = (
      await ok<{ model_run_id: string }>("POST", `dataset/${ds}/modelRun/create`, {
        name: "v1",
        reference_id: "detector",
      })
    ).model_run_id;
    await ok("POST", `modelRun/${run}/predict`, { annotations: labels.flatMap((l) => l.predictions) });
    await ok("POST", `modelRun/${run}/commit`, {});
    await server.idle();
    return { ds, run };
  }

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    await ok("POST", "models/add", { name: "detector", reference_id: "detector" });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("equals the run of a dataset holding only the subset, across pages of match rows", async () => {
    const all = Array.from({ length: ITEMS }, (_, i) => i);
    const big = await evaluated("all", all);
    const small = await evaluated("foggy only", all.filter(foggy));

    const subset = await ok<{ items: number; metrics: Metrics }>(
      "POST",
      `ext/modelRuns/${big.run}/evaluation`,
      {
        query: 'metadata.weather = "foggy"',
      },
    );
    const alone = await ok<{ items: number; metrics: Metrics }>(
      "POST",
      `ext/modelRuns/${small.run}/evaluation`,
      {},
    );
    expect(subset.items).toBe(ITEMS / 3);
    expect(alone.items).toBe(ITEMS / 3);
    expect(subset.metrics.map).toBeGreaterThan(0);
    expect(subset.metrics).toEqual(alone.metrics);

    // The same through a slice of those items.
    const slice = await ok<{ slice_id: string }>("POST", `ext/datasets/${big.ds}/slices`, {
      name: "foggy",
      query: 'metadata.weather = "foggy"',
    });
    const bySlice = await ok<{ metrics: Metrics }>("POST", `ext/modelRuns/${big.run}/evaluation`, {
      slice_id: slice.slice_id,
    });
    expect(bySlice.metrics).toEqual(alone.metrics);
  }, 120_000);
});

/**
 * Curation through the real server: the protocol's query routes (items and objects, every patch
 * mode) and this server's `ext/` routes (counts, facets, metadata schema, query checks, tags,
 * reviews, slices from a query, evaluations of a subset), with bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, OTHER_KEY, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
let ds: string;
let run: string;

const box = (ref: string, label: string, x: number, extra: Record<string, unknown> = {}) => ({
  type: "box",
  label,
  reference_id: ref,
  geometry: { x, y: 0, width: 20, height: 20 },
  ...extra,
});

/** A body, or the test fails with the server's answer. */
async function ok<T>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await server.call(method, route, body === undefined ? {} : { body });
  if (response.status !== 200)
    throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as T;
}

const WEATHER = ["foggy", "clear", "foggy", "rainy", "clear", "foggy", "clear", "clear"];

beforeAll(async () => {
  server = await startTestServer();
  ds = await createDataset(server, "streets");
  await ok("POST", `dataset/${ds}/append`, {
    items: WEATHER.map((weather, i) => ({
      reference_id: `s${i}`,
      image_url: `s3://b/s${i}.jpg`,
      metadata: { weather, speed: i * 10, night: i % 2 === 1 },
    })),
  });
  // Ground truth: cars everywhere, three on s0 and s2, a pedestrian on s1.
  const annotations = [
    ...WEATHER.map((_, i) => box(`s${i}`, "car", 0, { annotation_id: `car-${i}` })),
    box("s0", "car", 100, { annotation_id: "car-0b" }),
    box("s0", "car", 200, { annotation_id: "car-0c" }),
    box("s2", "car", 100, { annotation_id: "car-2b" }),
    box("s2", "car", 200, { annotation_id: "car-2c" }),
    box("s1", "pedestrian", 300, { annotation_id: "ped-1" }),
  ];
  await ok("POST", `dataset/${ds}/annotate`, { annotations });
  await ok("POST", "models/add", { name: "detector", reference_id: "detector" });
  run = (
    await ok<{ model_run_id: string }>("POST", `dataset/${ds}/modelRun/create`, {
      name: "v1",
      reference_id: "detector",
    })
  ).model_run_id;
  // Right on every car of clear items, nothing right when foggy; a few boxes on background.
  const predictions = [
    ...WEATHER.flatMap((weather, i) =>
      weather === "foggy"
        ? [box(`s${i}`, "car", 400, { confidence: 0.6, annotation_id: `fp-${i}` })]
        : [box(`s${i}`, "car", 1, { confidence: 0.9, annotation_id: `tp-${i}` })],
    ),
    box("s1", "car", 500, { confidence: 0.3, annotation_id: "bg-1" }),
  ];
  await ok("POST", `modelRun/${run}/predict`, { annotations: predictions });
  await ok("POST", `modelRun/${run}/commit`, {});
  await server.idle();
});
afterAll(async () => {
  await server.stop();
});

const refsOf = (items: { reference_id: string }[]) => items.map((i) => i.reference_id);

describe("queryItemsPage", () => {
  it("selects items by metadata and label counts, in upload order, page by page", async () => {
    const query = 'metadata.weather = "foggy" AND annotations.car >= 3';
    const page = await ok<{ items: { reference_id: string }[]; nextPageToken: string | null }>(
      "POST",
      `dataset/${ds}/queryItemsPage`,
      { pageToken: null, pageSize: 100, query },
    );
    expect(refsOf(page.items)).toEqual(["s0", "s2"]);
    expect(page.nextPageToken).toBeNull();

    const all: string[] = [];
    let token: string | null = null;
    do {
      const next: { items: { reference_id: string }[]; nextPageToken: string | null } = await ok(
        "POST",
        `dataset/${ds}/queryItemsPage`,
        { pageToken: token, pageSize: 3, query: "annotations.count >= 1" },
      );
      all.push(...refsOf(next.items));
      token = next.nextPageToken;
    } while (token);
    expect(all).toEqual(WEATHER.map((_, i) => `s${i}`));
  });

  it("counts predictions of a run, and selects everything with no query", async () => {
    const page = await ok<{ items: { reference_id: string }[] }>("POST", `dataset/${ds}/queryItemsPage`, {
      pageToken: null,
      pageSize: 100,
      query: "predictions.car >= 2",
      model_run_id: run,
    });
    expect(refsOf(page.items)).toEqual(["s1"]);
    const everything = await ok<{ items: unknown[] }>("POST", `dataset/${ds}/queryItemsPage`, {
      pageSize: 100,
    });
    expect(everything.items).toHaveLength(WEATHER.length);
  });

  it("refuses a bad query with a 400 that names the position and what was expected", async () => {
    const bad = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { pageToken: null, pageSize: 10, query: "metadata.weather bad" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: expect.stringMatching(/^query: at 18 \("bad"\): expected an operator/),
      query_error: { position: 18, found: "bad" },
    });
    const kind = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { pageSize: 10, query: 'metadata.speed > "fast"' },
    });
    expect(kind.status).toBe(400);
    expect((kind.body as { error: string }).error).toContain("expected a number");
    const field = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { pageSize: 10, query: "label = 'car'" },
    });
    expect(field.status).toBe(400);
    const token = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { pageSize: 10, pageToken: "nope", query: "" },
    });
    expect(token.status).toBe(400);
    const otherTenant = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { pageSize: 10, query: "" },
      key: OTHER_KEY,
    });
    expect(otherTenant.status).toBe(404);
    const foreignRun = await server.call("POST", `dataset/${ds}/queryItemsPage`, {
      body: { pageSize: 10, query: "", model_run_id: "run_nope" },
    });
    expect(foreignRun.status).toBe(404);
  });
});

describe("queryObjectsPage", () => {
  it("lists ground truth and a run's predictions that a query selects", async () => {
    const gt = await ok<{ items: { label: string; reference_id: string; annotation_id: string }[] }>(
      "POST",
      `dataset/${ds}/queryObjectsPage`,
      { pageToken: null, pageSize: 100, query: 'label = "pedestrian" AND area = 400' },
    );
    expect(gt.items.map((o) => [o.reference_id, o.annotation_id])).toEqual([["s1", "ped-1"]]);
    const preds = await ok<{ items: { annotation_id: string; confidence: number }[] }>(
      "POST",
      `dataset/${ds}/queryObjectsPage`,
      { pageSize: 100, query: "confidence < 0.5", patch_mode: "predictions_only", model_run_id: run },
    );
    expect(preds.items.map((o) => o.annotation_id)).toEqual(["bg-1"]);
  });

  it("lists match rows in every patch mode, from the run's evaluation", async () => {
    const rows = async (patch_mode: string, query = "") =>
      (
        await ok<{ items: Record<string, unknown>[] }>("POST", `dataset/${ds}/queryObjectsPage`, {
          pageSize: 100,
          query,
          patch_mode,
          model_run_id: run,
        })
      ).items;
    const fps = await rows("false_positive", 'label = "car" AND iou < 0.1');
    // Foggy items' predictions and the background box: false positives far from any car.
    expect(fps.map((r) => r.reference_id)).toEqual(["s0", "s1", "s2", "s5"]);
    expect(fps[0]).toMatchObject({
      model_run_id: run,
      true_positive: false,
      match_type: "FP",
      model_prediction_label: "car",
      ground_truth_annotation_id: null,
      iou: 0,
    });
    const fns = await rows("false_negative", 'item.metadata.weather = "foggy"');
    expect(fns.map((r) => r.ground_truth_annotation_label)).toEqual(Array(7).fill("car"));
    const all = await rows("iou", 'match_type = "TP" AND iou > 0.9');
    expect(all.map((r) => r.reference_id)).toEqual(["s1", "s3", "s4", "s6", "s7"]);
    expect(all.every((r) => r.true_positive === true)).toBe(true);
    const pages: unknown[] = [];
    let token: string | null = null;
    do {
      const page: { items: unknown[]; nextPageToken: string | null } = await ok(
        "POST",
        `dataset/${ds}/queryObjectsPage`,
        { pageSize: 2, pageToken: token, query: "", patch_mode: "iou", model_run_id: run },
      );
      pages.push(...page.items);
      token = page.nextPageToken;
    } while (token);
    expect(pages).toEqual(await rows("iou"));
  });

  it("needs a run for a patch mode, an evaluated one for match rows, and match fields in patch modes only", async () => {
    const noRun = await server.call("POST", `dataset/${ds}/queryObjectsPage`, {
      body: { pageSize: 10, query: "", patch_mode: "false_positive" },
    });
    expect(noRun.status).toBe(400);
    const matchField = await server.call("POST", `dataset/${ds}/queryObjectsPage`, {
      body: { pageSize: 10, query: "iou < 0.1" },
    });
    expect(matchField.status).toBe(400);
    expect((matchField.body as { error: string }).error).toContain("match rows");
    const other = (
      await ok<{ model_run_id: string }>("POST", `dataset/${ds}/modelRun/create`, {
        name: "v2",
        reference_id: "detector",
      })
    ).model_run_id;
    const unevaluated = await server.call("POST", `dataset/${ds}/queryObjectsPage`, {
      body: { pageSize: 10, query: "", patch_mode: "iou", model_run_id: other },
    });
    expect(unevaluated.status).toBe(400);
    expect((unevaluated.body as { error: string }).error).toContain("commit");
    const mode = await server.call("POST", `dataset/${ds}/queryObjectsPage`, {
      body: { pageSize: 10, query: "", patch_mode: "sideways", model_run_id: run },
    });
    expect(mode.status).toBe(400);
  });
});

describe("ext: counts, facets, schema, query checks", () => {
  it("counts and describes the items of a query", async () => {
    expect(await ok("POST", `ext/datasets/${ds}/count`, { query: 'metadata.weather = "clear"' })).toEqual({
      count: 4,
    });
    const facets = await ok<{
      count: number;
      annotations: { label: string; objects: number; items: number }[];
      predictions: { model_run_id: string; labels: { label: string; objects: number }[] }[];
      metadata: {
        key: string;
        values?: { value: unknown; count: number }[];
        histogram?: { edges: number[]; counts: number[] };
      }[];
    }>("POST", `ext/datasets/${ds}/facets`, { query: "annotations.car >= 1", bins: 4, model_run_id: run });
    expect(facets.count).toBe(8);
    expect(facets.annotations).toEqual([
      { label: "car", objects: 12, items: 8 },
      { label: "pedestrian", objects: 1, items: 1 },
    ]);
    expect(facets.predictions).toEqual([
      { model_run_id: run, labels: [{ label: "car", objects: 9, items: 8 }] },
    ]);
    const weather = facets.metadata.find((m) => m.key === "weather");
    expect(weather?.values?.[0]).toEqual({ value: "clear", count: 4 });
    const speed = facets.metadata.find((m) => m.key === "speed");
    expect(speed?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect(speed?.histogram?.edges[0]).toBe(0);
  });

  it("describes the metadata schema, and dataset info follows from it", async () => {
    const schema = await ok<{
      keys: { key: string; type: string; distinct_values: number }[];
      item_metadata_schema: Record<string, { type: string }>;
    }>("GET", `ext/datasets/${ds}/metadataSchema`);
    expect(schema.keys.map((k) => [k.key, k.type, k.distinct_values])).toEqual([
      ["night", "boolean", 2],
      ["speed", "number", 8],
      ["weather", "string", 3],
    ]);
    expect(schema.item_metadata_schema).toEqual({
      night: { type: "json" },
      speed: { type: "number" },
      weather: { type: "category" },
    });
  });

  it("checks a query without running it", async () => {
    const checked = await ok<{ fields: { text: string; kind: string; type: string }[] }>(
      "POST",
      `ext/datasets/${ds}/checkQuery`,
      { query: 'metadata.speed > 3 AND annotations."car" >= 1' },
    );
    expect(checked.fields.map((f) => [f.text, f.kind, f.type])).toEqual([
      ["metadata.speed", "metadata", "number"],
      ['annotations."car"', "count", "number"],
    ]);
    const bad = await server.call("POST", `ext/datasets/${ds}/checkQuery`, {
      body: { query: "annotations.car >", scope: "item" },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { query_error: { found: string } }).query_error.found).toBe("end of query");
    const objects = await ok<{ fields: unknown[] }>("POST", `ext/datasets/${ds}/checkQuery`, {
      query: "iou < 0.1 AND label = 'car'",
      scope: "object",
    });
    expect(objects.fields).toHaveLength(2);
  });
});

describe("ext: tags and reviews", () => {
  it("tags items by reference id and by query, and queries them", async () => {
    expect(
      await ok("POST", `ext/datasets/${ds}/tags`, { reference_ids: ["s0", "s1"], add: ["hard"] }),
    ).toEqual({
      items: 2,
      changed: 2,
    });
    expect(
      await ok("POST", `ext/datasets/${ds}/tags`, {
        query: 'metadata.weather = "rainy"',
        add: ["hard", "rain"],
      }),
    ).toEqual({ items: 1, changed: 2 });
    const hard = await ok<{ items: { reference_id: string; tags: string[] }[] }>(
      "POST",
      `ext/datasets/${ds}/itemsPage`,
      { pageSize: 10, query: 'tags CONTAINS "hard"' },
    );
    expect(hard.items.map((i) => [i.reference_id, i.tags])).toEqual([
      ["s0", ["hard"]],
      ["s1", ["hard"]],
      ["s3", ["hard", "rain"]],
    ]);
    await ok("POST", `ext/datasets/${ds}/tags`, { reference_ids: ["s1"], remove: ["hard"] });
    expect(await ok("GET", `ext/datasets/${ds}/tags`)).toEqual({
      tags: [
        { tag: "hard", count: 2 },
        { tag: "rain", count: 1 },
      ],
    });
    const unknown = await server.call("POST", `ext/datasets/${ds}/tags`, {
      body: { reference_ids: ["ghost"], add: ["x"] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: "unknown_reference", reference_ids: ["ghost"] });
    const nothing = await server.call("POST", `ext/datasets/${ds}/tags`, { body: { reference_ids: ["s0"] } });
    expect(nothing.status).toBe(400);
  });

  it("reviews annotations and items with who and when; status is queryable and metadata-compatible", async () => {
    const reviewed = await ok<{
      reviews: { annotation_id: string | null; status: string; reviewer: string; created_at: string }[];
    }>("POST", `ext/datasets/${ds}/reviews`, {
      reviewer: "ana",
      reviews: [
        { reference_id: "s2", annotation_id: "car-2b", status: "needs_fix", comment: "box too tight" },
        { reference_id: "s2", status: "rejected" },
      ],
    });
    expect(reviewed.reviews.map((r) => [r.annotation_id, r.status, r.reviewer])).toEqual([
      ["car-2b", "needs_fix", "ana"],
      [null, "rejected", "ana"],
    ]);
    expect(Date.parse(reviewed.reviews[0]?.created_at as string)).not.toBeNaN();
    const rejected = await ok<{ items: { reference_id: string; review_status: string }[] }>(
      "POST",
      `ext/datasets/${ds}/itemsPage`,
      { pageSize: 10, query: 'review.status = "rejected"' },
    );
    expect(rejected.items.map((i) => [i.reference_id, i.review_status])).toEqual([["s2", "rejected"]]);
    // Nucleus's own review field, set through the protocol, reads the same.
    await ok("POST", `dataset/${ds}/metadata`, {
      level: "item",
      metadata: [{ reference_id: "s5", metadata: { review_status: "rejected" } }],
    });
    expect(await ok("POST", `ext/datasets/${ds}/count`, { query: 'review.status = "rejected"' })).toEqual({
      count: 2,
    });
    const history = await ok<{ reviews: unknown[] }>("GET", `ext/datasets/${ds}/items/s2/reviews`);
    expect(history.reviews).toHaveLength(2);
    const badAnnotation = await server.call("POST", `ext/datasets/${ds}/reviews`, {
      body: { reviews: [{ reference_id: "s2", annotation_id: "nope", status: "accepted" }] },
    });
    expect(badAnnotation.status).toBe(404);
    const badStatus = await server.call("POST", `ext/datasets/${ds}/reviews`, {
      body: { reviews: [{ reference_id: "s2", status: "maybe" }] },
    });
    expect(badStatus.status).toBe(400);
  });
});

describe("ext: slices from a query and evaluations of a subset", () => {
  it("makes static and dynamic slices from a query", async () => {
    const foggy = await ok<{ slice_id: string; dynamic: boolean }>("POST", `ext/datasets/${ds}/slices`, {
      name: "foggy",
      query: 'metadata.weather = "foggy"',
      dynamic: true,
    });
    expect(foggy.dynamic).toBe(true);
    const fixed = await ok<{ slice_id: string }>("POST", `ext/datasets/${ds}/slices`, {
      name: "clear-now",
      query: 'metadata.weather = "clear"',
    });
    const members = await ok<{ items: { reference_id: string }[] }>(
      "POST",
      `slice/${fixed.slice_id}/itemsPage`,
      {
        pageToken: null,
        pageSize: 100,
      },
    );
    expect(refsOf(members.items)).toEqual(["s1", "s4", "s6", "s7"]);
    // Slices are fields of queries: by name, dynamic ones read again.
    expect(
      await ok("POST", `ext/datasets/${ds}/count`, {
        query: 'slice.foggy = true OR slice."clear-now" = true',
      }),
    ).toEqual({ count: 7 });
    const bad = await server.call("POST", `ext/datasets/${ds}/slices`, {
      body: { name: "broken", query: "metadata.weather ==" },
    });
    expect(bad.status).toBe(400);
  });

  it("evaluates a run on the items of a query or a slice", async () => {
    const evaluation = async (body: Record<string, unknown>) =>
      ok<{
        items: number;
        metrics: { map50: number; per_class: { label: string; ap50: number }[] };
        charts: { totalCounts: { tp: number; fp: number; fn: number } };
      }>("POST", `ext/modelRuns/${run}/evaluation`, body);
    const clear = await evaluation({ query: 'metadata.weather = "clear"' });
    expect(clear.items).toBe(4);
    expect(clear.metrics.map50).toBeCloseTo(0.5, 6);
    expect(clear.charts.totalCounts).toEqual({ tp: 4, fp: 1, fn: 1, predsWithConfidence: 5 });
    const foggy = await evaluation({ query: 'metadata.weather = "foggy"' });
    expect(foggy.metrics.map50).toBe(0);
    expect(foggy.charts.totalCounts).toMatchObject({ tp: 0, fp: 3, fn: 7 });
    const all = await evaluation({});
    expect(all.items).toBe(8);
    const slices = await ok<{ id: string; name: string }[]>("GET", `dataset/${ds}/slices`);
    const sliceId = slices.find((s) => s.name === "clear-now")?.id as string;
    expect((await evaluation({ slice_id: sliceId })).metrics).toEqual(clear.metrics);
    const both = await server.call("POST", `ext/modelRuns/${run}/evaluation`, {
      body: { query: "metadata.night = true", slice_id: sliceId },
    });
    expect(both.status).toBe(400);
  });
});

describe("Evaluations V2 charts and examples with query and filters", () => {
  let evaluation: string;
  beforeAll(async () => {
    evaluation = (await ok<{ evaluation_id: string }>("POST", `modelRun/${run}/evaluationsV2`, { name: "q" }))
      .evaluation_id;
    await server.idle();
  });

  it("charts the match rows a query and filters select", async () => {
    type Charts = { totalCounts: { tp: number; fp: number; fn: number }; mapSummary: { mapAt50: number } };
    const all = await ok<Charts>("GET", `evaluationsV2/${evaluation}/charts`);
    expect(all.totalCounts).toMatchObject({ tp: 5, fp: 4, fn: 8 });
    const query = encodeURIComponent('item.metadata.weather = "clear"');
    const clear = await ok<Charts>(
      "GET",
      `evaluationsV2/${evaluation}/charts?iouThreshold=0.5&query=${query}`,
    );
    expect(clear.totalCounts).toMatchObject({ tp: 4, fp: 1, fn: 1 });
    expect(clear.mapSummary.mapAt50).toBeCloseTo(0.5, 6);
    const filters = encodeURIComponent(
      JSON.stringify({ predLabels: ["car"], confidenceRange: { min: 0.5 } }),
    );
    const filtered = await ok<Charts>("GET", `evaluationsV2/${evaluation}/charts?filters=${filters}`);
    expect(filtered.totalCounts).toMatchObject({ tp: 5, fp: 3, fn: 0 });
    const posted = await ok<Charts>("POST", `evaluationsV2/${evaluation}/charts`, {
      iouThreshold: 0.5,
      query: 'item.metadata.weather = "clear"',
      filters: { hasGroundTruth: true },
    });
    expect(posted.totalCounts).toMatchObject({ tp: 4, fp: 0, fn: 1 });
  });

  it("pages through the examples a query selects, sorted", async () => {
    const page = await ok<{
      rows: { match_type: string; confidence: number; item_metadata: { weather: string } }[];
      total: number;
    }>("POST", `evaluationsV2/${evaluation}/examples`, {
      match_type: "FP",
      query: "iou < 0.1",
      sort_by: "confidence",
      sort_order: "asc",
      limit: 2,
    });
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.confidence)).toEqual([0.3, 0.6]);
    expect(page.rows[0]?.item_metadata.weather).toBe("clear");
    const background = await ok<{ total: number }>("POST", `evaluationsV2/${evaluation}/examples`, {
      filters: { tideBackground: true },
    });
    expect(background.total).toBe(4);
  });

  it("refuses a bad query or filters with a 400", async () => {
    const query = await server.call(
      "GET",
      `evaluationsV2/${evaluation}/charts?query=${encodeURIComponent("iou <")}`,
    );
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ query_error: { position: 6 } });
    const filters = await server.call("POST", `evaluationsV2/${evaluation}/examples`, {
      body: { filters: { sizeRange: [0, 1] } },
    });
    expect(filters.status).toBe(400);
    expect((filters.body as { error: string }).error).toContain("unknown filter");
    const json = await server.call(
      "GET",
      `evaluationsV2/${evaluation}/charts?filters=${encodeURIComponent("{")}`,
    );
    expect(json.status).toBe(400);
  });
});

describe("dataset info", () => {
  it("reports the metadata schema that follows from the items, with the one given at creation first", async () => {
    const created = await ok<{ dataset_id: string }>("POST", "dataset/create", {
      name: "declared",
      item_metadata_schema: { weather: { type: "text" } },
    });
    await ok("POST", `dataset/${created.dataset_id}/append`, {
      items: [{ reference_id: "a", image_url: "s3://b/a.jpg", metadata: { weather: "fog", speed: 3 } }],
    });
    const info = await ok<{ item_metadata_schema: Record<string, { type: string }> }>(
      "GET",
      `dataset/${created.dataset_id}/info`,
    );
    expect(info.item_metadata_schema).toEqual({ weather: { type: "text" }, speed: { type: "number" } });
    const empty = await createDataset(server, "empty");
    expect(
      (await ok<{ item_metadata_schema: unknown }>("GET", `dataset/${empty}/info`)).item_metadata_schema,
    ).toBeNull();
  });
});

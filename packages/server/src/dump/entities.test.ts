/**
 * A dump carries everything a dataset has, not only its items and labels: taxonomies, dataset,
 * model and slice tags, slice queries (static and dynamic), item tags, reviews with their times,
 * perceptual hashes, embeddings, scenes with their labels and tracks, and scenario tests with
 * their functions, thresholds, baseline and evaluations. It goes SQLite -> PostgreSQL -> SQLite
 * and each copy's dump equals the first, ids aside. A version 1 dump still loads.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readTenantSecret } from "../db/data-folder.js";
import { tenantOf } from "../http/tenants.js";
import { openMedia } from "../media.js";
import { newSchema, testDatabaseUrl, withSchema } from "../store/postgres/testing.js";
import {
  createDataset,
  KEY,
  remoteItems,
  startTestServer,
  TEST_SECRET,
  type TestServer,
  TINY_PNG,
} from "../test-support.js";
import { DUMP_FORMAT, type DumpLine } from "./format.js";
import { dumpDataset, loadDump } from "./tasks.js";

const url = testDatabaseUrl();

async function* each(lines: DumpLine[]): AsyncIterable<DumpLine> {
  yield* lines;
}

/**
 * A dump without what differs from copy to copy: the export time, and the ids the servers made
 * (each replaced by its prefix and the order it first appears in, so references still line up).
 */
function comparable(lines: DumpLine[]): unknown[] {
  const seen = new Map<string, string>();
  const text = JSON.stringify(
    lines.map((line) => (line.kind === "header" ? { ...line, exportedAt: "" } : line)),
  );
  const renamed = text.replace(/\b(ds|prj|run|slc|ef|ut|ste|scn)_[0-9a-z]{20}\b/g, (id, prefix: string) => {
    if (!seen.has(id)) seen.set(id, `${prefix}_#${seen.size}`);
    return seen.get(id) as string;
  });
  return JSON.parse(renamed) as unknown[];
}

async function dumpOf(location: Parameters<typeof dumpDataset>[0], datasetId: string, secret?: string) {
  const lines: DumpLine[] = [];
  await dumpDataset(location, { apiKey: KEY, secret }, datasetId, (line) => {
    lines.push(JSON.parse(JSON.stringify(line)) as DumpLine);
  });
  return lines;
}

/** A 4x4 mask, left half 1 and right half 2. */
const maskPng = () =>
  sharp(Buffer.from(Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : 2))), {
    raw: { width: 4, height: 4, channels: 1 },
  })
    .png()
    .toBuffer();

/** Fills a dataset on `server` with one of every kind of record a dump carries. */
async function fill(server: TestServer): Promise<string> {
  const ok = async (method: string, route: string, body: unknown = {}) => {
    const response = await server.call(method, route, { body });
    expect(response.status, `${method} ${route}: ${JSON.stringify(response.body)}`).toBe(200);
    return response.body as never;
  };
  const { store } = server;
  const tenant = tenantOf(KEY, readTenantSecret(server.dataDir));
  const ds = await createDataset(server, "everything");
  const form = new FormData();
  form.append(
    "items",
    JSON.stringify([{ reference_id: "local", image_url: "/data/local.png", metadata: {}, update: false }]),
  );
  form.append("image", new Blob([TINY_PNG], { type: "image/png" }), "%2Fdata%2Flocal.png");
  await ok("POST", `dataset/${ds}/append`, form);
  await ok("POST", `dataset/${ds}/append`, { items: remoteItems(6) });
  await store.tags.add("dataset", tenant, ds, ["night", "front"]);
  await store.taxonomies.add(
    ds,
    { name: "weather", type: "category", labels: ["sun", "rain"] },
    { update: false },
  );
  await store.taxonomies.add(
    ds,
    { name: "flags [x]", type: "multicategory", labels: ["a", "b"] },
    { update: false },
  );
  const box = (ref: string, x: number, extra: Record<string, unknown> = {}) => ({
    type: "box",
    label: "car",
    reference_id: ref,
    annotation_id: `${ref}-${x}`,
    geometry: { x, y: 0, width: 10, height: 10 },
    metadata: {},
    ...extra,
  });
  await ok("POST", `dataset/${ds}/annotate`, {
    annotations: [
      box("img_0", 0),
      box("img_1", 0, { track_reference_id: "car-7" }),
      box("img_2", 5),
      { type: "category", label: "rain", taxonomy_name: "weather", reference_id: "img_0" },
      { type: "multicategory", labels: ["a", "b"], taxonomy_name: "flags [x]", reference_id: "img_1" },
    ],
  });
  const mask = new FormData();
  mask.append(
    "serialized_request",
    JSON.stringify({
      segmentations: [
        {
          type: "mask",
          mask_url: "/data/m.png",
          annotations: [{ label: "road", index: 1 }],
          reference_id: "img_3",
        },
      ],
      update: false,
    }),
  );
  mask.append("mask", new Blob([await maskPng()], { type: "image/png" }), "%2Fdata%2Fm.png");
  await ok("POST", `dataset/${ds}/annotate`, mask);

  const items = new Map<string, string>();
  for (const item of (await store.items.page(ds, { cursor: null, limit: 100 })).records)
    items.set(item.referenceId, item.id);
  const id = (ref: string) => items.get(ref) as string;
  await store.curation.tag(ds, [id("img_0"), id("img_1")], { add: ["hard", "checked"] });
  await store.curation.tag(ds, [id("img_2")], { add: ["blurry"] });
  await store.curation.review(ds, [
    { itemId: id("img_0"), status: "rejected", reviewer: "ana", comment: "wrong box" },
    { itemId: id("img_0"), annotationId: "img_0-0", status: "needs_fix", reviewer: "ana", comment: null },
    { itemId: id("img_1"), status: "accepted" },
  ]);
  await store.phashes.put([
    {
      itemId: id("local"),
      source: (await store.items.get(ds, id("local")))?.mediaKey as string,
      phash: "01".repeat(32),
    },
    { itemId: id("img_0"), source: "https://example.invalid/img_0.jpg", phash: "1".repeat(64) },
  ]);
  await store.embeddings.put(ds, [
    { itemId: id("img_0"), vector: Float32Array.from([0.1, -2.5, 1 / 3]) },
    { itemId: id("img_1"), vector: Float32Array.from([1e-7, 0, 42]) },
  ]);
  await store.scenes.upsert(
    ds,
    {
      referenceId: "drive-1",
      kind: "video",
      metadata: { city: "Oslo" },
      frameRate: 10,
      videoUrl: null,
      videoMediaKey: null,
      frames: [
        { frame: 0, sensor: null, type: "image", itemReferenceId: "img_4" },
        { frame: 1, sensor: null, type: "image", itemReferenceId: "img_5" },
      ],
    },
    { update: false },
  );
  await store.scenes.upsertLabels(
    { kind: "annotations", datasetId: ds },
    [{ type: "category", label: "sun", taxonomy_name: "weather", reference_id: "drive-1" }],
    { update: false },
  );
  await store.scenes.upsertTracks(ds, [{ referenceId: "bus-1", metadata: { color: "red" } }], {
    overwrite: false,
  });

  const { model_id: modelId } = (await ok("POST", "models/add", {
    name: "det",
    reference_id: "det",
    metadata: {},
  })) as {
    model_id: string;
  };
  await ok("POST", `model/${modelId}/tag`, { tags: ["prod"] });
  const { model_id: other } = (await ok("POST", "models/add", {
    name: "old",
    reference_id: "old",
    metadata: {},
  })) as {
    model_id: string;
  };
  await ok("POST", `dataset/${ds}/model/${modelId}/uploadPredictions`, {
    annotations: [box("img_0", 0, { confidence: 0.9 }), box("img_2", 6, { confidence: 0.4 })],
  });
  const run = (await store.runs.list(tenant, { datasetId: ds }))[0]?.id as string;
  await store.scenes.upsertLabels(
    { kind: "predictions", datasetId: ds, runId: run },
    [
      {
        type: "category",
        label: "rain",
        taxonomy_name: "weather",
        reference_id: "drive-1",
        confidence: 0.6,
      } as never,
    ],
    { update: false },
  );

  const { slice_id: sliceId } = (await ok("POST", `dataset/${ds}/create_slice`, {
    name: "cars",
    reference_ids: ["img_0", "img_1", "img_2"],
  })) as { slice_id: string };
  await store.tags.add("slice", tenant, sliceId, ["gold"]);
  await store.curation.createQuerySlice(tenant, {
    datasetId: ds,
    name: "tagged now",
    query: { query: 'tags CONTAINS "hard"', runId: null, dynamic: false },
  });
  await store.curation.createQuerySlice(tenant, {
    datasetId: ds,
    name: "tagged always",
    query: { query: 'tags CONTAINS "hard"', runId: null, dynamic: true },
  });

  const standard = new Map(
    (
      (await ok("GET", "validate/eval_fn")) as { eval_functions: { id: string; name: string }[] }
    ).eval_functions.map((f) => [f.name, f.id]),
  );
  const { eval_fn: external } = (await ok("POST", "validate/eval_fn", {
    name: "lane_keeping",
    is_external_function: true,
    serialized_fn: null,
    raw_source: null,
    level: "item",
  })) as { eval_fn: { id: string } };
  const { scenario_test_id: testId } = (await ok("POST", "validate/scenario_test", {
    name: "cars pass",
    slice_id: sliceId,
    evaluation_functions: [
      { id: standard.get("bbox_recall"), eval_func_arguments: { iou_threshold: 0.5 } },
      { id: standard.get("bbox_precision"), eval_func_arguments: {} },
    ],
  })) as { scenario_test_id: string };
  await ok("POST", `validate/metric/set_threshold/${testId}/${standard.get("bbox_recall")}`, {
    threshold: 0.5,
  });
  await ok("POST", `validate/${modelId}/evaluate`, { test_names: ["cars pass"] });
  await server.jobs.idle();
  await ok("POST", `validate/scenario_test/${testId}/set_baseline_model/${modelId}`);
  const { scenario_test_id: lanes } = (await ok("POST", "validate/scenario_test", {
    name: "lanes",
    slice_id: sliceId,
    evaluation_functions: [{ id: external.id, eval_func_arguments: {} }],
  })) as { scenario_test_id: string };
  await ok("POST", `validate/metric/set_threshold/${lanes}/${external.id}`, { threshold: 0.7 });
  await ok("POST", "validate/scenario_test/upload_results", {
    unit_test_id: lanes,
    eval_function_id: external.id,
    result_per_ref_id: { img_0: 0.9, img_1: 0.6 },
    weight_per_ref_id: { img_0: 1, img_1: 0.5 },
    overall_metric: 0.8,
    model_id: other,
    slice_id: sliceId,
    level: "item",
  });
  // A result per scene: the dump names the scene by reference id, the import by its new id.
  const { eval_fn: perScene } = (await ok("POST", "validate/eval_fn", {
    name: "smooth_driving",
    is_external_function: true,
    serialized_fn: null,
    raw_source: null,
    level: "scene",
  })) as { eval_fn: { id: string } };
  const { slice_id: drives } = (await ok("POST", `dataset/${ds}/create_slice`, {
    name: "drives",
    reference_ids: ["img_4", "img_5"],
  })) as { slice_id: string };
  const { scenario_test_id: smooth } = (await ok("POST", "validate/scenario_test", {
    name: "smooth",
    slice_id: drives,
    evaluation_functions: [{ id: perScene.id, eval_func_arguments: {} }],
  })) as { scenario_test_id: string };
  await ok("POST", "validate/scenario_test/upload_results", {
    unit_test_id: smooth,
    eval_function_id: perScene.id,
    result_per_ref_id: { "drive-1": 0.4 },
    weight_per_ref_id: { "drive-1": 1 },
    overall_metric: 0.4,
    model_id: other,
    slice_id: drives,
    level: "scene",
  });
  await ok("POST", `modelRun/${run}/commit`, {});
  await server.idle();
  return ds;
}

describe.skipIf(url === null)("nu db export and import of every kind of record", () => {
  it("move them SQLite -> PostgreSQL -> SQLite with equal dumps", { timeout: 60_000 }, async () => {
    const source = await startTestServer();
    const ds = await fill(source);
    await source.close();

    const first = await dumpOf({ dataDir: source.dataDir }, ds);
    const kinds = new Map<string, number>();
    for (const line of first) kinds.set(line.kind, (kinds.get(line.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toMatchObject({
      taxonomy: 2,
      itemTags: 3,
      review: 3,
      phash: 2,
      embedding: 2,
      scene: 1,
      sceneLabel: 2,
      track: 2,
      model: 2,
      slice: 4,
      evalFunction: 2,
      scenarioTest: 3,
      evaluation: 4,
    });
    expect(first[0]).toMatchObject({ kind: "header", version: 2, dataset: { tags: ["night", "front"] } });
    const media = first.at(-1) as Extract<DumpLine, { kind: "media" }>;
    expect(media.keys).toHaveLength(2);

    const database = withSchema(url as string, newSchema("dumpall"));
    const pgMedia = mkdtempSync(join(tmpdir(), "nucleus-dump-media-"));
    const loaded = await loadDump(
      { database, media: pgMedia },
      { apiKey: KEY, secret: TEST_SECRET },
      each(first),
      {
        copyMediaFrom: { dataDir: source.dataDir },
      },
    );
    expect(loaded.counts).toMatchObject({ evaluations: 4, scenarioTests: 3, embeddings: 2, media: 2 });
    expect(loaded.renamedTests).toEqual({});
    const second = await dumpOf({ database }, loaded.datasetId, TEST_SECRET);
    expect(comparable(second)).toEqual(comparable(first));

    // A server on the database reads them as the first did: the mask's path and bytes, the history.
    const target = await startTestServer(undefined, { database, media: pgMedia, secret: TEST_SECRET });
    try {
      const item = (await target.call("GET", `dataset/${loaded.datasetId}/refloc/img_3`)).body as {
        annotations: { segmentation: { mask_url: string; mask_media_url: string }[] };
      };
      const [mask] = item.annotations.segmentation;
      expect(mask?.mask_url).toBe("/data/m.png");
      const bytes = Buffer.from(await (await fetch(mask?.mask_media_url as string)).arrayBuffer());
      expect(bytes.equals(await maskPng())).toBe(true);
      const tests = (await target.call("GET", "validate/scenario_test/details", { body: {} })).body as {
        name: string;
      }[];
      expect(tests.map((t) => t.name)).toEqual(["cars pass", "lanes", "smooth"]);
    } finally {
      await target.stop();
    }

    // Loaded again into the folder it came from: the test names are taken, so they are renamed.
    const again = await loadDump({ dataDir: source.dataDir }, { apiKey: KEY }, each(second));
    expect(again.renamedTests).toEqual({
      "cars pass": "cars pass (2)",
      lanes: "lanes (2)",
      smooth: "smooth (2)",
    });

    const back = mkdtempSync(join(tmpdir(), "nucleus-dump-back-"));
    const home = await loadDump({ dataDir: back }, { apiKey: KEY }, each(second), {
      copyMediaFrom: { media: pgMedia },
    });
    expect(home.missingMedia).toEqual([]);
    const third = await dumpOf({ dataDir: back }, home.datasetId);
    expect(comparable(third)).toEqual(comparable(first));
  });
});

describe("a version 1 dump", () => {
  it("still loads, its uploaded mask served under both URLs", async () => {
    const media = mkdtempSync(join(tmpdir(), "nucleus-dump-v1-media-"));
    const files = openMedia(media);
    const key = files.put(await maskPng(), "mask.png");
    await files.close();
    const dir = mkdtempSync(join(tmpdir(), "nucleus-dump-v1-"));
    const lines: DumpLine[] = [
      {
        kind: "header",
        format: DUMP_FORMAT,
        version: 1,
        exportedAt: "2026-11-01T00:00:00.000Z",
        dataset: {
          id: "ds_old",
          name: "old",
          isScene: false,
          usePrivacyMode: false,
          annotationMetadataSchema: null,
          itemMetadataSchema: null,
        },
      },
      { kind: "item", item: { reference_id: "a", image_url: "s3://b/a.jpg", metadata: {}, media_key: null } },
      {
        kind: "annotation",
        label: {
          type: "mask",
          mask_url: `nucleus-media:${key}`,
          annotations: [{ label: "road", index: 1 }],
          reference_id: "a",
        },
      },
      { kind: "slice", slice: { id: "slc_old", name: "all" }, referenceIds: ["a"] },
      { kind: "media", keys: [key] },
    ];
    const loaded = await loadDump({ dataDir: dir }, { apiKey: KEY }, each(lines), {
      copyMediaFrom: { media },
    });
    expect(loaded.counts).toMatchObject({ items: 1, annotations: 1, slices: 1, media: 1 });
    const server = await startTestServer(dir);
    try {
      const item = (await server.call("GET", `dataset/${loaded.datasetId}/refloc/a`)).body as {
        annotations: { segmentation: { mask_url: string; mask_media_url: string }[] };
      };
      const [mask] = item.annotations.segmentation;
      // The caller's path was not kept then: both name the served file.
      expect(mask?.mask_url).toBe(mask?.mask_media_url);
      const bytes = Buffer.from(await (await fetch(mask?.mask_media_url as string)).arrayBuffer());
      expect(bytes.equals(await maskPng())).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

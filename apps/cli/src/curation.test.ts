/**
 * Curation through the real `nu` against a real server: items and objects a query selects (paged
 * lazily), a bad query named by position, tags, reviews, static and dynamic slices from a query,
 * and a run's AP on the items of a query or a slice.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCoco } from "@nucleus/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;
let runId: string;

const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
/** Even items are foggy, odd ones clear. */
const weatherOf = (i: number) => (i % 2 === 0 ? "foggy" : "clear");
const COUNT = 8;
const refs = (indices: number[]) => indices.map((i) => `img-${i}`);
/** A car on every item, a person on the first four. */
const groundTruth = Array.from({ length: COUNT }, (_, i) => [
  {
    type: "box",
    reference_id: `img-${i}`,
    label: "car",
    annotation_id: `car-${i}`,
    geometry: { x: 10, y: 10, width: 40, height: 30 },
  },
  ...(i < 4
    ? [
        {
          type: "box",
          reference_id: `img-${i}`,
          label: "person",
          annotation_id: `person-${i}`,
          geometry: { x: 100, y: 10, width: 20, height: 50 },
        },
      ]
    : []),
]).flat();
/** The model finds each car on clear items; on foggy ones it boxes the road instead. */
const predictions = Array.from({ length: COUNT }, (_, i) => ({
  type: "box",
  reference_id: `img-${i}`,
  label: "car",
  confidence: 0.5 + i / 20,
  geometry:
    weatherOf(i) === "clear"
      ? { x: 11, y: 10, width: 40, height: 30 }
      : { x: 300, y: 200, width: 40, height: 30 },
}));

beforeAll(async () => {
  s = await startNuSession();
  datasetId = (await s.json<{ id: string }>(["datasets", "create", "streets"])).id;
  const items = join(s.scratch, "items.ndjson");
  writeFileSync(
    items,
    ndjson(
      Array.from({ length: COUNT }, (_, i) => ({
        image_url: `s3://b/img-${i}.jpg`,
        reference_id: `img-${i}`,
        metadata: { weather: weatherOf(i), speed: i * 10 },
      })),
    ),
  );
  await s.json(["upload", "items", items, "--dataset", datasetId]);
  const gt = join(s.scratch, "gt.ndjson");
  writeFileSync(gt, ndjson(groundTruth));
  await s.json(["upload", "annotations", gt, "--dataset", datasetId]);
  const model = await s.json<{ id: string }>(["models", "create", "detector", "detector"]);
  const file = join(s.scratch, "predictions.ndjson");
  writeFileSync(file, ndjson(predictions));
  await s.json(["upload", "predictions", file, "--dataset", datasetId, "--model", model.id]);
  const [run] = await s.json<{ id: string }[]>(["runs", "list", datasetId]);
  runId = (run as { id: string }).id;
  await s.json(["runs", "commit", runId]);
  await s.json(["runs", "info", runId, "--wait"]);
}, 30_000);
afterAll(async () => {
  await s.stop();
});

const referenceIds = (rows: { referenceId: string }[]) => rows.map((row) => row.referenceId);

describe("queries", () => {
  it("items list --where lists the items a query selects, in upload order, up to --limit", async () => {
    const foggy = await s.json<{ referenceId: string }[]>([
      "items",
      "list",
      "streets",
      "--where",
      'metadata.weather = "foggy"',
    ]);
    expect(referenceIds(foggy)).toEqual(refs([0, 2, 4, 6]));
    // Fewer than the matches: the first pages only.
    const first = await s.json<{ referenceId: string }[]>([
      "items",
      "list",
      datasetId,
      "--where",
      "metadata.speed >= 20 AND annotations.car >= 1",
      "--limit",
      "3",
    ]);
    expect(referenceIds(first)).toEqual(refs([2, 3, 4]));
    const text = await s.nu([
      "items",
      "list",
      datasetId,
      "--where",
      'annotations.person > 0 AND metadata.weather = "clear"',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+REFERENCEID/m);
    expect([...text.stdout.matchAll(/^\S+\s+(img-\d)\s/gm)].map((m) => m[1])).toEqual(refs([1, 3]));
  });

  it("a query that does not hold exits 1 naming the position and what was expected", async () => {
    const bad = await s.nu(["items", "list", datasetId, "--where", "metadata.weather bad"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("The server answered 400");
    expect(bad.stderr).toMatch(/at 18 \("bad"\): expected an operator/);
    const objects = await s.nu(["objects", "list", datasetId, "--where", 'label = "car" AND iou <']);
    expect(objects.code).toBe(1);
    expect(objects.stderr).toMatch(/at \d+/);
    const usage = await s.nu(["items", "list", datasetId, "--run", runId]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--run needs --where");
  });

  it("objects list: ground truth by default, a run's false positives with --patch-mode", async () => {
    const people = await s.json<{ referenceId: string; annotation_id: string; label: string }[]>([
      "objects",
      "list",
      datasetId,
      "--where",
      'label = "person"',
    ]);
    expect(people.map((o) => o.annotation_id)).toEqual(["person-0", "person-1", "person-2", "person-3"]);
    const falsePositives = await s.json<{ referenceId: string; matchType: string; iou: number }[]>([
      "objects",
      "list",
      datasetId,
      "--where",
      'label = "car" AND iou < 0.1',
      "--patch-mode",
      "false_positive",
      "--run",
      runId,
    ]);
    expect(referenceIds(falsePositives)).toEqual(refs([0, 2, 4, 6]));
    expect(falsePositives.every((o) => o.matchType === "FP" && o.iou < 0.1)).toBe(true);
    const firstTwo = await s.json<unknown[]>([
      "objects",
      "list",
      datasetId,
      "--patch-mode",
      "false_negative",
      "--run",
      runId,
      "--limit",
      "2",
    ]);
    expect(firstTwo).toHaveLength(2);
    const text = await s.nu([
      "objects",
      "list",
      datasetId,
      "--patch-mode",
      "iou",
      "--run",
      runId,
      "--where",
      'item.metadata.weather = "clear" AND label = "car"',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ITEM\s+TYPE\s+PREDICTION\s+GROUNDTRUTH\s+IOU\s+CONFIDENCE$/m);
    expect(text.stdout.match(/^img-\d\s+TP\s+car\s+car/gm)).toHaveLength(4);

    const noRun = await s.nu(["objects", "list", datasetId, "--patch-mode", "false_positive"]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain("--patch-mode false_positive needs --run RUN_ID");
    const badMode = await s.nu(["objects", "list", datasetId, "--patch-mode", "wrong"]);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain("--patch-mode must be one of");
  });
});

describe("tags and reviews", () => {
  it("items tag adds and removes tags by reference id or query; tags are queryable", async () => {
    expect(
      await s.json(["items", "tag", datasetId, "img-1", "img-3", "--add", "hard", "--add", "night"]),
    ).toEqual({
      items: 2,
      changed: 4,
    });
    expect(
      await s.json(["items", "tag", datasetId, "--where", 'metadata.weather = "foggy"', "--add", "fog"]),
    ).toEqual({ items: 4, changed: 4 });
    await s.json(["items", "tag", datasetId, "img-3", "--remove", "night"]);
    const hard = await s.json<{ referenceId: string }[]>([
      "items",
      "list",
      datasetId,
      "--where",
      'tags CONTAINS "hard"',
    ]);
    expect(referenceIds(hard)).toEqual(refs([1, 3]));
    const facets = await s.json<{ count: number; tags: { tag: string; count: number }[] }>([
      "items",
      "facets",
      datasetId,
      "--where",
      'tags CONTAINS "night" OR tags CONTAINS "fog"',
    ]);
    expect(facets.count).toBe(5);
    expect(facets.tags).toEqual(
      expect.arrayContaining([
        { tag: "fog", count: 4 },
        { tag: "night", count: 1 },
      ]),
    );
    const nothing = await s.nu(["items", "tag", datasetId, "--add", "x"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("by reference id or by --where QUERY");
  });

  it("items review records an item's or an annotation's status with who; review.status is queryable", async () => {
    const review = await s.json<{ referenceId: string; status: string; reviewer: string; comment: string }>([
      "items",
      "review",
      datasetId,
      "img-2",
      "--status",
      "rejected",
      "--reviewer",
      "ana",
      "--comment",
      "blurry",
    ]);
    expect(review).toMatchObject({
      referenceId: "img-2",
      status: "rejected",
      reviewer: "ana",
      comment: "blurry",
    });
    const onBox = await s.nu([
      "items",
      "review",
      datasetId,
      "img-0",
      "--annotation",
      "car-0",
      "--status",
      "needs_fix",
    ]);
    expect(onBox.code, onBox.stderr).toBe(0);
    expect(onBox.stdout).toMatch(/img-0\s+car-0\s+needs_fix/);
    const rejected = await s.json<{ referenceId: string }[]>([
      "items",
      "list",
      datasetId,
      "--where",
      'review.status = "rejected"',
    ]);
    expect(referenceIds(rejected)).toEqual(["img-2"]);
    const bad = await s.nu(["items", "review", datasetId, "img-2", "--status", "maybe"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--status must be one of accepted, rejected, needs_fix");
  });
});

describe("slices from a query and subset evaluation", () => {
  it("slices create --where makes a static slice; --dynamic one that reads its query again", async () => {
    const fixed = await s.json<{ id: string; dynamic: boolean }>([
      "slices",
      "create",
      datasetId,
      "foggy-now",
      "--where",
      'metadata.weather = "foggy"',
    ]);
    const dynamic = await s.json<{ id: string; dynamic: boolean }>([
      "slices",
      "create",
      datasetId,
      "foggy",
      "--where",
      'metadata.weather = "foggy"',
      "--dynamic",
    ]);
    expect([fixed.dynamic, dynamic.dynamic]).toEqual([false, true]);
    const more = join(s.scratch, "more.ndjson");
    writeFileSync(
      more,
      ndjson([{ image_url: "s3://b/img-8.jpg", reference_id: "img-8", metadata: { weather: "foggy" } }]),
    );
    await s.json(["upload", "items", more, "--dataset", datasetId]);

    const sizeOf = async (id: string) =>
      (await s.json<{ items: number }>(["slices", "info", id, "--run", runId])).items;
    expect(await sizeOf(fixed.id)).toBe(4);
    expect(await sizeOf(dynamic.id)).toBe(5);
    const text = await s.nu(["slices", "info", dynamic.id]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Query: metadata.weather = "foggy"   (dynamic: read again on each read)');
    const inBoth = await s.json<{ referenceId: string }[]>([
      "items",
      "list",
      datasetId,
      "--where",
      'slice.foggy = true AND NOT slice."foggy-now" = true',
    ]);
    expect(referenceIds(inBoth)).toEqual(["img-8"]);
    const usage = await s.nu(["slices", "create", datasetId, "x", "--dynamic"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--dynamic needs --where QUERY");
  });

  it("slices create --objects makes an object slice, printed row by row by slices raw-json", async () => {
    const item = await s.json<{ annotations: { box: { id: string; annotationId: string }[] } }>([
      "items",
      "get",
      datasetId,
      "img-1",
    ]);
    const ids = item.annotations.box.map((b) => b.id);
    expect(ids.length).toBeGreaterThan(0);
    const slice = await s.json<{ id: string }>([
      "slices",
      "create",
      datasetId,
      "img-1 boxes",
      "--objects",
      ...ids,
    ]);
    expect((await s.json<{ type: string }>(["slices", "info", slice.id])).type).toBe("object");
    const rows = await s.json<{ item: { referenceId: string }; annotation: { id: string } }[]>([
      "slices",
      "raw-json",
      slice.id,
    ]);
    expect(rows.map((row) => [row.item.referenceId, row.annotation.id])).toEqual(
      ids.map((id) => ["img-1", id]),
    );
    const unknown = await s.nu([
      "slices",
      "create",
      datasetId,
      "ghosts",
      "--objects",
      "ann_00000000000000000000",
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'object_ids: "ann_00000000000000000000" name no annotation or prediction',
    );
    const empty = await s.nu(["slices", "create", datasetId, "none", "--scenes"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("give the ids the slice holds");
  });

  it("runs info --where and --slice give the run's AP on those items, as pycocotools computes it", async () => {
    type Subset = {
      items: number;
      metrics: { map: number; map50: number; perClass: { label: string; ap: number }[] };
    };
    const clear = await s.json<Subset>(["runs", "info", runId, "--where", 'metadata.weather = "clear"']);
    const subset = [1, 3, 5, 7];
    expect(clear.items).toBe(subset.length);
    const labels = ["car", "person"];
    const image = (ref: string) => refs(subset).indexOf(ref) + 1;
    const expected = evaluateCoco(
      {
        images: subset.map((_, i) => ({ id: i + 1 })),
        categories: labels.map((name, i) => ({ id: i + 1, name })),
        annotations: groundTruth
          .filter((g) => refs(subset).includes(g.reference_id))
          .map((g, i) => ({
            id: i + 1,
            image_id: image(g.reference_id),
            category_id: labels.indexOf(g.label) + 1,
            bbox: [g.geometry.x, g.geometry.y, g.geometry.width, g.geometry.height],
            area: g.geometry.width * g.geometry.height,
            iscrowd: 0,
          })),
      },
      predictions
        .filter((p) => refs(subset).includes(p.reference_id))
        .map((p) => ({
          image_id: image(p.reference_id),
          category_id: labels.indexOf(p.label) + 1,
          bbox: [p.geometry.x, p.geometry.y, p.geometry.width, p.geometry.height],
          score: p.confidence,
        })),
    );
    expect(clear.metrics.map).toBeCloseTo(expected.stats[0] as number, 12);
    expect(clear.metrics.map50).toBeCloseTo(expected.stats[1] as number, 12);

    // The foggy items: every car prediction is on the road.
    const slices = await s.json<{ id: string; name: string }[]>(["slices", "list", datasetId]);
    const foggy = slices.find((slice) => slice.name === "foggy-now") as { id: string };
    const onSlice = await s.json<Subset>(["runs", "info", runId, "--slice", foggy.id]);
    expect(onSlice.items).toBe(4);
    expect(onSlice.metrics.perClass.find((c) => c.label === "car")?.ap).toBe(0);

    const text = await s.nu(["runs", "info", runId, "--where", 'metadata.weather = "clear"']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Run ${runId} on 4 items where metadata.weather = "clear"`);
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    expect(text.stdout).toContain(`mAP ${pct(clear.metrics.map)}   AP50 ${pct(expected.stats[1] as number)}`);
    expect(text.stdout).toMatch(/^TP 4\s+FP 0\s+FN 2/m);
    const both = await s.nu(["runs", "info", runId, "--where", "x", "--slice", foggy.id]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --where or --slice, not both");
  });
});

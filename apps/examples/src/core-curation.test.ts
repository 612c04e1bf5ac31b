/**
 * Curation through @nucleus/core against the real local server (on SQLite and on PostgreSQL):
 * queries of items and objects with lazy pages, counts and facets, tags, reviews, static and
 * dynamic slices from a query, and a run's metrics on a subset.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, type Dataset, type ModelRun, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-curation-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const WEATHER = ["foggy", "clear", "foggy", "clear", "rainy", "clear"];
const box = (referenceId: string, label: string, x: number, extra: Record<string, unknown> = {}) => ({
  type: "box" as const,
  label,
  referenceId,
  geometry: { x, y: 0, width: 20, height: 20 },
  ...extra,
});

describe.each(serverBackends())("curation on $name", (backend) => {
  let server: RunningNucleusServer;
  let dataset: Dataset;
  let run: ModelRun;

  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["curation-key"],
      port: 0,
      ...backend.options(),
    });
    const client = new NucleusClient({ apiKey: "curation-key", endpoint: server.url });
    dataset = await client.createDataset("streets");
    await dataset.append(
      WEATHER.map((weather, i) => ({
        imageUrl: `s3://bucket/s${i}.jpg`,
        referenceId: `s${i}`,
        metadata: { weather, speed: i * 10 },
      })),
    );
    await dataset.annotate([
      ...WEATHER.map((_, i) => box(`s${i}`, "car", 0, { annotationId: `car-${i}` })),
      box("s0", "car", 100, { annotationId: "car-0b" }),
      box("s0", "car", 200, { annotationId: "car-0c" }),
    ]);
    const model = await client.addModel({ name: "detector", referenceId: "detector" });
    run = await model.createRun({
      name: "v1",
      dataset,
      // Right on clear and rainy items, a box on the road when foggy.
      predictions: WEATHER.map((weather, i) =>
        weather === "foggy"
          ? box(`s${i}`, "car", 400, { confidence: 0.6 })
          : box(`s${i}`, "car", 1, { confidence: 0.9 }),
      ),
    });
    await run.commit();
    await server.idle();
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it("queries items lazily, page by page, and counts them", async () => {
    const refs = async (query: string) =>
      (await dataset.queryItems(query, { pageSize: 2 }).toArray({ limit: Infinity })).map(
        (i) => i.referenceId,
      );
    expect(await refs('metadata.weather = "foggy" AND annotations.car >= 3')).toEqual(["s0"]);
    expect(await refs("metadata.speed >= 20")).toEqual(["s2", "s3", "s4", "s5"]);
    expect(await dataset.countItems('metadata.weather = "clear"')).toBe(3);
    const bad = await dataset.countItems("metadata.weather bad").catch((e) => e);
    expect(bad).toBeInstanceOf(APIError);
    expect((bad as APIError).status).toBe(400);
    expect((bad as APIError).message).toContain("at 18");
  });

  it("queries objects: ground truth, and the run's false positives", async () => {
    const labels = await dataset.queryObjects('label = "car" AND x > 50').toArray({ limit: 10 });
    expect(labels.map((o) => o.annotation_id)).toEqual(["car-0b", "car-0c"]);
    const falsePositives = await dataset
      .queryObjects('label = "car" AND iou < 0.1', {
        patchMode: "false_positive",
        modelRun: run,
        pageSize: 1,
      })
      .toArray({ limit: Infinity });
    expect(falsePositives.map((o) => [o.referenceId, o.matchType])).toEqual([
      ["s0", "FP"],
      ["s2", "FP"],
    ]);
  });

  it("describes a query's items", async () => {
    const facets = await dataset.facets("", { metadataKeys: ["speed", "weather"], bins: 5 });
    expect(facets.count).toBe(6);
    expect(facets.annotations).toEqual([{ label: "car", objects: 8, items: 6 }]);
    expect(facets.metadata.map((m) => m.key)).toEqual(["speed", "weather"]);
    expect(facets.metadata[1]?.values?.[0]).toEqual({ value: "clear", count: 3 });
    const { keys } = await dataset.metadataSchema();
    expect(keys.map((k) => [k.key, k.type])).toEqual([
      ["speed", "number"],
      ["weather", "string"],
    ]);
    expect((await dataset.checkQuery("annotations.car >= 1")).fields[0]?.kind).toBe("count");
  });

  it("tags and reviews items, and queries both", async () => {
    expect(await dataset.tagItems({ referenceIds: ["s1"] }, { add: ["hard", "night"] })).toEqual({
      items: 1,
      changed: 2,
    });
    expect(await dataset.tagItems({ query: 'metadata.weather = "foggy"' }, { add: ["hard"] })).toEqual({
      items: 2,
      changed: 2,
    });
    await dataset.tagItems({ referenceIds: ["s1"] }, { remove: ["night"] });
    expect(await dataset.tags()).toEqual([{ tag: "hard", count: 3 }]);
    expect(
      (await dataset.curatedItems('tags CONTAINS "hard"').toArray({ limit: 10 })).map((i) => i.referenceId),
    ).toEqual(["s0", "s1", "s2"]);

    const recorded = await dataset.review(
      [
        { referenceId: "s0", annotationId: "car-0b", status: "needs_fix", comment: "too loose" },
        { referenceId: "s2", status: "rejected" },
      ],
      { reviewer: "ana" },
    );
    expect(recorded.map((r) => [r.referenceId, r.annotationId, r.status, r.reviewer])).toEqual([
      ["s0", "car-0b", "needs_fix", "ana"],
      ["s2", null, "rejected", "ana"],
    ]);
    expect(await dataset.countItems('review.status = "rejected"')).toBe(1);
    expect(await dataset.countItems('metadata.review_status = "rejected"')).toBe(1);
    expect((await dataset.reviews("s0"))[0]).toMatchObject({ annotationId: "car-0b", comment: "too loose" });
  });

  it("makes static and dynamic slices from a query; both list and export their items", async () => {
    const fixed = await dataset.createSlice({ name: "clear", query: 'metadata.weather = "clear"' });
    const dynamic = await dataset.createSlice({ name: "fast", query: "metadata.speed >= 40", dynamic: true });
    expect((await fixed.items().toArray({ limit: 10 })).map((i) => i.referenceId)).toEqual([
      "s1",
      "s3",
      "s5",
    ]);
    expect((await dynamic.items().toArray({ limit: 10 })).map((i) => i.referenceId)).toEqual(["s4", "s5"]);
    expect(await dynamic.info()).toMatchObject({
      name: "fast",
      dynamic: true,
      query: "metadata.speed >= 40",
    });
    // Dynamic: read again, so a new item that matches is in it.
    await dataset.append([
      { imageUrl: "s3://bucket/s6.jpg", referenceId: "s6", metadata: { weather: "clear", speed: 90 } },
    ]);
    expect((await dynamic.items().toArray({ limit: 10 })).map((i) => i.referenceId)).toEqual([
      "s4",
      "s5",
      "s6",
    ]);
    expect((await fixed.items().toArray({ limit: 10 })).map((i) => i.referenceId)).toEqual([
      "s1",
      "s3",
      "s5",
    ]);
    expect((await dynamic.export()).map((row) => row.item.referenceId)).toEqual(["s4", "s5", "s6"]);
    expect(await dataset.countItems("slice.fast = true AND slice.clear = true")).toBe(1);
  });

  it("evaluates the run on the items of a query or a slice", async () => {
    const foggy = await run.evaluation({ query: 'metadata.weather = "foggy"' });
    expect(foggy.items).toBe(2);
    expect(foggy.metrics.map50).toBe(0);
    expect(foggy.charts.totalCounts).toMatchObject({ tp: 0, fp: 2, fn: 4 });
    expect(foggy.charts.confusionMatrix).toContainEqual({ gtLabel: null, predLabel: "car", count: 2 });
    const clear = await run.evaluation({ query: 'metadata.weather = "clear"' });
    expect(clear.metrics.map50).toBeCloseTo(1, 12);
    const slices = await dataset.slices();
    const fixed = slices[0];
    // The static slice kept the three clear items it had; s6 (clear, no boxes) came later.
    const onSlice = await run.evaluation({ slice: fixed });
    expect(onSlice.items).toBe(3);
    expect(onSlice.metrics).toEqual({ ...clear.metrics, counts: { ...clear.metrics.counts, items: 3 } });
    const evaluation = (await run.evaluations())[0];
    const charts = await evaluation?.charts({ query: 'item.metadata.weather = "foggy"' });
    expect(charts?.totalCounts).toMatchObject({ tp: 0, fp: 2, fn: 4 });
    const examples = await evaluation?.examples({
      matchType: "FP",
      filters: { confidenceRange: { min: 0.5 } },
    });
    expect(examples?.total).toBe(2);
  });
});

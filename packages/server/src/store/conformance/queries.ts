import { QueryError } from "@nucleus/query";
import type { JsonObject } from "@nucleus/schemas";
import { describe, expect, it } from "vitest";
import type { NucleusStore } from "../store.js";
import { box, plainModel, type StoreBackend, TENANT, useStore } from "./harness.js";

/** A street dataset: six items with varied metadata, ground truth and one run's predictions. */
export async function streetDataset(store: NucleusStore) {
  const dataset = await store.datasets.create(TENANT, {
    name: "streets",
    isScene: false,
    usePrivacyMode: false,
  });
  const metadata: JsonObject[] = [
    { weather: "foggy", speed: 10, night: false, camera: { id: "front" }, tags: ["a", "b"] },
    { weather: "clear", speed: 55.5, night: true, camera: { id: "rear" } },
    { weather: "foggy", speed: 70, night: true },
    { weather: "rainy", speed: "fast" },
    { weather: "clear", speed: 0, night: false, note: null },
    {},
  ];
  await store.items.upsert(
    dataset.id,
    metadata.map((m, i) => ({
      reference_id: `s${i}`,
      image_url: `s3://b/s${i}.jpg`,
      metadata: m,
      width: 640 + i,
    })),
    { update: false },
  );
  const at = (ref: string, label: string, x: number, extra: Record<string, unknown> = {}) =>
    box(ref, { label, geometry: { x, y: 0, width: 10, height: 20 }, ...extra });
  await store.labels.upsert(
    { kind: "annotations", datasetId: dataset.id },
    [
      at("s0", "car", 0),
      at("s0", "car", 30),
      at("s0", "car", 60),
      at("s0", "traffic light", 90),
      at("s1", "car", 0),
      at("s2", "pedestrian", 0),
      at("s2", "car", 40),
      at("s4", "car", 0),
      {
        type: "polygon",
        label: "car",
        reference_id: "s5",
        geometry: {
          vertices: [
            { x: 0, y: 0 },
            { x: 4, y: 0 },
            { x: 4, y: 3 },
          ],
        },
      },
    ],
    { update: false },
  );
  const model = await plainModel(store);
  const run = await store.runs.create(TENANT, {
    modelId: model.id,
    datasetId: dataset.id,
    name: "r",
    metadata: null,
  });
  await store.labels.upsert(
    { kind: "predictions", datasetId: dataset.id, runId: run.id },
    [
      at("s0", "car", 0, { confidence: 0.9 }),
      at("s0", "pedestrian", 200, { confidence: 0.3 }),
      at("s1", "pedestrian", 0, { confidence: 0.8 }),
      at("s1", "pedestrian", 50, { confidence: 0.7 }),
      at("s1", "pedestrian", 100, { confidence: 0.6 }),
      at("s3", "car", 0, { confidence: 0.5 }),
    ],
    { update: false },
  );
  return { datasetId: dataset.id, runId: run.id };
}

/** Reference ids of the items a query selects. */
async function refs(store: NucleusStore, datasetId: string, text: string, runId?: string): Promise<string[]> {
  const page = await store.queries.items(datasetId, { text, runId }, {});
  return page.records.map((item) => item.referenceId);
}

/** Queries in the query language: every kind of field, missing values, pages, counts, facets. */
export function queryConformance(backend: StoreBackend): void {
  describe("queries", () => {
    const fixture = useStore(backend);

    it("select items by metadata of each kind, with missing values false under NOT", async () => {
      const { store } = fixture;
      const { datasetId } = await streetDataset(store);
      expect(await refs(store, datasetId, "")).toEqual(["s0", "s1", "s2", "s3", "s4", "s5"]);
      expect(await refs(store, datasetId, 'metadata.weather = "foggy"')).toEqual(["s0", "s2"]);
      expect(await refs(store, datasetId, "metadata.speed >= 50")).toEqual(["s1", "s2"]);
      expect(await refs(store, datasetId, 'metadata.speed = "fast"')).toEqual(["s3"]);
      expect(await refs(store, datasetId, "metadata.night = true")).toEqual(["s1", "s2"]);
      expect(await refs(store, datasetId, "NOT metadata.night = true")).toEqual(["s0", "s4"]);
      expect(await refs(store, datasetId, 'NOT metadata.weather = "foggy"')).toEqual(["s1", "s3", "s4"]);
      expect(await refs(store, datasetId, 'metadata.camera.id = "rear"')).toEqual(["s1"]);
      expect(await refs(store, datasetId, "metadata.note EXISTS")).toEqual(["s4"]);
      expect(await refs(store, datasetId, "metadata.note = null")).toEqual([
        "s0",
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
      ]);
      expect(await refs(store, datasetId, "metadata.speed != null")).toEqual(["s0", "s1", "s2", "s3", "s4"]);
      expect(await refs(store, datasetId, "NOT metadata.weather EXISTS")).toEqual(["s5"]);
      expect(await refs(store, datasetId, 'metadata.weather IN ["rainy", "clear"]')).toEqual([
        "s1",
        "s3",
        "s4",
      ]);
      expect(await refs(store, datasetId, 'metadata.tags CONTAINS "b"')).toEqual(["s0"]);
      expect(await refs(store, datasetId, 'metadata.weather CONTAINS "og"')).toEqual(["s0", "s2"]);
      expect(await refs(store, datasetId, 'metadata.weather LIKE "f%"')).toEqual(["s0", "s2"]);
      expect(await refs(store, datasetId, 'metadata.weather LIKE "F%"')).toEqual([]);
      expect(await refs(store, datasetId, "metadata.speed * 2 > 100 OR metadata.speed % 7 = 3")).toEqual([
        "s0",
        "s1",
        "s2",
      ]);
      expect(await refs(store, datasetId, "metadata.speed / 0 > 1")).toEqual([]);
    });

    it("select items by item columns and by label counts, per label, type and run", async () => {
      const { store } = fixture;
      const { datasetId, runId } = await streetDataset(store);
      expect(await refs(store, datasetId, 'item.reference_id = "s3"')).toEqual(["s3"]);
      expect(await refs(store, datasetId, "item.width >= 644")).toEqual(["s4", "s5"]);
      expect(await refs(store, datasetId, 'item.type = "image" AND item.id EXISTS')).toHaveLength(6);
      expect(await refs(store, datasetId, "annotations.count >= 2")).toEqual(["s0", "s2"]);
      expect(await refs(store, datasetId, "annotations.car >= 3")).toEqual(["s0"]);
      expect(await refs(store, datasetId, "annotations.car = 0")).toEqual(["s3"]);
      expect(await refs(store, datasetId, 'annotations."traffic light" > 0')).toEqual(["s0"]);
      expect(await refs(store, datasetId, "annotations.polygon.count = 1")).toEqual(["s5"]);
      expect(await refs(store, datasetId, "annotations.bus > 0")).toEqual([]);
      expect(await refs(store, datasetId, "predictions.pedestrian >= 3", runId)).toEqual(["s1"]);
      expect(await refs(store, datasetId, "predictions.pedestrian - annotations.pedestrian > 2")).toEqual([
        "s1",
      ]);
      expect(await refs(store, datasetId, "predictions.count = 0")).toEqual(["s2", "s4", "s5"]);
      expect(await refs(store, datasetId, 'metadata.weather = "foggy" AND annotations.car >= 3')).toEqual([
        "s0",
      ]);
      expect(await store.queries.count(datasetId, { text: "annotations.car > 0" })).toBe(5);
      expect(await store.queries.count(datasetId, { text: "" })).toBe(6);
    });

    it("page through a query in upload order, and follow writes", async () => {
      const { store } = fixture;
      const { datasetId } = await streetDataset(store);
      const text = "annotations.count >= 1";
      const first = await store.queries.items(datasetId, { text }, { limit: 2 });
      expect(first.records.map((i) => i.referenceId)).toEqual(["s0", "s1"]);
      const second = await store.queries.items(datasetId, { text }, { cursor: first.nextCursor, limit: 2 });
      expect(second.records.map((i) => i.referenceId)).toEqual(["s2", "s4"]);
      const last = await store.queries.items(datasetId, { text }, { cursor: second.nextCursor, limit: 2 });
      expect(last.records.map((i) => i.referenceId)).toEqual(["s5"]);
      expect(last.nextCursor).toBeNull();

      await store.items.mergeMetadata(datasetId, [{ referenceId: "s5", metadata: { weather: "foggy" } }]);
      expect(await refs(store, datasetId, 'metadata.weather = "foggy"')).toEqual(["s0", "s2", "s5"]);
      await store.items.upsert(
        datasetId,
        [{ reference_id: "s0", image_url: "s3://b/s0.jpg", metadata: { weather: "snowy" } }],
        { update: true },
      );
      expect(await refs(store, datasetId, 'metadata.weather = "foggy"')).toEqual(["s2", "s5"]);
      // Replacing an item keeps its labels.
      expect(await refs(store, datasetId, "annotations.car >= 3")).toEqual(["s0"]);
      await store.labels.delete({ kind: "annotations", datasetId }, { referenceIds: ["s0"] });
      expect(await refs(store, datasetId, "annotations.car >= 1")).toEqual(["s1", "s2", "s4", "s5"]);
      await store.labels.upsert(
        { kind: "annotations", datasetId },
        [box("s1", { label: "bus", annotation_id: "x" })],
        { update: false },
      );
      await store.labels.upsert(
        { kind: "annotations", datasetId },
        [box("s1", { label: "truck", annotation_id: "x" })],
        { update: true },
      );
      expect(await refs(store, datasetId, "annotations.bus > 0")).toEqual([]);
      expect(await refs(store, datasetId, "annotations.truck > 0")).toEqual(["s1"]);
      await store.items.delete(datasetId, "s1");
      expect(await refs(store, datasetId, "annotations.truck > 0")).toEqual([]);
      await store.labels.delete({ kind: "annotations", datasetId }, { all: true });
      expect(await store.queries.count(datasetId, { text: "annotations.count > 0" })).toBe(0);
    });

    it("refuse a bad query with its position, and a field of the wrong kind", async () => {
      const { store } = fixture;
      const { datasetId } = await streetDataset(store);
      const bad = await store.queries.count(datasetId, { text: "metadata.weather bad" }).catch((e) => e);
      expect(bad).toBeInstanceOf(QueryError);
      expect((bad as QueryError).position).toBe(18);
      const kind = await store.queries.count(datasetId, { text: "metadata.night > 1" }).catch((e) => e);
      expect(kind).toBeInstanceOf(QueryError);
      const slice = await store.queries.count(datasetId, { text: "slice.nope = true" }).catch((e) => e);
      expect((slice as QueryError).message).toContain('no slice "nope"');
      const match = await store.queries
        .objects(datasetId, { text: "iou < 0.1", source: { kind: "annotations" } }, {})
        .catch((e) => e);
      expect((match as QueryError).message).toContain("match rows");
    });

    it("select objects: ground truth by label and geometry, predictions by confidence, in pages", async () => {
      const { store } = fixture;
      const { datasetId, runId } = await streetDataset(store);
      const labels = async (text: string, source = { kind: "annotations" } as const) =>
        (await store.queries.objects(datasetId, { text, source }, {})).records.map((r) =>
          r.kind === "label" ? `${r.referenceId}:${(r.label.payload as { label: string }).label}` : "?",
        );
      expect(await labels('label = "car" AND x >= 30')).toEqual(["s0:car", "s0:car", "s2:car"]);
      expect(await labels("area < 100")).toEqual(["s5:car"]);
      expect(await labels('type = "polygon" OR item.metadata.weather = "clear"')).toEqual([
        "s1:car",
        "s4:car",
        "s5:car",
      ]);
      const predictions = await store.queries.objects(
        datasetId,
        { text: "confidence >= 0.6 AND width = 10", source: { kind: "predictions", runId } },
        { limit: 2 },
      );
      expect(predictions.records).toHaveLength(2);
      const rest = await store.queries.objects(
        datasetId,
        { text: "confidence >= 0.6 AND width = 10", source: { kind: "predictions", runId } },
        { cursor: predictions.nextCursor, limit: 2 },
      );
      expect(rest.records).toHaveLength(2);
      expect(rest.nextCursor).toBeNull();
      const scoped = await store.queries.objects(
        datasetId,
        {
          text: "",
          source: { kind: "annotations" },
          items: { query: { text: 'metadata.weather = "foggy"' } },
        },
        {},
      );
      expect(scoped.records).toHaveLength(6);
    });

    it("describe the items of a query: labels, metadata values and histograms, tags", async () => {
      const { store } = fixture;
      const { datasetId, runId } = await streetDataset(store);
      const facets = await store.queries.facets(
        datasetId,
        { text: "annotations.count > 0" },
        { bins: 4, topValues: 5 },
      );
      expect(facets.count).toBe(5);
      expect(facets.annotations[0]).toEqual({ label: "car", objects: 7, items: 5 });
      expect(facets.annotations.map((l) => l.label).sort()).toEqual(["car", "pedestrian", "traffic light"]);
      expect(facets.predictions).toEqual([
        {
          runId,
          labels: [
            { label: "pedestrian", objects: 4, items: 2 },
            { label: "car", objects: 1, items: 1 },
          ],
        },
      ]);
      const weather = facets.metadata.find((m) => m.key === "weather");
      expect(weather).toMatchObject({ type: "string", items: 4 });
      expect(weather?.values).toEqual([
        { value: "clear", count: 2 },
        { value: "foggy", count: 2 },
      ]);
      const speed = facets.metadata.find((m) => m.key === "speed");
      expect(speed?.type).toBe("mixed");
      expect(speed?.histogram?.edges[0]).toBe(0);
      expect(speed?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(4);
      const night = facets.metadata.find((m) => m.key === "night");
      expect(night?.values).toEqual([
        { value: false, count: 2 },
        { value: true, count: 2 },
      ]);
      const keys = await store.queries.metadataKeys(datasetId);
      expect(keys.find((k) => k.key === "speed")).toMatchObject({
        types: expect.arrayContaining(["number", "string"]),
        type: "any",
        items: 5,
        min: 0,
        max: 70,
      });
      expect(keys.find((k) => k.key === "weather")).toMatchObject({
        type: "string",
        items: 5,
        distinctValues: 3,
      });
    });
  });
}

import { describe, expect, it } from "vitest";
import type { LabelInput } from "../labels.js";
import type { ObjectVectorFilter } from "../object-vectors.js";
import type { NucleusStore } from "../store.js";
import { box, datasetWithItems, plainModel, type StoreBackend, TENANT, useStore } from "./harness.js";

async function runOn(store: NucleusStore, datasetId: string) {
  const model = await plainModel(store);
  return store.runs.create(TENANT, { modelId: model.id, datasetId, name: "r", metadata: null });
}

const polygon = (referenceId: string, extra: Record<string, unknown> = {}) => ({
  type: "polygon" as const,
  label: "lane",
  reference_id: referenceId,
  geometry: {
    vertices: [
      { x: 0, y: 0 },
      { x: 4, y: 0 },
      { x: 2, y: 3 },
    ],
  },
  ...extra,
});

/** Every object id a filter keeps, read a page of two at a time. */
async function allIds(store: NucleusStore, datasetId: string, filter: ObjectVectorFilter): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.objectVectors.page(datasetId, filter, { cursor, limit: 2 });
    for (const record of page.records) ids.push(record.objectId);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/** The server ids of a target's labels on an item, by annotation id. */
async function labelIds(store: NucleusStore, datasetId: string, runId?: string) {
  const target = runId
    ? ({ kind: "predictions", datasetId, runId } as const)
    : ({ kind: "annotations", datasetId } as const);
  const page = await store.items.page(datasetId, {});
  const labels = await store.labels.list(
    target,
    page.records.map((item) => item.id),
  );
  return new Map(labels.map((l) => [(l.payload as { annotation_id: string }).annotation_id, l.id]));
}

/** Object vectors: written with box and polygon labels, filtered, replaced and gone with their label. */
export function objectVectorConformance(backend: StoreBackend): void {
  describe("object vectors", () => {
    const fixture = useStore(backend);

    it("keep the vectors of boxes and polygons, read them by filter, in pages and by id", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 3);
      const run = await runOn(store, datasetId);
      expect(await store.objectVectors.dimension(datasetId)).toBeNull();
      const annotations: LabelInput[] = [
        box("img_0", { annotation_id: "a0", embedding_vector: [1, 0, 0] }),
        box("img_1", { annotation_id: "a1", label: "bus", embedding_vector: [0, 1, 0] }),
        // No vector, and a line (which carries none): not objects with vectors.
        box("img_2", { annotation_id: "a2" }),
        {
          type: "line",
          label: "x",
          reference_id: "img_2",
          annotation_id: "l",
          geometry: {
            vertices: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
          },
        },
        polygon("img_2", { annotation_id: "p0", embedding_vector: [0, 0, 1] }),
      ] as LabelInput[];
      await store.labels.upsert({ kind: "annotations", datasetId }, annotations, { update: false });
      await store.labels.upsert(
        { kind: "predictions", datasetId, runId: run.id },
        [
          box("img_0", { annotation_id: "q0", confidence: 0.9, embedding_vector: [1, 1, 0] }),
          box("img_1", { annotation_id: "q1", confidence: 0.5, label: "bus", embedding_vector: [0, 1, 1] }),
        ] as LabelInput[],
        { update: false },
      );
      expect(await store.objectVectors.dimension(datasetId)).toBe(3);
      expect(await store.objectVectors.count(datasetId)).toBe(5);
      expect(await store.objectVectors.count(datasetId, { source: "annotation" })).toBe(3);
      expect(await store.objectVectors.count(datasetId, { source: "prediction", runId: run.id })).toBe(2);
      expect(await store.objectVectors.count(datasetId, { label: "bus" })).toBe(2);

      const gt = await labelIds(store, datasetId);
      const preds = await labelIds(store, datasetId, run.id);
      expect(await allIds(store, datasetId, {})).toEqual([
        gt.get("a0"),
        gt.get("a1"),
        gt.get("p0"),
        preds.get("q0"),
        preds.get("q1"),
      ]);
      expect(await allIds(store, datasetId, { label: "bus", source: "annotation" })).toEqual([gt.get("a1")]);
      expect(await allIds(store, datasetId, { runId: run.id, label: "bus" })).toEqual([preds.get("q1")]);

      const got = await store.objectVectors.get(datasetId, [
        gt.get("p0") as string,
        preds.get("q1") as string,
        gt.get("a2") as string,
      ]);
      expect(got.size).toBe(2);
      expect(got.get(gt.get("p0") as string)).toMatchObject({
        source: "annotation",
        runId: null,
        referenceId: "img_2",
        label: "lane",
        payload: { type: "polygon", annotation_id: "p0" },
      });
      expect([...(got.get(gt.get("p0") as string)?.vector ?? [])]).toEqual([0, 0, 1]);
      expect(got.get(preds.get("q1") as string)).toMatchObject({
        source: "prediction",
        runId: run.id,
        referenceId: "img_1",
        label: "bus",
        payload: { confidence: 0.5 },
      });
      // Another dataset sees none of them.
      const other = await datasetWithItems(store, 1);
      expect(await store.objectVectors.count(other)).toBe(0);
      expect((await store.objectVectors.get(other, [gt.get("a0") as string])).size).toBe(0);
    });

    it("replace a vector with its label, drop it when the new label has none, and within one batch", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 2);
      const target = { kind: "annotations", datasetId } as const;
      await store.labels.upsert(target, [box("img_0", { annotation_id: "a", embedding_vector: [1, 2] })], {
        update: false,
      });
      const id = (await labelIds(store, datasetId)).get("a") as string;
      // Ignored without update: the vector stays.
      await store.labels.upsert(target, [box("img_0", { annotation_id: "a", embedding_vector: [9, 9] })], {
        update: false,
      });
      expect([...((await store.objectVectors.get(datasetId, [id])).get(id)?.vector ?? [])]).toEqual([1, 2]);
      await store.labels.upsert(target, [box("img_0", { annotation_id: "a", embedding_vector: [3, 4] })], {
        update: true,
      });
      expect((await labelIds(store, datasetId)).get("a")).toBe(id);
      expect([...((await store.objectVectors.get(datasetId, [id])).get(id)?.vector ?? [])]).toEqual([3, 4]);
      expect(await store.objectVectors.count(datasetId)).toBe(1);
      await store.labels.upsert(target, [box("img_0", { annotation_id: "a" })], { update: true });
      expect(await store.objectVectors.count(datasetId)).toBe(0);
      // The same label twice in one batch: the last one's vector is kept.
      await store.labels.upsert(
        target,
        [
          box("img_1", { annotation_id: "b", embedding_vector: [1, 1] }),
          box("img_1", { annotation_id: "b", embedding_vector: [2, 2] }),
        ] as LabelInput[],
        { update: true },
      );
      const b = (await labelIds(store, datasetId)).get("b") as string;
      expect(await store.objectVectors.count(datasetId)).toBe(1);
      expect([...((await store.objectVectors.get(datasetId, [b])).get(b)?.vector ?? [])]).toEqual([2, 2]);
    });

    it("are read back by key; a replaced or deleted vector's key names nothing, and the last key never falls", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 2);
      const target = { kind: "annotations", datasetId } as const;
      const before = await store.objectVectors.lastKey();
      await store.labels.upsert(
        target,
        [
          box("img_0", { annotation_id: "a", embedding_vector: [1, 0] }),
          box("img_1", { annotation_id: "b", label: "bus", embedding_vector: [0, 1] }),
        ] as LabelInput[],
        { update: false },
      );
      const keyed = async () => {
        const page = await store.objectVectors.page(datasetId, {}, { cursor: null, limit: 10 });
        return new Map(page.records.map((r) => [r.objectId, r.key]));
      };
      const ids = await labelIds(store, datasetId);
      const keys = await keyed();
      const a = keys.get(ids.get("a") as string) as number;
      const b = keys.get(ids.get("b") as string) as number;
      expect(b).toBeGreaterThan(a);
      expect(a).toBeGreaterThan(before);
      expect(await store.objectVectors.lastKey()).toBe(b);
      const got = await store.objectVectors.byKeys(datasetId, [b, a, b + 1_000]);
      expect([...got.keys()].sort((x, y) => x - y)).toEqual([a, b]);
      expect(got.get(b)).toMatchObject({ objectId: ids.get("b"), referenceId: "img_1", label: "bus" });
      expect([...(got.get(a)?.vector ?? [])]).toEqual([1, 0]);
      expect((await store.objectVectors.byKeys(datasetId, [])).size).toBe(0);
      // Another dataset's keys name nothing here.
      const other = await datasetWithItems(store, 1);
      expect((await store.objectVectors.byKeys(other, [a, b])).size).toBe(0);

      // A replaced vector takes a new key; the old one names nothing.
      await store.labels.upsert(target, [box("img_0", { annotation_id: "a", embedding_vector: [5, 5] })], {
        update: true,
      });
      const a2 = (await keyed()).get(ids.get("a") as string) as number;
      expect(a2).toBeGreaterThan(b);
      const replaced = await store.objectVectors.byKeys(datasetId, [a, a2]);
      expect([...replaced.keys()]).toEqual([a2]);
      expect([...(replaced.get(a2)?.vector ?? [])]).toEqual([5, 5]);
      // Deleting the newest vectors leaves the last key where it was.
      await store.labels.delete(target, { all: true });
      expect((await store.objectVectors.byKeys(datasetId, [a2, b])).size).toBe(0);
      expect(await store.objectVectors.lastKey()).toBe(a2);
    });

    it("go with their labels, their item, their run and their dataset", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 3);
      const run = await runOn(store, datasetId);
      const target = { kind: "annotations", datasetId } as const;
      await store.labels.upsert(
        target,
        ["img_0", "img_1", "img_2"].map((ref) => box(ref, { embedding_vector: [1, 0] })),
        { update: false },
      );
      await store.labels.upsert(
        { kind: "predictions", datasetId, runId: run.id },
        ["img_0", "img_1"].map((ref) => box(ref, { embedding_vector: [0, 1], confidence: 0.5 })),
        { update: false },
      );
      expect(await store.objectVectors.count(datasetId)).toBe(5);
      await store.labels.delete(target, { referenceIds: ["img_0"] });
      expect(await store.objectVectors.count(datasetId, { source: "annotation" })).toBe(2);
      expect(await store.items.delete(datasetId, "img_1")).toBe(true);
      expect(await store.objectVectors.count(datasetId, { source: "annotation" })).toBe(1);
      expect(await store.objectVectors.count(datasetId, { source: "prediction" })).toBe(1);
      expect(await store.runs.delete(TENANT, run.id)).toBe(true);
      expect(await store.objectVectors.count(datasetId, { source: "prediction" })).toBe(0);
      await store.labels.delete(target, { all: true });
      expect(await store.objectVectors.count(datasetId)).toBe(0);
      await store.labels.upsert(target, [box("img_2", { embedding_vector: [1, 0] })], { update: false });
      expect(await store.objectVectors.count(datasetId)).toBe(1);
      expect(await store.datasets.delete(TENANT, datasetId)).toBe(true);
      expect(await store.objectVectors.count(datasetId)).toBe(0);
    });
  });
}

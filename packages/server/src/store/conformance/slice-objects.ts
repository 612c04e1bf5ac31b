import { describe, expect, it } from "vitest";
import type { NucleusStore } from "../store.js";
import { box, datasetWithItems, plainModel, type StoreBackend, TENANT, useStore } from "./harness.js";

/** A dataset of three items with a box each, a run with a prediction on two, and their labels. */
async function labelled(store: NucleusStore) {
  const datasetId = await datasetWithItems(store, 3);
  await store.labels.upsert(
    { kind: "annotations", datasetId },
    [0, 1, 2].map((i) => box(`img_${i}`, { annotation_id: `gt${i}` })),
    { update: false },
  );
  const model = await plainModel(store);
  const run = await store.runs.create(TENANT, { modelId: model.id, datasetId, name: "r", metadata: null });
  const predictions = { kind: "predictions", datasetId, runId: run.id } as const;
  await store.labels.upsert(
    predictions,
    [0, 1].map((i) => box(`img_${i}`, { annotation_id: `p${i}`, confidence: 0.5 })),
    { update: false },
  );
  const ids = (await store.items.page(datasetId, { limit: 10 })).records.map((item) => item.id);
  const annotations = await store.labels.list({ kind: "annotations", datasetId }, ids);
  const predicted = await store.labels.list(predictions, ids);
  return { datasetId, runId: run.id, annotations, predicted };
}

/** Object slices: the annotations and predictions a slice names, by server id. */
export function sliceObjectConformance(backend: StoreBackend): void {
  describe("slice objects", () => {
    const fixture = useStore(backend);

    it("find a dataset's annotations and predictions by server id, and nothing of another dataset", async () => {
      const { store } = fixture;
      const { datasetId, runId, annotations, predicted } = await labelled(store);
      const other = await labelled(store);
      const [gt] = annotations;
      const [pred] = predicted;
      const found = await store.sliceObjects.resolve(datasetId, [
        gt?.id as string,
        pred?.id as string,
        other.annotations[0]?.id as string,
        "ann_nothing",
      ]);
      expect([...found.keys()].sort()).toEqual([gt?.id, pred?.id].sort());
      expect(found.get(gt?.id as string)).toMatchObject({
        kind: "annotation",
        runId: null,
        itemId: gt?.itemId,
        group: "box",
        payload: { annotation_id: "gt0", label: "car" },
      });
      expect(found.get(pred?.id as string)).toMatchObject({
        kind: "prediction",
        runId,
        itemId: pred?.itemId,
        payload: { annotation_id: "p0", confidence: 0.5 },
      });
    });

    it("keep a slice's objects in order, skip repeats, page them, and leave deleted ones out", async () => {
      const { store } = fixture;
      const { datasetId, annotations, predicted } = await labelled(store);
      const slice = await store.slices.create(TENANT, {
        datasetId,
        name: "objects",
        members: { itemIds: [] },
        type: "object",
      });
      const order = [predicted[1], annotations[2], annotations[0], predicted[0]].map((l) => l?.id as string);
      expect(await store.sliceObjects.add(slice.id, order.slice(0, 3))).toBe(3);
      expect(await store.sliceObjects.add(slice.id, [order[0] as string, order[3] as string])).toBe(1);
      expect(await store.sliceObjects.count(slice.id)).toBe(4);
      const first = await store.sliceObjects.page(slice.id, datasetId, { limit: 3 });
      expect(first.records.map((r) => r.id)).toEqual(order.slice(0, 3));
      expect(first.nextCursor).not.toBeNull();
      const second = await store.sliceObjects.page(slice.id, datasetId, {
        cursor: first.nextCursor,
        limit: 3,
      });
      expect(second.records.map((r) => r.id)).toEqual(order.slice(3));
      expect(second.nextCursor).toBeNull();
      // Deleting an item's labels takes them out of the slice's pages.
      await store.labels.delete({ kind: "annotations", datasetId }, { referenceIds: ["img_2"] });
      const after = await store.sliceObjects.page(slice.id, datasetId);
      expect(after.records.map((r) => r.id)).toEqual([order[0], order[2], order[3]]);
      // Deleting the slice deletes what it names.
      await store.slices.delete(TENANT, slice.id);
      expect(await store.sliceObjects.count(slice.id)).toBe(0);
    });
  });
}

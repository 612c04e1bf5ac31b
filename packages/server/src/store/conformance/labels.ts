import { describe, expect, it } from "vitest";
import type { NucleusStore } from "../store.js";
import { box, datasetWithItems, plainModel, type StoreBackend, TENANT, useStore } from "./harness.js";

async function runOn(store: NucleusStore, datasetId: string) {
  const model = await plainModel(store);
  return store.runs.create(TENANT, { modelId: model.id, datasetId, name: "r", metadata: null });
}

/** Annotations and predictions: identities, refusals as problems, reads in upload order, deletes. */
export function labelConformance(backend: StoreBackend): void {
  describe("labels", () => {
    const fixture = useStore(backend);

    it("ignore a known (item, annotation id) unless update is set, and refuse unknown items as problems", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 2);
      const target = { kind: "annotations", datasetId } as const;
      const first = await store.labels.upsert(
        target,
        [box("img_0", { annotation_id: "a" }), box("ghost"), box("img_1"), box("ghost", { label: "bus" })],
        { update: false },
      );
      expect(first.processed).toBe(2);
      expect(first.ignored).toBe(0);
      expect(first.refused).toEqual([
        { index: 1, problem: { code: "unknownReference", datasetId, referenceIds: ["ghost"] } },
        { index: 3, problem: { code: "unknownReference", datasetId, referenceIds: ["ghost"] } },
      ]);
      const moved = box("img_0", { annotation_id: "a", geometry: { x: 9, y: 9, width: 1, height: 1 } });
      expect(await store.labels.upsert(target, [moved], { update: false })).toEqual({
        processed: 0,
        ignored: 1,
        refused: [],
      });
      expect(await store.labels.upsert(target, [moved], { update: true })).toEqual({
        processed: 1,
        ignored: 0,
        refused: [],
      });
      const item = await store.items.find(datasetId, { referenceId: "img_0" });
      const stored = await store.labels.find(target, { itemId: item?.id as string, annotationId: "a" });
      expect(stored).toMatchObject({ itemId: item?.id, group: "box", payload: { geometry: { x: 9 } } });
    });

    it("give boxes without an id the official client's default id, so re-uploads are ignored", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const target = { kind: "annotations", datasetId } as const;
      await store.labels.upsert(target, [box("img_0")], { update: false });
      expect(await store.labels.upsert(target, [box("img_0")], { update: false })).toMatchObject({
        ignored: 1,
      });
      const [label] = await store.labels.list(target, [
        (await store.items.find(datasetId, { index: 0 }))?.id as string,
      ]);
      expect(typeof (label?.payload as { annotation_id?: string } | undefined)?.annotation_id).toBe("string");
    });

    it("keep one category per taxonomy and one segmentation per item, listed under their groups", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const target = { kind: "annotations", datasetId } as const;
      const category = (label: string, taxonomy: string) => ({
        type: "category" as const,
        label,
        taxonomy_name: taxonomy,
        reference_id: "img_0",
        geometry: {},
      });
      const mask = {
        type: "mask" as const,
        reference_id: "img_0",
        mask_url: "s3://b/mask.png",
        annotations: [{ label: "road", index: 1 }],
      };
      await store.labels.upsert(target, [category("day", "time"), category("rain", "weather"), mask], {
        update: false,
      });
      expect(await store.labels.upsert(target, [category("night", "time")], { update: true })).toMatchObject({
        processed: 1,
      });
      const itemId = (await store.items.find(datasetId, { index: 0 }))?.id as string;
      const labels = await store.labels.list(target, [itemId]);
      expect(labels.map((l) => [l.group, (l.payload as { label?: string }).label ?? null])).toEqual([
        ["category", "night"],
        ["category", "rain"],
        ["segmentation", null],
      ]);
    });

    it("list the labels of many items, each item's in upload order", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 700);
      const target = { kind: "annotations", datasetId } as const;
      const labels = Array.from({ length: 1_400 }, (_, i) =>
        box(`img_${(i * 7) % 700}`, { annotation_id: `a${i}` }),
      );
      await store.labels.upsert(target, labels, { update: false });
      const page = await store.items.page(datasetId, {});
      const listed = await store.labels.list(
        target,
        page.records.map((item) => item.id),
      );
      expect(listed).toHaveLength(1_400);
      const annotationIdOf = (payload: object) => (payload as { annotation_id?: string }).annotation_id;
      for (const item of page.records.slice(0, 20)) {
        const expected = labels.filter((l) => l.reference_id === item.referenceId).map(annotationIdOf);
        const actual = listed.filter((l) => l.itemId === item.id).map((l) => annotationIdOf(l.payload));
        expect(actual).toEqual(expected);
      }
      expect(await store.labels.list(target, [])).toEqual([]);
    });

    it("scope predictions by run, and reopen a committed run when new ones arrive", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const run = await runOn(store, datasetId);
      const other = await runOn(store, datasetId);
      const target = { kind: "predictions", datasetId, runId: run.id } as const;
      await store.runs.commit(TENANT, run.id, { class_agnostic: true });
      expect((await store.runs.get(TENANT, run.id))?.status).toBe("Committed");
      await store.labels.upsert(target, [box("img_0", { confidence: 0.5 })], { update: false });
      expect((await store.runs.get(TENANT, run.id))?.status).toBe("Started");
      const itemId = (await store.items.find(datasetId, { index: 0 }))?.id as string;
      expect(await store.labels.list(target, [itemId])).toHaveLength(1);
      expect(await store.labels.list({ kind: "predictions", datasetId, runId: other.id }, [itemId])).toEqual(
        [],
      );
      expect(await store.labels.list({ kind: "annotations", datasetId }, [itemId])).toEqual([]);
    });

    it("delete the labels of some items, or all of them", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 3);
      const target = { kind: "annotations", datasetId } as const;
      await store.labels.upsert(
        target,
        [box("img_0"), box("img_1"), box("img_1", { label: "bus" }), box("img_2")],
        {
          update: false,
        },
      );
      expect(await store.labels.delete(target, { referenceIds: ["img_1", "ghost"] })).toBe(2);
      expect(await store.labels.delete(target, { all: true })).toBe(2);
      const ids = (await store.items.page(datasetId, {})).records.map((item) => item.id);
      expect(await store.labels.list(target, ids)).toEqual([]);
    });
  });
}

import { describe, expect, it } from "vitest";
import {
  datasetWithItems,
  OTHER_TENANT,
  plainModel,
  type StoreBackend,
  TENANT,
  useStore,
} from "./harness.js";

const category = (ref: string, label: string, taxonomy: string) => ({
  type: "category" as const,
  label,
  reference_id: ref,
  taxonomy_name: taxonomy,
});

/** Taxonomies of datasets, tags of datasets, models and slices, and items' perceptual hashes. */
export function taxonomyConformance(backend: StoreBackend): void {
  describe("taxonomies", () => {
    const fixture = useStore(backend);

    it("create once, keep an existing one unless updating, and only append labels", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 0);
      const first = await store.taxonomies.add(
        dataset,
        { name: "[A] weather", type: "category", labels: ["sun", "rain", "sun"] },
        { update: false },
      );
      expect(first.status).toBe("created");
      expect(first.taxonomy.labels).toEqual(["sun", "rain"]);
      const again = await store.taxonomies.add(
        dataset,
        { name: "[A] weather", type: "category", labels: ["snow"] },
        { update: false },
      );
      expect(again.status).toBe("exists");
      expect(again.taxonomy.labels).toEqual(["sun", "rain"]);
      const updated = await store.taxonomies.add(
        dataset,
        { name: "[A] weather", type: "category", labels: ["rain", "snow"] },
        { update: true },
      );
      expect(updated.status).toBe("updated");
      await store.taxonomies.add(
        dataset,
        { name: "tags", type: "multicategory", labels: ["x"] },
        { update: false },
      );
      const listed = await store.taxonomies.list(dataset);
      expect(listed.map((t) => [t.name, t.type, t.labels])).toEqual([
        ["[A] weather", "category", ["sun", "rain", "snow"]],
        ["tags", "multicategory", ["x"]],
      ]);
      expect(await store.taxonomies.list(await datasetWithItems(store, 0))).toEqual([]);
    });

    it("delete a taxonomy with the categories of it, in annotations and in every run", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 2);
      await store.taxonomies.add(
        dataset,
        { name: "w", type: "category", labels: ["sun"] },
        { update: false },
      );
      await store.taxonomies.add(
        dataset,
        { name: "t", type: "category", labels: ["day"] },
        { update: false },
      );
      const target = { kind: "annotations" as const, datasetId: dataset };
      await store.labels.upsert(
        target,
        [category("img_0", "sun", "w"), category("img_1", "sun", "w"), category("img_0", "day", "t")],
        { update: false },
      );
      const model = await plainModel(store);
      const run = await store.runs.create(TENANT, {
        modelId: model.id,
        datasetId: dataset,
        name: "r",
        metadata: null,
      });
      const predictions = { kind: "predictions" as const, datasetId: dataset, runId: run.id };
      await store.labels.upsert(predictions, [category("img_0", "sun", "w")], { update: false });

      expect(await store.taxonomies.delete(dataset, "w")).toEqual({ annotations: 2, predictions: 1 });
      expect(await store.taxonomies.delete(dataset, "w")).toBeUndefined();
      const items = (await store.items.page(dataset, {})).records.map((item) => item.id);
      const left = await store.labels.list(target, items);
      expect(left.map((label) => (label.payload as { label?: string }).label)).toEqual(["day"]);
      expect(await store.labels.list(predictions, items)).toEqual([]);
      expect((await store.taxonomies.list(dataset)).map((t) => t.name)).toEqual(["t"]);
    });

    it("go with their dataset", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 0);
      await store.taxonomies.add(
        dataset,
        { name: "w", type: "category", labels: ["sun"] },
        { update: false },
      );
      await store.datasets.delete(TENANT, dataset);
      expect(await store.taxonomies.list(dataset)).toEqual([]);
    });
  });

  describe("tags of datasets, models and slices", () => {
    const fixture = useStore(backend);

    it("add each tag once, remove what is there, and answer undefined for another tenant's object", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 1);
      expect(await store.tags.add("dataset", TENANT, dataset, ["a", "b", "a"])).toEqual({
        tags: ["a", "b"],
        changed: 2,
      });
      expect(await store.tags.add("dataset", TENANT, dataset, ["b", "c"])).toEqual({
        tags: ["a", "b", "c"],
        changed: 1,
      });
      expect(await store.tags.remove("dataset", TENANT, dataset, ["a", "zzz"])).toEqual({
        tags: ["b", "c"],
        changed: 1,
      });
      expect((await store.datasets.get(TENANT, dataset))?.tags).toEqual(["b", "c"]);
      expect(await store.tags.add("dataset", OTHER_TENANT, dataset, ["x"])).toBeUndefined();

      const model = await store.models.create(TENANT, {
        name: "m",
        referenceId: "m",
        metadata: null,
        tags: ["prod"],
        trainedSliceIds: [],
        bundleName: null,
      });
      expect(await store.tags.remove("model", TENANT, model.id, ["nope"])).toEqual({
        tags: ["prod"],
        changed: 0,
      });
      expect(await store.tags.add("model", TENANT, model.id, ["v2"])).toEqual({
        tags: ["prod", "v2"],
        changed: 1,
      });
      expect((await store.models.get(TENANT, model.id))?.tags).toEqual(["prod", "v2"]);

      const slice = await store.slices.create(TENANT, {
        datasetId: dataset,
        name: "s",
        members: { referenceIds: ["img_0"] },
      });
      await store.tags.add("slice", TENANT, slice.id, ["night"]);
      expect((await store.slices.get(TENANT, slice.id))?.tags).toEqual(["night"]);
      expect(await store.tags.add("slice", TENANT, "slc_missing", ["x"])).toBeUndefined();
    });
  });

  describe("item hashes", () => {
    const fixture = useStore(backend);

    it("are kept per item, replaced by a newer one, dropped for unknown items and gone with the item", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 2);
      const [a, b] = (await store.items.page(dataset, {})).records;
      const hash = (bit: string) => bit.repeat(64);
      await store.phashes.put([
        { itemId: a?.id as string, source: "media:k1", phash: hash("0") },
        { itemId: "di_missing", source: "s3://x", phash: hash("1") },
      ]);
      await store.phashes.put([{ itemId: a?.id as string, source: "media:k2", phash: hash("1") }]);
      const found = await store.phashes.get([a?.id as string, b?.id as string, "di_missing"]);
      expect([...found.values()]).toEqual([{ itemId: a?.id, source: "media:k2", phash: hash("1") }]);
      await store.items.delete(dataset, "img_0");
      expect((await store.phashes.get([a?.id as string])).size).toBe(0);
    });
  });
}

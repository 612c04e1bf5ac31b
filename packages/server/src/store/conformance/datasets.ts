import { describe, expect, it } from "vitest";
import {
  box,
  datasetWithItems,
  OTHER_TENANT,
  plainModel,
  type StoreBackend,
  TENANT,
  useStore,
} from "./harness.js";

/** Datasets: decoded records, tenants, creation order, cascading deletes. */
export function datasetConformance(backend: StoreBackend): void {
  describe("datasets", () => {
    const fixture = useStore(backend);

    it("create a decoded record that the tenant, and only the tenant, reads back", async () => {
      const { store } = fixture;
      const created = await store.datasets.create(TENANT, {
        name: "cars",
        isScene: true,
        usePrivacyMode: false,
        itemMetadataSchema: { weather: { type: "category" } },
      });
      expect(created).toMatchObject({
        tenant: TENANT,
        name: "cars",
        isScene: true,
        usePrivacyMode: false,
        annotationMetadataSchema: null,
        itemMetadataSchema: { weather: { type: "category" } },
        tags: [],
      });
      expect(created.id).toMatch(/^ds_/);
      expect(await store.datasets.get(TENANT, created.id)).toEqual(created);
      expect(await store.datasets.get(OTHER_TENANT, created.id)).toBeUndefined();
      expect(await store.datasets.list(OTHER_TENANT)).toEqual([]);
    });

    it("list in creation order, even when created in the same instant", async () => {
      const { store } = fixture;
      const created = [];
      for (let i = 0; i < 12; i += 1) {
        created.push(
          await store.datasets.create(TENANT, { name: `d${i}`, isScene: false, usePrivacyMode: false }),
        );
      }
      expect((await store.datasets.list(TENANT)).map((d) => d.name)).toEqual(created.map((d) => d.name));
    });

    it("delete a dataset with its items, labels, runs and slices", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 3);
      await store.labels.upsert({ kind: "annotations", datasetId }, [box("img_0")], { update: false });
      const model = await plainModel(store);
      await store.runs.create(TENANT, { modelId: model.id, datasetId, name: "r", metadata: null });
      await store.slices.create(TENANT, { datasetId, name: "s", members: { referenceIds: ["img_1"] } });

      expect(await store.datasets.delete(OTHER_TENANT, datasetId)).toBe(false);
      expect(await store.datasets.delete(TENANT, datasetId)).toBe(true);
      expect(await store.datasets.delete(TENANT, datasetId)).toBe(false);
      expect(await store.items.count(datasetId)).toBe(0);
      expect(await store.runs.list(TENANT, { datasetId })).toEqual([]);
      expect(await store.slices.list(TENANT)).toEqual([]);
      expect(await store.models.get(TENANT, model.id)).toBeDefined();
    });
  });
}

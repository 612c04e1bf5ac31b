import { describe, expect, it } from "vitest";
import { datasetWithItems, OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

/** Media holdings: which datasets hold which stored files, per tenant, gone with the dataset. */
export function mediaConformance(backend: StoreBackend): void {
  describe("media holdings", () => {
    const fixture = useStore(backend);

    it("count a file as held while a dataset of the tenant holds it, and free it when the last one goes", async () => {
      const { store } = fixture;
      const first = await datasetWithItems(store, 0);
      const second = await datasetWithItems(store, 0);
      const theirs = await datasetWithItems(store, 0, OTHER_TENANT);
      await store.media.retain(TENANT, first, ["a.png", "b.png", "a.png"]);
      await store.media.retain(TENANT, first, ["a.png"]);
      await store.media.retain(TENANT, second, ["a.png"]);
      await store.media.retain(OTHER_TENANT, theirs, ["c.png"]);
      expect((await store.media.keysOf(first)).sort()).toEqual(["a.png", "b.png"]);
      expect(await store.media.held(TENANT, "a.png")).toBe(true);
      expect(await store.media.held(TENANT, "c.png")).toBe(false);
      expect(await store.media.held(OTHER_TENANT, "a.png")).toBe(false);
      expect(await store.media.unheld(["a.png", "b.png", "c.png", "d.png"])).toEqual(["d.png"]);

      await store.datasets.delete(TENANT, first);
      expect(await store.media.held(TENANT, "b.png")).toBe(false);
      expect(await store.media.unheld(["a.png", "b.png"])).toEqual(["b.png"]);
      await store.datasets.delete(TENANT, second);
      expect(await store.media.unheld(["a.png", "c.png"])).toEqual(["a.png"]);
    });

    it("move a tenant's records to a new tenant id", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 2);
      await store.media.retain(TENANT, dataset, ["a.png"]);
      await datasetWithItems(store, 1, OTHER_TENANT);
      expect(await store.rekeyTenant(TENANT, "tenant-new")).toBeGreaterThanOrEqual(2);
      expect(await store.datasets.get(TENANT, dataset)).toBeUndefined();
      expect((await store.datasets.get("tenant-new", dataset))?.id).toBe(dataset);
      expect(await store.media.held("tenant-new", "a.png")).toBe(true);
      expect(await store.datasets.list(OTHER_TENANT)).toHaveLength(1);
      expect(await store.rekeyTenant(TENANT, "tenant-new")).toBe(0);
    });
  });
}

import { describe, expect, it } from "vitest";
import { box, datasetWithItems, items, type StoreBackend, TENANT, useStore } from "./harness.js";

/** The write version: changes with every write (from any store on the same data), never with reads. */
export function writeVersionConformance(backend: StoreBackend): void {
  describe("write version", () => {
    const fixture = useStore(backend);

    it("change with each kind of write and stay put across reads", async () => {
      const { store } = fixture;
      const seen = new Set<string>([await store.writeVersion()]);
      const changed = async (write: () => Promise<unknown>) => {
        const before = await store.writeVersion();
        await write();
        const after = await store.writeVersion();
        expect(after).not.toBe(before);
        expect(seen.has(after)).toBe(false);
        seen.add(after);
      };
      const datasetId = await datasetWithItems(store, 2);
      await changed(() => store.items.upsert(datasetId, items(1, "x_"), { update: false }));
      await changed(() =>
        store.labels.upsert({ kind: "annotations", datasetId }, [box("img_0")], { update: false }),
      );
      await changed(() =>
        store.items.mergeMetadata(datasetId, [{ referenceId: "img_1", metadata: { a: 1 } }]),
      );
      await changed(() => store.items.delete(datasetId, "img_1"));
      await changed(() => store.jobs.create(TENANT, { datasetId, type: "t", spec: {} }));
      const before = await store.writeVersion();
      await store.items.page(datasetId, {});
      await store.datasets.list(TENANT);
      await store.labels.list({ kind: "annotations", datasetId }, []);
      expect(await store.writeVersion()).toBe(before);
    });

    it("change for writes of another store on the same data, and not for a rolled-back transaction", async () => {
      const { store, openAnother } = fixture;
      const another = await openAnother();
      const datasetId = await datasetWithItems(store, 1);
      const before = await store.writeVersion();
      await another.items.upsert(datasetId, items(1, "y_"), { update: false });
      const after = await store.writeVersion();
      expect(after).not.toBe(before);
      await store
        .transaction(async (tx) => {
          await tx.items.upsert(datasetId, items(1, "z_"), { update: false });
          throw new Error("rolled back");
        })
        .catch(() => {});
      expect(await store.writeVersion()).toBe(after);
    });
  });
}

import { describe, expect, it } from "vitest";
import { StoreError } from "../problems.js";
import type { StoreTransaction } from "../store.js";
import { datasetWithItems, items, type StoreBackend, TENANT, useStore } from "./harness.js";

const dataset = { name: "d", isScene: false, usePrivacyMode: false };

/** Transactions: all or nothing, isolated from other calls until they commit. */
export function transactionConformance(backend: StoreBackend): void {
  describe("transactions", () => {
    const fixture = useStore(backend);

    it("apply every write of a transaction together", async () => {
      const { store } = fixture;
      const id = await store.transaction(async (tx) => {
        const created = await tx.datasets.create(TENANT, dataset);
        await tx.items.upsert(created.id, items(3), { update: false });
        return created.id;
      });
      expect(await store.items.count(id)).toBe(3);
    });

    it("apply nothing when the function throws, a store problem included", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const failed = await store
        .transaction(async (tx) => {
          await tx.datasets.create(TENANT, dataset);
          await tx.items.upsert(datasetId, items(5, "new_"), { update: false });
          await tx.slices.create(TENANT, { datasetId, name: "s", members: { referenceIds: ["ghost"] } });
        })
        .catch((error) => error);
      expect(failed).toBeInstanceOf(StoreError);
      expect(await store.datasets.list(TENANT)).toHaveLength(1);
      expect(await store.items.count(datasetId)).toBe(1);
      await expect(
        store.transaction(async (tx) => {
          await tx.items.upsert(datasetId, items(5, "other_"), { update: false });
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      expect(await store.items.count(datasetId)).toBe(1);
    });

    it("apply nothing when a call failed, even if the function caught its error", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const failed = await store
        .transaction(async (tx) => {
          await tx.items.upsert(datasetId, items(4, "kept_"), { update: false });
          const refused = await tx.slices
            .create(TENANT, { datasetId, name: "s", members: { referenceIds: ["ghost"] } })
            .catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(StoreError);
          return "committed";
        })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(StoreError);
      expect(await store.items.count(datasetId)).toBe(1);
      expect(await store.slices.list(TENANT, { datasetId })).toEqual([]);
    });

    it("hide uncommitted writes from calls outside the transaction, which then see all of them", async () => {
      const { store, openAnother } = fixture;
      const another = await openAnother();
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let inside: Promise<unknown> | undefined;
      const running = store.transaction(async (tx) => {
        const created = await tx.datasets.create(TENANT, dataset);
        await tx.items.upsert(created.id, items(2), { update: false });
        inside = Promise.resolve();
        await gate;
        await tx.items.upsert(created.id, items(2, "more_"), { update: false });
        return created.id;
      });
      while (!inside) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(await another.datasets.list(TENANT)).toEqual([]);
      // A call made meanwhile through the same store may wait for the transaction (one SQLite
      // connection) or read what was committed before it (a pool): all of it or none, never a part.
      const outside = store.datasets.list(TENANT);
      release();
      const id = await running;
      expect([[], [id]]).toContainEqual((await outside).map((d) => d.id));
      expect((await store.datasets.list(TENANT)).map((d) => d.id)).toEqual([id]);
      expect(await another.items.count(id)).toBe(4);
    });

    it("refuse a transaction's handle once it ended", async () => {
      const { store } = fixture;
      let leaked: StoreTransaction | undefined;
      await store.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked?.datasets.list(TENANT)).rejects.toThrow();
    });
  });
}

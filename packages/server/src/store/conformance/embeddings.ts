import { describe, expect, it } from "vitest";
import { datasetWithItems, type StoreBackend, useStore } from "./harness.js";

const vector = (...xs: number[]) => Float32Array.from(xs);

/** Item embeddings: stored per item, read back whole and in pages, gone with their item. */
export function embeddingConformance(backend: StoreBackend): void {
  describe("embeddings", () => {
    const fixture = useStore(backend);

    it("store vectors by item, replace them, and read them back by id and in pages", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 5);
      const other = await datasetWithItems(store, 1);
      expect(await store.embeddings.dimension(dataset)).toBeNull();
      const ids = await store.embeddings.itemIds(dataset, ["img_0", "img_1", "img_2", "img_3", "nope"]);
      expect([...ids.keys()].sort()).toEqual(["img_0", "img_1", "img_2", "img_3"]);
      const otherItem = (await store.embeddings.itemIds(other, ["img_0"])).get("img_0") as string;
      const stored = await store.embeddings.put(dataset, [
        ...["img_0", "img_1", "img_2"].map((ref, i) => ({
          itemId: ids.get(ref) as string,
          vector: vector(i, 0.5, -1.25),
        })),
        // Another dataset's item is not this dataset's to store.
        { itemId: otherItem, vector: vector(9, 9, 9) },
      ]);
      expect(stored).toBe(3);
      await store.embeddings.put(dataset, [{ itemId: ids.get("img_1") as string, vector: vector(7, 7, 7) }]);
      expect(await store.embeddings.dimension(dataset)).toBe(3);
      expect(await store.embeddings.count(dataset)).toBe(3);
      expect(await store.embeddings.count(other)).toBe(0);

      const got = await store.embeddings.get(dataset, [
        ids.get("img_1") as string,
        ids.get("img_3") as string,
      ]);
      expect([...got.values()].map((r) => [r.referenceId, [...r.vector]])).toEqual([["img_1", [7, 7, 7]]]);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store.embeddings.page(dataset, { cursor, limit: 2 });
        for (const record of page.records) {
          seen.push(record.itemId);
          expect(record.vector).toHaveLength(3);
        }
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      expect([...seen].sort()).toEqual(
        ["img_0", "img_1", "img_2"].map((ref) => ids.get(ref) as string).sort(),
      );
      expect(pages).toBe(2);
    });

    it("drop an item's vector with the item", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 2);
      const ids = await store.embeddings.itemIds(dataset, ["img_0", "img_1"]);
      await store.embeddings.put(
        dataset,
        [...ids.values()].map((itemId) => ({ itemId, vector: vector(1, 2) })),
      );
      expect(await store.items.delete(dataset, "img_0")).toBe(true);
      expect(await store.embeddings.count(dataset)).toBe(1);
      const page = await store.embeddings.page(dataset, {});
      expect(page.records.map((r) => r.itemId)).toEqual([ids.get("img_1")]);
    });

    it("give vectors increasing index keys, a replaced vector a new one, and delete them", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 3);
      const ids = await store.embeddings.itemIds(dataset, ["img_0", "img_1", "img_2"]);
      const id = (ref: string) => ids.get(ref) as string;
      expect(await store.embeddings.lastKey(dataset)).toBe(0);
      await store.embeddings.put(dataset, [
        { itemId: id("img_0"), vector: vector(1, 0) },
        { itemId: id("img_1"), vector: vector(0, 1) },
      ]);
      const first = await store.embeddings.keyed(dataset, 0, 10);
      expect(first.map((r) => r.itemId)).toEqual([id("img_0"), id("img_1")]);
      const [k0, k1] = first.map((r) => r.key) as [number, number];
      expect(k1).toBeGreaterThan(k0);
      expect(await store.embeddings.lastKey(dataset)).toBe(k1);
      await store.embeddings.put(dataset, [
        { itemId: id("img_0"), vector: vector(2, 2) },
        { itemId: id("img_2"), vector: vector(3, 3) },
      ]);
      // A replaced vector is still one of the item's.
      expect(await store.embeddings.count(dataset)).toBe(3);
      const later = await store.embeddings.keyed(dataset, k1, 10);
      expect(later.map((r) => [r.itemId, [...r.vector]])).toEqual([
        [id("img_0"), [2, 2]],
        [id("img_2"), [3, 3]],
      ]);
      expect(later.every((r) => r.key > k1)).toBe(true);
      const named = await store.embeddings.byKeys(dataset, [k0, k1, ...later.map((r) => r.key)]);
      // The replaced vector's key names nothing any more.
      expect(named.has(k0)).toBe(false);
      expect(named.get(k1)).toEqual({ itemId: id("img_1"), referenceId: "img_1" });
      expect(await store.embeddings.delete(dataset, [id("img_1"), "nope"])).toBe(1);
      expect((await store.embeddings.byKeys(dataset, [k1])).size).toBe(0);
      expect(await store.embeddings.delete(dataset)).toBe(2);
      expect(await store.embeddings.count(dataset)).toBe(0);
    });

    it("keep uniqueness and representativeness scores by key until the vector is replaced", async () => {
      const { store } = fixture;
      const dataset = await datasetWithItems(store, 3);
      const ids = await store.embeddings.itemIds(dataset, ["img_0", "img_1", "img_2"]);
      const id = (ref: string) => ids.get(ref) as string;
      await store.embeddings.put(
        dataset,
        ["img_0", "img_1", "img_2"].map((ref, i) => ({ itemId: id(ref), vector: vector(i, 1) })),
      );
      const keys = (await store.embeddings.keyed(dataset, 0, 10)).map((r) => r.key) as [
        number,
        number,
        number,
      ];
      const matching = async (text: string) =>
        (await store.queries.items(dataset, { text }, {})).records.map((r) => r.referenceId).sort();
      await store.embeddings.put(dataset, [{ itemId: id("img_2"), vector: vector(5, 5) }]);
      // The third key is stale: its vector was replaced before the scores came.
      const scores = [
        { key: keys[0], score: 0.25 },
        { key: keys[1], score: 0.75 },
        { key: keys[2], score: 1 },
      ];
      expect(await store.embeddings.setRepresentativeness(dataset, scores)).toBe(2);
      expect(await store.embeddings.setUniqueness(dataset, scores.slice(0, 1))).toBe(1);
      expect(await store.embeddings.setRepresentativeness(dataset, [])).toBe(0);
      expect(await matching("embedding.representativeness > 0.5")).toEqual(["img_1"]);
      expect(await matching("embedding.representativeness >= 0")).toEqual(["img_0", "img_1"]);
      expect(await matching("embedding.uniqueness >= 0")).toEqual(["img_0"]);
      await store.embeddings.put(dataset, [{ itemId: id("img_0"), vector: vector(3, 3) }]);
      expect(await matching("embedding.representativeness >= 0")).toEqual(["img_1"]);
      expect(await matching("embedding.uniqueness >= 0")).toEqual([]);
    });
  });
}

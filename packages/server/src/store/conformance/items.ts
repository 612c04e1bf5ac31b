import { describe, expect, it } from "vitest";
import { StoreError } from "../problems.js";
import { datasetWithItems, items, type StoreBackend, useStore } from "./harness.js";

/** Items: upserts, lookups, upload order and cursors, metadata merges. */
export function itemConformance(backend: StoreBackend): void {
  describe("items", () => {
    const fixture = useStore(backend);

    it("insert new reference ids, ignore known ones, and replace them with update (an item's own flag wins)", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 0);
      expect(await store.items.upsert(datasetId, items(3), { update: false })).toEqual({
        newItems: 3,
        updatedItems: 0,
        ignoredItems: 0,
      });
      const changed = items(4).map((item) => ({ ...item, metadata: { changed: true } }));
      expect(await store.items.upsert(datasetId, changed, { update: false })).toEqual({
        newItems: 1,
        updatedItems: 0,
        ignoredItems: 3,
      });
      expect((await store.items.find(datasetId, { referenceId: "img_0" }))?.metadata).toEqual({ index: 0 });
      expect(await store.items.upsert(datasetId, changed.slice(0, 2), { update: true })).toEqual({
        newItems: 0,
        updatedItems: 2,
        ignoredItems: 0,
      });
      expect((await store.items.find(datasetId, { referenceId: "img_0" }))?.metadata).toEqual({
        changed: true,
      });
      const own = [
        { ...items(3)[2], update: true } as ReturnType<typeof items>[number] & { update: boolean },
      ];
      expect(await store.items.upsert(datasetId, own, { update: false })).toMatchObject({ updatedItems: 1 });
      expect(await store.items.count(datasetId)).toBe(4);
    });

    it("decode every field, and find items by id, reference id and upload position", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 0);
      await store.items.upsert(
        datasetId,
        [
          { reference_id: "plain", image_url: "s3://b/plain.jpg" },
          {
            reference_id: "full",
            image_url: "cat.png",
            media_key: "abc.png",
            metadata: { a: [1, { b: null }] },
            width: 640,
            height: 480,
            embedding_info: { vector: [0.5, 1] } as never,
          },
        ],
        { update: false },
      );
      const plain = await store.items.find(datasetId, { index: 0 });
      expect(plain).toMatchObject({
        datasetId,
        referenceId: "plain",
        imageUrl: "s3://b/plain.jpg",
        mediaKey: null,
        metadata: {},
        width: null,
        height: null,
        embeddingInfo: null,
      });
      const full = await store.items.find(datasetId, { referenceId: "full" });
      expect(full).toMatchObject({
        mediaKey: "abc.png",
        metadata: { a: [1, { b: null }] },
        width: 640,
        height: 480,
        embeddingInfo: { vector: [0.5, 1] },
      });
      expect(await store.items.get(datasetId, full?.id as string)).toEqual(full);
      expect(await store.items.find(datasetId, { index: 2 })).toBeUndefined();
      expect(await store.items.find(datasetId, { referenceId: "nope" })).toBeUndefined();
      expect(await store.items.get("ds_other", full?.id as string)).toBeUndefined();
    });

    it("page in upload order with opaque cursors, the last page's cursor null", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 25);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store.items.page(datasetId, { cursor, limit: 10 });
        seen.push(...page.records.map((item) => item.referenceId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      expect(pages).toBe(3);
      expect(seen).toEqual(items(25).map((item) => item.reference_id));
      const all = await store.items.page(datasetId, {});
      expect(all.records).toHaveLength(25);
      expect(all.nextCursor).toBeNull();
      const exact = await store.items.page(datasetId, { limit: 25 });
      expect(exact.nextCursor).toBeNull();
    });

    it("continue a page after the cursor's item was deleted", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 6);
      const first = await store.items.page(datasetId, { limit: 3 });
      expect(await store.items.delete(datasetId, "img_2")).toBe(true);
      const rest = await store.items.page(datasetId, { cursor: first.nextCursor, limit: 10 });
      expect(rest.records.map((item) => item.referenceId)).toEqual(["img_3", "img_4", "img_5"]);
    });

    it("refuse a cursor it did not issue as an invalidCursor problem", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const refused = await store.items.page(datasetId, { cursor: "abc", limit: 1 }).catch((error) => error);
      expect(refused).toBeInstanceOf(StoreError);
      expect((refused as StoreError).problem).toEqual({ code: "invalidCursor", cursor: "abc" });
    });

    it("delete by reference id and merge metadata, naming the reference ids that do not exist", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 2);
      expect(await store.items.delete(datasetId, "img_0")).toBe(true);
      expect(await store.items.delete(datasetId, "img_0")).toBe(false);
      const missing = await store.items.mergeMetadata(datasetId, [
        { referenceId: "img_1", metadata: { split: "val" } },
        { referenceId: "img_0", metadata: { split: "train" } },
      ]);
      expect(missing).toEqual(["img_0"]);
      expect((await store.items.find(datasetId, { referenceId: "img_1" }))?.metadata).toEqual({
        index: 1,
        split: "val",
      });
    });
  });
}

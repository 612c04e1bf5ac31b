import { describe, expect, it } from "vitest";
import { StoreError } from "../problems.js";
import { datasetWithItems, OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

/** Slices: members by reference or id, refusals as problems, order of addition, pages. */
export function sliceConformance(backend: StoreBackend): void {
  describe("slices", () => {
    const fixture = useStore(backend);

    it("create slices by reference ids or item ids, with their items in the order given", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 5);
      const byRef = await store.slices.create(TENANT, {
        datasetId,
        name: "by-ref",
        members: { referenceIds: ["img_3", "img_1"] },
      });
      expect(byRef).toMatchObject({
        datasetId,
        name: "by-ref",
        type: "dataset_item",
        description: null,
        tags: [],
      });
      const refs = (await store.slices.items(byRef.id, {})).records.map((item) => item.referenceId);
      expect(refs).toEqual(["img_3", "img_1"]);
      const item4 = await store.items.find(datasetId, { referenceId: "img_4" });
      const byId = await store.slices.create(TENANT, {
        datasetId,
        name: "by-id",
        members: { itemIds: [item4?.id as string] },
      });
      expect((await store.slices.items(byId.id, {})).records).toEqual([item4]);
      const empty = await store.slices.create(TENANT, {
        datasetId,
        name: "empty",
        members: { referenceIds: [] },
      });
      expect((await store.slices.items(empty.id, {})).records).toEqual([]);
      expect((await store.slices.list(TENANT)).map((s) => s.name)).toEqual(["by-ref", "by-id", "empty"]);
      expect((await store.slices.list(TENANT, { datasetId })).map((s) => s.name)).toEqual([
        "by-ref",
        "by-id",
        "empty",
      ]);
      expect(await store.slices.list(TENANT, { datasetId: "ds_other" })).toEqual([]);
      expect(await store.slices.get(OTHER_TENANT, byRef.id)).toBeUndefined();
    });

    it("refuse unknown reference ids or item ids all together, writing nothing", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 2);
      const refused = await store.slices
        .create(TENANT, { datasetId, name: "s", members: { referenceIds: ["img_0", "a", "img_1", "b"] } })
        .catch((error) => error);
      expect(refused).toBeInstanceOf(StoreError);
      expect((refused as StoreError).problem).toEqual({
        code: "unknownReference",
        datasetId,
        referenceIds: ["a", "b"],
      });
      const byId = await store.slices
        .create(TENANT, { datasetId, name: "s", members: { itemIds: ["di_nope"] } })
        .catch((error) => error);
      expect((byId as StoreError).problem).toEqual({ code: "unknownItem", datasetId, itemIds: ["di_nope"] });
      expect(await store.slices.list(TENANT)).toEqual([]);
    });

    it("append reference ids once each, leaving items already in the slice where they are", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 4);
      const slice = await store.slices.create(TENANT, {
        datasetId,
        name: "s",
        members: { referenceIds: ["img_1"] },
      });
      expect(await store.slices.append(slice, ["img_2", "img_1", "img_0", "img_2"])).toEqual([
        "img_2",
        "img_0",
      ]);
      const refused = await store.slices.append(slice, ["img_3", "ghost"]).catch((error) => error);
      expect((refused as StoreError).problem).toEqual({
        code: "unknownReference",
        datasetId,
        referenceIds: ["ghost"],
      });
      const refs = (await store.slices.items(slice.id, {})).records.map((item) => item.referenceId);
      expect(refs).toEqual(["img_1", "img_2", "img_0"]);
    });

    it("keep what a dump restores: the query a static slice was made from, and a review's time", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 3);
      const slice = await store.slices.create(TENANT, {
        datasetId,
        name: "q",
        members: { referenceIds: ["img_2"] },
        query: { text: 'metadata.kind = "x"', runId: null },
      });
      expect(await store.curation.sliceQuery(slice.id)).toEqual({
        query: 'metadata.kind = "x"',
        runId: null,
        dynamic: false,
      });
      // Its items are those given, not the query's now.
      const refs = (await store.slices.items(slice.id, {})).records.map((item) => item.referenceId);
      expect(refs).toEqual(["img_2"]);
      const item = await store.items.find(datasetId, { referenceId: "img_1" });
      const at = "2026-01-02T03:04:05.678Z";
      await store.curation.review(datasetId, [
        { itemId: item?.id as string, status: "accepted", createdAt: at },
      ]);
      expect((await store.curation.reviewsOf(datasetId, [item?.id as string]))[0]?.createdAt).toBe(at);
    });

    it("page a slice's items with cursors of its own order, and delete it without its items", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 9);
      const order = ["img_8", "img_0", "img_5", "img_3", "img_1"];
      const slice = await store.slices.create(TENANT, {
        datasetId,
        name: "s",
        members: { referenceIds: order },
      });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.slices.items(slice.id, { cursor, limit: 2 });
        seen.push(...page.records.map((item) => item.referenceId));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(order);
      expect(await store.slices.delete(OTHER_TENANT, slice.id)).toBe(false);
      expect(await store.slices.delete(TENANT, slice.id)).toBe(true);
      expect(await store.items.count(datasetId)).toBe(9);
    });
  });
}

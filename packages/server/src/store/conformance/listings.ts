import { describe, expect, it } from "vitest";
import type { Page } from "../common.js";
import type { NucleusStore } from "../store.js";
import { box, datasetWithItems, items, type StoreBackend, TENANT, useStore } from "./harness.js";

/** Every page of a paged read, cursor after cursor. */
async function all<T>(read: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await read(cursor);
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/** A dataset of 7 items with a box on each even one, and a static and a dynamic slice of it. */
async function fixtureOf(store: NucleusStore) {
  const datasetId = await datasetWithItems(store, 7);
  await store.labels.upsert(
    { kind: "annotations", datasetId },
    [0, 2, 4, 6].map((i) => box(`img_${i}`, { annotation_id: `b${i}`, label: `c${i}` })),
    { update: false },
  );
  const staticSlice = await store.slices.create(TENANT, {
    datasetId,
    name: "static",
    members: { referenceIds: ["img_5", "img_1", "img_3"] },
  });
  const dynamicSlice = await store.curation.createQuerySlice(TENANT, {
    datasetId,
    name: "dynamic",
    query: { query: "metadata.index >= 4", runId: null, dynamic: true },
  });
  return { datasetId, staticSlice, dynamicSlice };
}

/** Whole listings: the same records as the entity stores, and never waiting for a transaction. */
export function listingConformance(backend: StoreBackend): void {
  describe("listings", () => {
    const fixture = useStore(backend);

    it("read the same pages as items.page, slices.items and labels.list", async () => {
      const { store } = fixture;
      const { datasetId, staticSlice, dynamicSlice } = await fixtureOf(store);
      const listed = await all((cursor) => store.listings.items(datasetId, { cursor, limit: 3 }));
      expect(listed).toEqual(await all((cursor) => store.items.page(datasetId, { cursor, limit: 3 })));
      expect(listed.map((item) => item.referenceId)).toEqual(items(7).map((item) => item.reference_id));
      for (const slice of [staticSlice, dynamicSlice]) {
        expect(await all((cursor) => store.listings.sliceItems(slice.id, { cursor, limit: 2 }))).toEqual(
          await all((cursor) => store.slices.items(slice.id, { cursor, limit: 2 })),
        );
      }
      expect(
        (await all((cursor) => store.listings.sliceItems(dynamicSlice.id, { cursor, limit: 2 }))).map(
          (item) => item.referenceId,
        ),
      ).toEqual(["img_4", "img_5", "img_6"]);
      const target = { kind: "annotations" as const, datasetId };
      const ids = listed.map((item) => item.id).reverse();
      const labels = await store.listings.labels(target, ids);
      expect(labels).toEqual(await store.labels.list(target, ids));
      expect(labels.map((label) => (label.payload as { label: string }).label)).toEqual([
        "c0",
        "c2",
        "c4",
        "c6",
      ]);
    });

    it("see what was committed when they run, without waiting for an open transaction", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 2);
      let entered = () => {};
      const inside = new Promise<void>((resolve) => (entered = resolve));
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const running = store.transaction(async (tx) => {
        await tx.items.upsert(datasetId, items(3, "later_"), { update: false });
        entered();
        await gate;
      });
      await inside;
      // Read while the transaction holds its writes: a listing that waited for it would never end.
      const during = await store.listings.items(datasetId, { limit: 10 });
      release();
      await running;
      expect(during.records.map((item) => item.referenceId)).toEqual(["img_0", "img_1"]);
      const after = await store.listings.items(datasetId, { limit: 10 });
      expect(after.records).toHaveLength(5);
    });
  });
}

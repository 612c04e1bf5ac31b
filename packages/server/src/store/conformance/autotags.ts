import { describe, expect, it } from "vitest";
import type { AutotagTraining } from "../autotags.js";
import { datasetWithItems, type StoreBackend, useStore } from "./harness.js";

const training = (positives: string[]): AutotagTraining => ({
  positives,
  negatives: [],
  randomNegatives: true,
  rounds: [],
  model: null,
  scored: 0,
});

/** Autotags with their scores, and embedding maps with their points. */
export function autotagConformance(backend: StoreBackend): void {
  describe("autotags and embedding maps", () => {
    const fixture = useStore(backend);

    it("keep one autotag per name, its scores by generation, highest first in pages", async () => {
      const { store } = fixture;
      const ds = await datasetWithItems(store, 5);
      const ids = await store.embeddings.itemIds(ds, ["img_0", "img_1", "img_2", "img_3", "img_4"]);
      const id = (ref: string) => ids.get(ref) as string;
      const tag = await store.autotags.create({
        id: "tag_a",
        datasetId: ds,
        name: "rain",
        training: training([id("img_0")]),
      });
      expect(tag).toMatchObject({ id: "tag_a", name: "rain", status: "Running", generation: 0 });
      expect(tag?.training.positives).toEqual([id("img_0")]);
      expect(
        await store.autotags.create({ id: "tag_b", datasetId: ds, name: "rain", training: training([]) }),
      ).toBeUndefined();
      expect((await store.autotags.byName(ds, "rain"))?.id).toBe("tag_a");
      const next = await store.autotags.update("tag_a", { status: "Completed", nextGeneration: true });
      expect(next).toMatchObject({ status: "Completed", generation: 1 });
      await store.autotags.putScores("tag_a", 1, [
        { itemId: id("img_0"), score: 0.9 },
        { itemId: id("img_1"), score: 0.2 },
        { itemId: id("img_2"), score: 0.9 },
        { itemId: id("img_3"), score: -0.5 },
        { itemId: "di_nothing", score: 1 },
      ]);
      const first = await store.autotags.top("tag_a", 0, { limit: 2 });
      expect(first.records.map((r) => r.referenceId).sort()).toEqual(["img_0", "img_2"]);
      const second = await store.autotags.top("tag_a", 0, { cursor: first.nextCursor, limit: 2 });
      expect(second.records).toEqual([
        { itemId: id("img_1"), referenceId: "img_1", score: expect.closeTo(0.2, 6) },
      ]);
      expect(second.nextCursor).toBeNull();
      expect(await store.autotags.countAbove("tag_a", -1)).toBe(4);
      // A later generation rescored two items: the others' scores go.
      await store.autotags.putScores("tag_a", 2, [
        { itemId: id("img_3"), score: 0.7 },
        { itemId: id("img_4"), score: 0.1 },
      ]);
      expect(await store.autotags.dropOlder("tag_a", 2)).toBe(3);
      expect((await store.autotags.top("tag_a", -1, {})).records.map((r) => r.referenceId)).toEqual([
        "img_3",
        "img_4",
      ]);
      expect((await store.autotags.list(ds)).map((t) => t.name)).toEqual(["rain"]);
      expect(await store.autotags.delete("tag_a")).toBe(true);
      expect(await store.autotags.get("tag_a")).toBeUndefined();
      expect(await store.autotags.countAbove("tag_a", -1)).toBe(0);
    });

    it("keep one map per dataset, replaced by a new computation, its points in pages", async () => {
      const { store } = fixture;
      const ds = await datasetWithItems(store, 3);
      const ids = await store.embeddings.itemIds(ds, ["img_0", "img_1", "img_2"]);
      expect(await store.embeddingMaps.get(ds)).toBeUndefined();
      await store.embeddingMaps.begin(ds, { method: "pca", version: "3:3", jobId: "job_1" });
      await store.embeddingMaps.putPoints(
        ds,
        [...ids.values()].map((itemId, i) => ({ itemId, x: i, y: -i })),
      );
      expect(
        await store.embeddingMaps.finish(ds, "job_0", { status: "Completed", points: 3, details: {} }),
      ).toBe(false);
      expect(
        await store.embeddingMaps.finish(ds, "job_1", { status: "Completed", points: 3, details: { a: 1 } }),
      ).toBe(true);
      expect(await store.embeddingMaps.get(ds)).toMatchObject({
        method: "pca",
        version: "3:3",
        status: "Completed",
        points: 3,
        details: { a: 1 },
      });
      const first = await store.embeddingMaps.points(ds, { limit: 2 });
      const rest = await store.embeddingMaps.points(ds, { cursor: first.nextCursor, limit: 2 });
      expect([...first.records, ...rest.records].map((p) => p.referenceId).sort()).toEqual([
        "img_0",
        "img_1",
        "img_2",
      ]);
      await store.embeddingMaps.begin(ds, { method: "pca", version: "4:3", jobId: "job_2" });
      expect(await store.embeddingMaps.get(ds)).toMatchObject({
        status: "Running",
        version: "4:3",
        points: 0,
      });
      expect((await store.embeddingMaps.points(ds, {})).records).toEqual([]);
    });
  });
}

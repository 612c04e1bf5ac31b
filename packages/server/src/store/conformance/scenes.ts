import { describe, expect, it } from "vitest";
import type { NewItem } from "../items.js";
import type { NucleusStore } from "../store.js";
import type { StoreBackend } from "./harness.js";
import { box, plainModel, TENANT, useStore } from "./harness.js";

/** A scene dataset with one two-frame lidar scene `s1` (a point cloud and a camera per frame). */
async function lidarDataset(store: NucleusStore): Promise<string> {
  const dataset = await store.datasets.create(TENANT, {
    name: "scenes",
    isScene: true,
    usePrivacyMode: false,
  });
  const frameItems: NewItem[] = [0, 1].flatMap((i): NewItem[] => [
    { reference_id: `s1/lidar/${i}`, image_url: `s3://b/${i}.json`, metadata: { frame: i } },
    { reference_id: `s1/cam/${i}`, image_url: `s3://b/${i}.jpg`, metadata: { camera_params: { fx: 1 } } },
  ]);
  await store.items.upsert(dataset.id, frameItems, { update: false });
  const result = await store.scenes.upsert(
    dataset.id,
    {
      referenceId: "s1",
      kind: "lidar",
      metadata: { weather: "rain" },
      frameRate: null,
      videoUrl: null,
      videoMediaKey: null,
      frames: [0, 1].flatMap((i) => [
        { frame: i, sensor: "lidar", type: "pointcloud" as const, itemReferenceId: `s1/lidar/${i}` },
        { frame: i, sensor: "cam", type: "image" as const, itemReferenceId: `s1/cam/${i}` },
      ]),
    },
    { update: false },
  );
  expect(result).toBe("new");
  return dataset.id;
}

/** Scenes with their frames, scene-level labels and tracks. */
export function sceneConformance(backend: StoreBackend): void {
  describe("scenes", () => {
    const fixture = useStore(backend);

    it("store a scene's frames and find it by its reference id or a frame item's", async () => {
      const { store } = fixture;
      const dataset = await lidarDataset(store);
      const [scene] = await store.scenes.list(dataset);
      expect(scene?.id).toMatch(/^scn_/);
      expect(scene).toMatchObject({
        referenceId: "s1",
        kind: "lidar",
        frameCount: 2,
        metadata: { weather: "rain" },
      });
      const frames = await store.scenes.frames(scene?.id ?? "");
      expect(frames.map((f) => [f.frame, f.sensor, f.type, f.item.referenceId])).toEqual([
        [0, "cam", "image", "s1/cam/0"],
        [0, "lidar", "pointcloud", "s1/lidar/0"],
        [1, "cam", "image", "s1/cam/1"],
        [1, "lidar", "pointcloud", "s1/lidar/1"],
      ]);
      expect((await store.scenes.find(dataset, { itemReferenceId: "s1/cam/1" }))?.id).toBe(scene?.id);
      expect((await store.items.find(dataset, { referenceId: "s1/lidar/1" }))?.pointcloud).toBe(true);
      expect((await store.items.find(dataset, { referenceId: "s1/cam/1" }))?.pointcloud).toBeUndefined();
      const listed = await store.items.page(dataset, {});
      expect(listed.records.filter((item) => item.pointcloud).map((item) => item.referenceId)).toEqual([
        "s1/lidar/0",
        "s1/lidar/1",
      ]);
      expect((await store.scenes.find(dataset, { referenceId: "s1" }))?.id).toBe(scene?.id);
      expect(await store.scenes.find(dataset, { referenceId: "nope" })).toBeUndefined();
      expect([...(await store.scenes.sceneReferences(dataset, ["s1", "s1/cam/0", "x"]))]).toEqual(["s1"]);
    });

    it("ignore a scene again unless updating, which replaces its metadata only; merge metadata", async () => {
      const { store } = fixture;
      const dataset = await lidarDataset(store);
      const again = {
        referenceId: "s1",
        kind: "lidar" as const,
        metadata: { time: "night" },
        frameRate: null,
        videoUrl: null,
        videoMediaKey: null,
        frames: [],
      };
      expect(await store.scenes.upsert(dataset, again, { update: false })).toBe("ignored");
      expect((await store.scenes.list(dataset))[0]?.metadata).toEqual({ weather: "rain" });
      expect(await store.scenes.upsert(dataset, again, { update: true })).toBe("updated");
      const [scene] = await store.scenes.list(dataset);
      expect(scene?.metadata).toEqual({ time: "night" });
      expect(scene?.frameCount).toBe(2);
      expect(
        await store.scenes.mergeMetadata(dataset, [
          { referenceId: "s1", metadata: { a: 1 } },
          { referenceId: "x", metadata: {} },
        ]),
      ).toEqual(["x"]);
      expect((await store.scenes.list(dataset))[0]?.metadata).toEqual({ time: "night", a: 1 });
    });

    it("delete a scene: its frame item references come back, its labels go", async () => {
      const { store } = fixture;
      const dataset = await lidarDataset(store);
      const target = { kind: "annotations" as const, datasetId: dataset };
      await store.scenes.upsertLabels(target, [{ type: "category", label: "day", reference_id: "s1" }], {
        update: false,
      });
      const refs = await store.scenes.delete(dataset, "s1");
      expect(refs?.sort()).toEqual(["s1/cam/0", "s1/cam/1", "s1/lidar/0", "s1/lidar/1"]);
      expect(await store.scenes.list(dataset)).toEqual([]);
      expect(await store.scenes.delete(dataset, "s1")).toBeUndefined();
    });

    it("scene labels: one per scene and taxonomy, ignored again unless updating, per run", async () => {
      const { store } = fixture;
      const dataset = await lidarDataset(store);
      const [scene] = await store.scenes.list(dataset);
      const target = { kind: "annotations" as const, datasetId: dataset };
      const day = { type: "category" as const, label: "day", reference_id: "s1", taxonomy_name: "t" };
      expect(await store.scenes.upsertLabels(target, [day], { update: false })).toEqual({
        processed: 1,
        ignored: 0,
      });
      expect(
        await store.scenes.upsertLabels(target, [{ ...day, label: "night" }], { update: false }),
      ).toEqual({
        processed: 0,
        ignored: 1,
      });
      expect(await store.scenes.upsertLabels(target, [{ ...day, label: "night" }], { update: true })).toEqual(
        {
          processed: 1,
          ignored: 0,
        },
      );
      const labels = await store.scenes.labels(target, scene?.id ?? "");
      expect(labels.map((l) => [l.payload.type, "label" in l.payload ? l.payload.label : null])).toEqual([
        ["category", "night"],
      ]);
      const model = await plainModel(store);
      const run = await store.runs.create(TENANT, {
        modelId: model.id,
        datasetId: dataset,
        name: "r",
        metadata: null,
      });
      const predictions = { kind: "predictions" as const, datasetId: dataset, runId: run.id };
      expect(await store.scenes.labels(predictions, scene?.id ?? "")).toEqual([]);
      await store.scenes.upsertLabels(predictions, [{ ...day, confidence: 0.5 }], { update: false });
      expect((await store.scenes.labels(predictions, scene?.id ?? ""))[0]?.id).toMatch(/^pred_/);
    });

    it("tracks: stored and named by labels, metadata merged or overwritten, deletion unlinks labels", async () => {
      const { store } = fixture;
      const dataset = await lidarDataset(store);
      const target = { kind: "annotations" as const, datasetId: dataset };
      await store.labels.upsert(
        target,
        [
          box("s1/cam/0", { annotation_id: "a0", track_reference_id: "car-1" }),
          box("s1/cam/1", { annotation_id: "a1", track_reference_id: "car-1" }),
          box("s1/cam/1", { annotation_id: "a2", track_reference_id: "bike" }),
        ],
        { update: false },
      );
      await store.scenes.upsertTracks(dataset, [{ referenceId: "car-1", metadata: { color: "red" } }], {
        overwrite: false,
      });
      await store.scenes.upsertTracks(dataset, [{ referenceId: "car-1", metadata: { size: 2 } }], {
        overwrite: false,
      });
      expect((await store.scenes.tracks(dataset)).map((t) => [t.referenceId, t.metadata])).toEqual([
        ["car-1", { color: "red", size: 2 }],
        ["bike", {}],
      ]);
      await store.scenes.upsertTracks(dataset, [{ referenceId: "car-1", metadata: { size: 3 } }], {
        overwrite: true,
      });
      expect((await store.scenes.tracks(dataset))[0]?.metadata).toEqual({ size: 3 });
      expect(await store.scenes.deleteTracks(dataset, ["car-1", "bike", "ghost"])).toBe(2);
      expect(await store.scenes.tracks(dataset)).toEqual([]);
      const item = await store.items.find(dataset, { referenceId: "s1/cam/1" });
      const labels = await store.labels.list(target, [item?.id ?? ""]);
      expect(labels.map((l) => (l.payload as { track_reference_id?: unknown }).track_reference_id)).toEqual([
        null,
        null,
      ]);
    });
  });
}

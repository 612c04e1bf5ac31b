/**
 * @nucleus/core end to end for scenes and tracks: lidar scenes with camera parameters, video
 * scenes from a URL and from frames, synchronous and through a job, scene metadata, scene
 * categories, tracks across frames and scene queries; against the real local server on SQLite
 * and on PostgreSQL.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, type Dataset, type LidarScene, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-scenes-"));
let server: RunningNucleusServer;
let client: NucleusClient;

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const camera = {
  position: { x: 0, y: 0, z: 1.5 },
  heading: { x: 0, y: 0, z: 0, w: 1 },
  fx: 1000,
  fy: 1000,
  cx: 960,
  cy: 540,
};

function drive(ref: string, frames: number, metadata: Record<string, string | number> = {}): LidarScene {
  return {
    referenceId: ref,
    metadata,
    frames: Array.from({ length: frames }, (_, i) => ({
      lidar: {
        url: `s3://bucket/${ref}/${i}.json`,
        type: "pointcloud" as const,
        referenceId: `${ref}/lidar/${i}`,
      },
      front: {
        url: `s3://bucket/${ref}/${i}.jpg`,
        type: "image" as const,
        referenceId: `${ref}/front/${i}`,
        cameraParams: camera,
      },
    })),
  };
}

describe.each(serverBackends())("on $name", (backend) => {
  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["scenes-key"],
      port: 0,
      ...backend.options(),
    });
    client = new NucleusClient({ apiKey: "scenes-key", endpoint: server.url });
  });
  afterAll(async () => {
    await server.close();
  });

  const sceneDataset = (): Promise<Dataset> =>
    client.createDataset(`scenes-${Math.random().toString(36).slice(2)}`, { isScene: true });

  it("uploads lidar scenes, lists them and reads one back with its frames and camera parameters", async () => {
    const dataset = await sceneDataset();
    const result = await dataset.uploadScenes([drive("d1", 2, { city: "sf" }), drive("d2", 3)]);
    expect(result).toMatchObject({ newScenes: 2, newItems: 10, ignoredScenes: 0 });
    expect(
      (await dataset.scenes()).map(({ referenceId, type, frameCount }) => [referenceId, type, frameCount]),
    ).toEqual([
      ["d1", "lidar", 2],
      ["d2", "lidar", 3],
    ]);
    const scene = await dataset.scene("d1");
    expect(scene.id).toMatch(/^scn_/);
    expect(scene.lidarFrames).toHaveLength(2);
    expect(scene.lidarFrames?.[1]?.lidar).toMatchObject({ type: "pointcloud", url: "s3://bucket/d1/1.json" });
    expect(scene.lidarFrames?.[0]?.front?.cameraParams).toEqual(camera);
    expect((await dataset.scene("d2/front/2", { fromItem: true })).referenceId).toBe("d2");

    expect(await dataset.uploadScenes([drive("d1", 2)])).toMatchObject({ ignoredScenes: 1, newItems: 0 });
    await dataset.uploadScenes([drive("d1", 2, { city: "oakland" })], { update: true });
    expect(await dataset.updateSceneMetadata({ d1: { weather: "rain" }, nope: {} })).toEqual(["nope"]);
    expect((await dataset.scene("d1")).metadata).toEqual({ city: "oakland", weather: "rain" });

    expect(await dataset.deleteScene("d2")).toBe(6);
    expect((await dataset.scenes()).map((s) => s.referenceId)).toEqual(["d1"]);
    expect(await dataset.size()).toBe(4);
  });

  it("refuses bad scenes with the field named, writing nothing", async () => {
    const dataset = await sceneDataset();
    const bad = drive("bad", 2);
    const second = bad.frames[1] as Record<string, { referenceId: string }>;
    (second.front as { referenceId: string }).referenceId = "bad/front/0";
    const error = await dataset.uploadScenes([drive("ok", 1), bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toMatch(/scenes\[1\]\.frames\[1\]\.front\.reference_id/);
    expect(await dataset.scenes()).toEqual([]);
    expect(await dataset.size()).toBe(0);
    const items = await client.createDataset("not scenes");
    await expect(items.uploadScenes([drive("x", 1)])).rejects.toThrow(/not a scene dataset/);
  });

  it("uploads video scenes through a job, from a URL and from frames", async () => {
    const dataset = await sceneDataset();
    const job = await dataset.uploadVideoScenes(
      [
        { referenceId: "clip_url", videoUrl: "s3://bucket/clip.mp4", metadata: { camera: "dash" } },
        {
          referenceId: "clip_frames",
          frameRate: 10,
          frames: [0, 1, 2].map((i) => ({
            url: `s3://bucket/c/${i}.jpg`,
            type: "image" as const,
            referenceId: `c/${i}`,
          })),
        },
      ],
      { asynchronous: true },
    );
    const done = await job.waitUntilDone({ pollInterval: 50 });
    expect(done.status).toBe("Completed");
    expect(await dataset.scene("clip_url")).toMatchObject({
      type: "video",
      videoUrl: "s3://bucket/clip.mp4",
    });
    const frames = await dataset.scene("clip_frames");
    expect(frames.frameRate).toBe(10);
    expect(frames.videoFrames?.map((f) => f.referenceId)).toEqual(["c/0", "c/1", "c/2"]);
    const failing = await dataset.uploadVideoScenes([{ referenceId: "broken", videoUrl: "https://" }], {
      asynchronous: true,
    });
    await expect(failing.waitUntilDone({ pollInterval: 50 })).rejects.toThrow(/video_url/);
  });

  it("keeps scene categories with their scene and follows tracks across frames", async () => {
    const dataset = await sceneDataset();
    await dataset.uploadScenes([drive("d", 3)]);
    await dataset.addTaxonomy("road", "category", ["highway", "city"]);
    const boxes = [0, 1, 2].map((i) => ({
      type: "box" as const,
      label: "car",
      referenceId: `d/front/${i}`,
      annotationId: `car-${i}`,
      geometry: { x: 10 * i, y: 5, width: 40, height: 20 },
      trackReferenceId: "car-1",
    }));
    const uploaded = await dataset.annotate([
      ...boxes,
      { type: "category", label: "highway", referenceId: "d", taxonomyName: "road" },
    ]);
    expect(uploaded).toMatchObject({ processed: 4, ignored: 0 });
    await dataset.updateTrack("car-1", { color: "red" });
    await dataset.updateTrack("car-1", { make: "volvo" });
    const scene = await dataset.scene("d");
    expect(scene.annotations).toMatchObject([{ type: "category", label: "highway", reference_id: "d" }]);
    expect(scene.tracks).toEqual([
      { referenceId: "car-1", datasetId: dataset.id, metadata: { color: "red", make: "volvo" } },
    ]);
    expect(await dataset.deleteTracks(["car-1"])).toBe(1);
    expect(await dataset.tracks()).toEqual([]);
    const frame = await dataset.refloc("d/front/1");
    expect(frame.annotations.box?.[0]?.trackReferenceId ?? null).toBeNull();
  });

  it("judges a scenario test per scene and per track with uploaded results", async () => {
    const dataset = await sceneDataset();
    await dataset.uploadScenes([drive("rainy", 2), drive("sunny", 2)]);
    await dataset.annotate(
      ["rainy/front/0", "rainy/front/1", "sunny/front/0"].map((referenceId, i) => ({
        type: "box" as const,
        label: "car",
        referenceId,
        annotationId: `car-${i}`,
        geometry: { x: 10 * i, y: 5, width: 40, height: 20 },
        trackReferenceId: referenceId.startsWith("rainy") ? "car-r" : "car-s",
      })),
    );
    const model = await client.addModel({ name: "tracker", referenceId: `tracker-${dataset.id}` });
    const slice = await dataset.createSlice("rainy frames", [
      "rainy/lidar/0",
      "rainy/front/0",
      "rainy/front/1",
    ]);
    await client.validate.createExternalFunction("scene_recall", { level: "scene" });
    await client.validate.createExternalFunction("track_purity", { level: "track" });
    const test = await client.validate.createScenarioTest({
      name: `rain ${dataset.id}`,
      slice: slice.id,
      functions: ["scene_recall", "track_purity"],
    });
    expect((await test.scenes()).map((scene) => scene.referenceId)).toEqual(["rainy"]);
    expect((await test.tracks()).map((track) => track.referenceId)).toEqual(["car-r"]);
    await test.setThreshold("track_purity", 0.5);
    const scene = await test.uploadResults("scene_recall", [{ referenceId: "rainy", score: 0.8 }], model.id, {
      level: "scene",
    });
    expect(scene.result).toBeCloseTo(0.8, 12);
    const track = await test.uploadResults("track_purity", [{ referenceId: "car-r", score: 0.3 }], model.id, {
      level: "track",
    });
    expect(track.pass).toBe(false);
    const trackEvaluation = (await test.history()).at(-1);
    expect(await test.itemResults(trackEvaluation?.id as string)).toEqual([
      expect.objectContaining({
        level: "track",
        trackReferenceId: "car-r",
        datasetItemId: null,
        pass: false,
      }),
    ]);
    // A result for the other scene, or per item for a scene function, is refused and nothing is kept.
    await expect(
      test.uploadResults("scene_recall", [{ referenceId: "sunny", score: 1 }], model.id, { level: "scene" }),
    ).rejects.toThrow(/"sunny" name no scene of slice/);
    await expect(
      test.uploadResults("scene_recall", [{ referenceId: "rainy/front/0", score: 1 }], model.id),
    ).rejects.toThrow(/level: scene_recall takes results per scene/);
    expect(await test.history()).toHaveLength(2);
  });

  it("uploads local point clouds, images and videos as files, served back byte for byte", async () => {
    const dataset = await sceneDataset();
    const folder = join(scratch, `local-${backend.name}`);
    mkdirSync(folder, { recursive: true });
    const cloud = join(folder, "sweep 0.json");
    const image = join(folder, "front-0.jpg");
    const video = join(folder, "clip.mp4");
    writeFileSync(cloud, JSON.stringify({ points: [{ x: 1, y: 2, z: 3 }] }));
    writeFileSync(image, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    writeFileSync(video, Buffer.from("not really an mp4, but bytes all the same"));
    const result = await dataset.uploadScenes([
      {
        referenceId: "local",
        frames: [
          {
            lidar: { url: cloud, type: "pointcloud", referenceId: "local-lidar-0" },
            front: { url: image, type: "image", referenceId: "local-front-0", cameraParams: camera },
          },
        ],
      },
    ]);
    expect(result).toMatchObject({ newScenes: 1, newItems: 2 });
    await dataset.uploadVideoScenes([{ referenceId: "local clip", videoUrl: video }]);
    const fetchBytes = async (url: string) => {
      const response = await fetch(url, {
        headers: { authorization: `Basic ${Buffer.from("scenes-key:").toString("base64")}` },
      });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };
    const scene = await dataset.scene("local");
    const frame = scene.lidarFrames?.[0];
    expect(frame?.lidar?.url).not.toBe(cloud);
    expect(await fetchBytes(frame?.lidar?.url as string)).toEqual(readFileSync(cloud));
    expect(await fetchBytes(frame?.front?.url as string)).toEqual(readFileSync(image));
    const clip = await dataset.scene("local clip");
    expect(await fetchBytes(clip.videoUrl as string)).toEqual(readFileSync(video));
    await expect(
      dataset.uploadVideoScenes([{ referenceId: "async local", videoUrl: video }], { asynchronous: true }),
    ).rejects.toThrow(/scenes\[0\]\.video_url must be a remote URL/);
  });

  it("queries scenes by reference id, metadata and frame count", async () => {
    const dataset = await sceneDataset();
    await dataset.uploadScenes([
      drive("a", 1, { weather: "rain" }),
      drive("b", 4, { weather: "sun" }),
      drive("c", 2, { weather: "rain" }),
    ]);
    const refs = async (query: string, pageSize?: number) =>
      (await dataset.queryScenes(query, pageSize ? { pageSize } : {}).toArray({ limit: 100 })).map(
        (s) => s.referenceId,
      );
    expect(await refs('scene.metadata.weather = "rain"')).toEqual(["a", "c"]);
    expect(await refs("scene.frame_count > 1 AND NOT scene.reference_id = 'c'")).toEqual(["b"]);
    expect(await refs("", 1)).toEqual(["a", "b", "c"]);
    await expect(refs("scene.frame_count >")).rejects.toThrow(/query: at/);
  });
});

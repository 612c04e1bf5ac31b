import assert from "node:assert/strict";
import type { LidarScene } from "@nucleus/core";
import { type Example, uniqueName } from "./support.js";

// #region guide: payload
/** A front camera: where it sits on the car, where it looks, and its intrinsics. */
const FRONT_CAMERA = {
  position: { x: 1.2, y: 0, z: 1.6 },
  heading: { x: 0.5, y: -0.5, z: 0.5, w: -0.5 },
  fx: 1266.4,
  fy: 1266.4,
  cx: 816.3,
  cy: 491.5,
};

/** A drive of `frames` lidar sweeps, each with the front camera's image at the same instant. */
function drive(referenceId: string, frames: number, weather: string): LidarScene {
  return {
    referenceId,
    metadata: { weather, city: "pittsburgh" },
    frames: Array.from({ length: frames }, (_, i) => ({
      lidar: {
        url: `s3://drives/${referenceId}/lidar/${i}.json`,
        type: "pointcloud" as const,
        referenceId: `${referenceId}-lidar-${i}`,
      },
      front: {
        url: `s3://drives/${referenceId}/front/${i}.jpg`,
        type: "image" as const,
        referenceId: `${referenceId}-front-${i}`,
        cameraParams: FRONT_CAMERA,
      },
    })),
  };
}
// #endregion

/**
 * The "Scenes and video" guide, whose code blocks are the regions marked `guide:` below: lidar
 * scenes with camera parameters, video scenes from a URL and from frames, cuboids tracked across
 * frames, a scene category, scene queries, and deletion.
 */
export const scenesAndVideo: Example = {
  name: "scenes and video",
  async run({ client, log }) {
    const name = uniqueName("drives");
    // #region guide: create
    const dataset = await client.createDataset(name, { isScene: true });
    const drives = [drive("drive_001", 3, "rain"), drive("drive_002", 5, "clear")];
    const uploaded = await dataset.uploadScenes(drives);
    // #endregion
    assert.equal(uploaded.newScenes, 2);
    assert.equal(uploaded.newItems, 16);
    log(`uploaded ${uploaded.newScenes} drives with ${uploaded.newItems} frame items`);

    // #region guide: read
    const scene = await dataset.scene("drive_001");
    const clouds = (scene.lidarFrames ?? []).map((frame) => frame.lidar?.url);
    const focalLength = scene.lidarFrames?.[0]?.front?.cameraParams?.fx;
    const same = await dataset.scene("drive_001-front-2", { fromItem: true });
    // #endregion
    assert.deepEqual(
      clouds,
      [0, 1, 2].map((i) => `s3://drives/drive_001/lidar/${i}.json`),
    );
    assert.equal(focalLength, 1266.4);
    assert.deepEqual(scene.lidarFrames?.[0]?.front?.cameraParams, FRONT_CAMERA);
    assert.equal(same.id, scene.id);

    // #region guide: video
    const job = await dataset.uploadVideoScenes(
      [
        { referenceId: "dashcam_017", videoUrl: "s3://drives/dashcam_017.mp4", metadata: { weather: "fog" } },
        {
          referenceId: "dashcam_018",
          frameRate: 10,
          frames: [0, 1, 2, 3].map((i) => ({
            url: `s3://drives/dashcam_018/${i}.jpg`,
            type: "image" as const,
            referenceId: `dashcam_018-${i}`,
          })),
          metadata: { weather: "rain" },
        },
      ],
      { asynchronous: true },
    );
    const status = await job.waitUntilDone();
    // #endregion
    assert.equal(status.status, "Completed");
    assert.equal((await dataset.scene("dashcam_018")).videoFrames?.length, 4);

    // #region guide: tracks
    await dataset.addTaxonomy("road type", "category", ["highway", "urban"]);
    await dataset.annotate([
      ...[0, 1, 2].map((i) => ({
        type: "cuboid" as const,
        label: "car",
        referenceId: `drive_001-lidar-${i}`,
        annotationId: `car-7-${i}`,
        geometry: {
          position: { x: 12 - 2 * i, y: 3.5, z: 0.8 },
          dimensions: { x: 4.5, y: 1.9, z: 1.6 },
          yaw: 0.05,
        },
        trackReferenceId: "car-7",
      })),
      { type: "category" as const, label: "urban", referenceId: "drive_001", taxonomyName: "road type" },
    ]);
    await dataset.updateTrack("car-7", { make: "sedan", occluded: false });
    const tracked = await dataset.scene("drive_001");
    // #endregion
    assert.deepEqual(
      tracked.tracks.map((t) => [t.referenceId, t.metadata]),
      [["car-7", { make: "sedan", occluded: false }]],
    );
    assert.equal(tracked.annotations[0]?.label, "urban");

    // #region guide: query
    const rainy = await dataset
      .queryScenes('scene.metadata.weather = "rain" AND scene.frame_count >= 3')
      .toArray({ limit: 100 });
    // #endregion
    assert.deepEqual(
      rainy.map((s) => s.referenceId),
      ["drive_001", "dashcam_018"],
    );

    // #region guide: delete
    await dataset.updateSceneMetadata({ drive_002: { reviewed: true } });
    const removed = await dataset.deleteScene("drive_002");
    await dataset.deleteTracks(["car-7"]);
    // #endregion
    assert.equal(removed, 10);
    assert.deepEqual(
      (await dataset.scenes()).map((s) => s.referenceId),
      ["drive_001", "dashcam_017", "dashcam_018"],
    );
    assert.deepEqual(await dataset.tracks(), []);
    log("queried, tracked and deleted scenes");
  },
};

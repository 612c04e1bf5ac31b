/**
 * A scene as the scene page shows it: its frames in order (for a lidar scene, the camera image of
 * each frame and its point cloud with the cuboids on it), each frame's labels, and which tracks
 * appear in which frames.
 */
import type { NucleusClient, Scene, SceneFrameItemRecord } from "@nucleus/core";
import { type Cuboid, cuboidsOf, type StoredCuboidLike } from "../labels/bev.js";
import { type LabelGroupsLike, type Shape, shapesOf } from "../labels/shapes.js";

/** A lidar frame's point cloud item and the cuboids labelled on it. */
export interface CloudFrame {
  itemId: string;
  referenceId: string;
  url: string;
  cuboids: Cuboid[];
}

/**
 * One frame: its item (the camera image; for a lidar frame without one, the point cloud) and the
 * labels drawn on it, each with the track it follows (if any).
 */
export interface Frame {
  index: number;
  itemId: string;
  referenceId: string;
  url: string;
  /** False when the frame has no camera image (its item is the point cloud). */
  image: boolean;
  width?: number;
  height?: number;
  shapes: Shape[];
  /** The point cloud of a lidar frame. */
  cloud?: CloudFrame;
  /** Track reference id by shape or cuboid key. */
  trackOf: Map<string, string>;
}

/** A scene with its frames loaded. */
export interface LoadedScene {
  scene: Scene;
  frames: Frame[];
  /** Frame indexes where each track appears. */
  framesOfTrack: Map<string, number[]>;
}

/** Frames whose labels are read at once. */
const CONCURRENCY = 6;

/** The items of each frame: the video frame, or the first camera and the point cloud of a lidar frame. */
function frameItems(scene: Scene): { camera?: SceneFrameItemRecord; cloud?: SceneFrameItemRecord }[] {
  if (scene.videoFrames) return scene.videoFrames.map((camera) => ({ camera }));
  return (scene.lidarFrames ?? []).flatMap((frame) => {
    const items = Object.keys(frame)
      .sort()
      .map((sensor) => frame[sensor]);
    const camera = items.find((item) => item?.type === "image");
    const cloud = items.find((item) => item?.type === "pointcloud");
    return camera || cloud ? [{ ...(camera ? { camera } : {}), ...(cloud ? { cloud } : {}) }] : [];
  });
}

/** Each label's track, by the label's id. */
function tracksOf(groups: LabelGroupsLike, into: Map<string, string>): void {
  for (const list of Object.values(groups)) {
    for (const label of Array.isArray(list) ? list : list ? [list] : []) {
      const track = (label as { trackReferenceId?: string | null }).trackReferenceId;
      if (track && label.id) into.set(label.id, track);
    }
  }
}

/** Reads a scene and the labels of its frames. */
export async function loadScene(
  client: NucleusClient,
  datasetId: string,
  referenceId: string,
): Promise<LoadedScene> {
  const dataset = client.getDataset(datasetId);
  const scene = await dataset.scene(referenceId);
  const items = frameItems(scene);
  const frames: Frame[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const { camera, cloud } = items[index] ?? {};
      const item = camera ?? cloud;
      if (!item) continue;
      const trackOf = new Map<string, string>();
      const [image, lidar] = await Promise.all([camera, cloud].map((i) => i && dataset.loc(i.id)));
      const groups = (image?.annotations ?? {}) as LabelGroupsLike;
      tracksOf(groups, trackOf);
      let cloudFrame: CloudFrame | undefined;
      if (cloud && lidar) {
        const cuboids = cuboidsOf((lidar.annotations as { cuboid?: StoredCuboidLike[] }).cuboid);
        for (const c of cuboids) if (c.track) trackOf.set(c.key, c.track);
        cloudFrame = { itemId: cloud.id, referenceId: cloud.referenceId, url: cloud.url, cuboids };
      }
      frames[index] = {
        index,
        itemId: item.id,
        referenceId: item.referenceId,
        url: item.url,
        image: Boolean(camera),
        ...(camera?.width ? { width: camera.width } : {}),
        ...(camera?.height ? { height: camera.height } : {}),
        shapes: camera ? shapesOf(groups, "gt") : [],
        ...(cloudFrame ? { cloud: cloudFrame } : {}),
        trackOf,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  const framesOfTrack = new Map<string, number[]>();
  for (const track of scene.tracks) framesOfTrack.set(track.referenceId, []);
  for (const frame of frames)
    for (const track of new Set(frame.trackOf.values())) {
      const list = framesOfTrack.get(track) ?? [];
      list.push(frame.index);
      framesOfTrack.set(track, list);
    }
  return { scene, frames, framesOfTrack };
}

/**
 * A scene as the scene page shows it: its frames in order (for a lidar scene, the camera image of
 * each frame), each frame's labels, and which tracks appear in which frames.
 */
import type { NucleusClient, Scene } from "@nucleus/core";
import { type LabelGroupsLike, type Shape, shapesOf } from "../labels/shapes.js";

/** One frame: its item and the labels drawn on it, each with the track it follows (if any). */
export interface Frame {
  index: number;
  itemId: string;
  referenceId: string;
  url: string;
  width?: number;
  height?: number;
  shapes: Shape[];
  /** Track reference id by shape key. */
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

/** The image item of each frame: the video frame, or the first camera of a lidar frame. */
function frameItems(scene: Scene) {
  if (scene.videoFrames) return scene.videoFrames;
  return (scene.lidarFrames ?? []).flatMap((frame) => {
    const camera = Object.keys(frame)
      .sort()
      .map((sensor) => frame[sensor])
      .find((item) => item?.type === "image");
    return camera ? [camera] : [];
  });
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
      const item = items[index];
      if (!item) continue;
      const { annotations } = await dataset.loc(item.id);
      const groups = annotations as LabelGroupsLike;
      const shapes = shapesOf(groups, "gt");
      const trackOf = new Map<string, string>();
      for (const list of Object.values(groups)) {
        for (const label of Array.isArray(list) ? list : list ? [list] : []) {
          const track = (label as { trackReferenceId?: string | null }).trackReferenceId;
          if (track && label.id) trackOf.set(label.id, track);
        }
      }
      frames[index] = {
        index,
        itemId: item.id,
        referenceId: item.referenceId,
        url: item.url,
        ...(item.width ? { width: item.width } : {}),
        ...(item.height ? { height: item.height } : {}),
        shapes,
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

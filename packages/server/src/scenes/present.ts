/** Scenes and tracks as clients read them. */
import type { JsonObject } from "@nucleus/schemas";
import type { MediaUrl } from "../presenters/media.js";
import type { SceneFrameItem, SceneRecord, TrackRecord } from "../store/index.js";

/** A frame item: its location under `url` and under the key of its type, the reference id, metadata, camera. */
export function frameItemWire(frame: SceneFrameItem, mediaUrl: MediaUrl): JsonObject {
  const { item } = frame;
  const url = item.mediaKey ? mediaUrl(item.mediaKey) : item.imageUrl;
  const wire: JsonObject = {
    id: item.id,
    reference_id: item.referenceId,
    type: frame.type,
    url,
    [frame.type === "pointcloud" ? "pointcloud_url" : "image_url"]: url,
    metadata: item.metadata,
  };
  const camera = item.metadata.camera_params;
  if (camera !== undefined) wire.camera_params = camera;
  if (item.width !== null) wire.width = item.width;
  if (item.height !== null) wire.height = item.height;
  return wire;
}

/** A track as the protocol lists it. */
export function trackWire(track: TrackRecord): {
  reference_id: string;
  dataset_id: string;
  metadata: JsonObject;
} {
  return { reference_id: track.referenceId, dataset_id: track.datasetId, metadata: track.metadata };
}

/** A scene in a listing: id, reference id, kind, metadata, frame count. */
export function sceneEntryWire(scene: SceneRecord) {
  return {
    id: scene.id,
    reference_id: scene.referenceId,
    type: scene.kind,
    metadata: scene.metadata,
    frame_count: scene.frameCount,
  };
}

/**
 * A scene with its frames: a lidar scene's frames map sensor names to items; a video scene's
 * frames list its images (with `frame_rate`), or it has its `video_url`. The official client
 * reads a scene with `frame_rate` or `video_url` as a video scene, so lidar scenes carry neither.
 */
export function sceneWire(
  scene: SceneRecord,
  frames: readonly SceneFrameItem[],
  mediaUrl: MediaUrl,
  extra: { tracks: readonly TrackRecord[]; annotations: readonly JsonObject[] },
) {
  const wire: JsonObject = {
    ...sceneEntryWire(scene),
    tracks: extra.tracks.map(trackWire),
    annotations: [...extra.annotations],
  };
  if (scene.kind === "lidar") {
    const byFrame: JsonObject[] = [];
    for (const frame of frames) {
      const sensors = byFrame[frame.frame] ?? {};
      sensors[frame.sensor ?? ""] = frameItemWire(frame, mediaUrl);
      byFrame[frame.frame] = sensors;
    }
    wire.frames = byFrame;
  } else {
    if (frames.length > 0) {
      wire.frames = frames.map((frame) => frameItemWire(frame, mediaUrl));
      wire.frame_rate = scene.frameRate;
    }
    if (scene.videoUrl !== null)
      wire.video_url = scene.videoMediaKey ? mediaUrl(scene.videoMediaKey) : scene.videoUrl;
  }
  return wire as ReturnType<typeof sceneEntryWire> & JsonObject;
}

/**
 * Scenes (lidar scenes of sensor frames, video scenes of a video or of image frames) and tracks
 * of a dataset; `Dataset` methods delegate here.
 */
import {
  type CameraParams,
  type JsonObject,
  type LidarScene,
  routes,
  type SceneListResponse,
  type SceneResponse,
  type Track,
  type VideoScene,
} from "@nucleus/schemas";
import { ValidationError } from "../errors.js";
import type { Api } from "../internal/api.js";
import { isRemote } from "../internal/files.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";
import { Job } from "./job.js";

export type { LidarScene, Track, VideoScene };

/**
 * Options of {@link Dataset.uploadScenes} and {@link Dataset.uploadVideoScenes}.
 *
 * @example
 * ```ts
 * import type { SceneUploadOptions } from "@nucleus/core";
 *
 * const options: SceneUploadOptions = { update: true, asynchronous: true };
 * ```
 */
export interface SceneUploadOptions extends CallOptions {
  /** Replace the metadata of scenes already there (their frames never change). */
  update?: boolean;
  /** Upload through a signed URL and a server job (as the official client always does); remote locations only. */
  asynchronous?: boolean;
  /**
   * The contents of local files, by the location a frame's `url` or a scene's `videoUrl` gives.
   * Read instead of the file system; in a browser, the way to upload a `File`.
   */
  files?: ReadonlyMap<string, Blob> | Readonly<Record<string, Blob>>;
}

/** What a synchronous scene upload did. */
export interface SceneUploadResult {
  datasetId: string;
  newScenes: number;
  updatedScenes: number;
  ignoredScenes: number;
  newItems: number;
  ignoredItems: number;
}

/** A scene in the dataset's list. */
export type SceneSummary = SceneListResponse["scenes"][number];

/** An item of a scene frame as the server returns it: its location under `url`, its type and camera. */
export interface SceneFrameItemRecord {
  id: string;
  referenceId: string;
  type: "image" | "pointcloud";
  url: string;
  metadata: JsonObject;
  cameraParams?: CameraParams;
  width?: number;
  height?: number;
}

/**
 * A scene with its frames: `lidarFrames` (sensor name to item, per frame) for a lidar scene,
 * `videoFrames` (and `frameRate`) or `videoUrl` for a video scene; the tracks its frames' labels
 * follow and its scene-level categories.
 */
export interface Scene {
  id: string;
  referenceId: string;
  type: "lidar" | "video";
  metadata: JsonObject;
  frameCount: number;
  lidarFrames?: Record<string, SceneFrameItemRecord>[];
  videoFrames?: SceneFrameItemRecord[];
  frameRate?: number;
  videoUrl?: string;
  tracks: Track[];
  annotations: JsonObject[];
}

/**
 * Options of {@link Dataset.scene}.
 *
 * @example
 * ```ts
 * import type { SceneLookupOptions } from "@nucleus/core";
 *
 * const options: SceneLookupOptions = { fromItem: true };
 * ```
 */
export interface SceneLookupOptions extends CallOptions {
  /** The reference id names one of the scene's frame items. */
  fromItem?: boolean;
}

/**
 * Options of {@link Dataset.queryScenes}.
 *
 * @example
 * ```ts
 * import type { SceneQueryOptions } from "@nucleus/core";
 *
 * const options: SceneQueryOptions = { pageSize: 50 };
 * ```
 */
export interface SceneQueryOptions extends CallOptions {
  /** Scenes per request. Default 100. */
  pageSize?: number;
}

type FrameWire = {
  id: string;
  reference_id: string;
  type: "image" | "pointcloud";
  url: string;
  metadata?: JsonObject;
  camera_params?: JsonObject;
  width?: number;
  height?: number;
};

function frameItem(wire: FrameWire): SceneFrameItemRecord {
  const item: SceneFrameItemRecord = {
    id: wire.id,
    referenceId: wire.reference_id,
    type: wire.type,
    url: wire.url,
    metadata: wire.metadata ?? {},
  };
  const camera = wire.camera_params;
  if (camera) {
    const { camera_model: cameraModel, ...rest } = camera as JsonObject & { camera_model?: string };
    item.cameraParams = { ...(rest as object), ...(cameraModel ? { cameraModel } : {}) } as CameraParams;
  }
  if (wire.width !== undefined) item.width = wire.width;
  if (wire.height !== undefined) item.height = wire.height;
  return item;
}

/** A scene from the server's response, frames typed by the scene's kind. */
function sceneOf(response: SceneResponse): Scene {
  const scene: Scene = {
    id: response.id,
    referenceId: response.referenceId,
    type: response.type === "video" ? "video" : "lidar",
    metadata: (response.metadata ?? {}) as JsonObject,
    frameCount: Number(response.frameCount ?? 0),
    tracks: response.tracks ?? [],
    annotations: (response.annotations ?? []) as JsonObject[],
  };
  const frames = response.frames ?? [];
  if (scene.type === "lidar") {
    scene.lidarFrames = (frames as Record<string, FrameWire>[]).map((frame) =>
      Object.fromEntries(Object.entries(frame).map(([sensor, item]) => [sensor, frameItem(item)])),
    );
  } else if (frames.length > 0) scene.videoFrames = (frames as FrameWire[]).map(frameItem);
  if (typeof response.frameRate === "number") scene.frameRate = response.frameRate;
  if (typeof response.videoUrl === "string") scene.videoUrl = response.videoUrl;
  return scene;
}

/** Every local location of the scenes (frame urls, video urls), once each, with where it is given. */
function localLocations(scenes: readonly (LidarScene | VideoScene)[]): { location: string; path: string }[] {
  const found = new Map<string, string>();
  scenes.forEach((scene, i) => {
    const add = (location: string | undefined, path: string) => {
      if (location !== undefined && !isRemote(location) && !found.has(location)) found.set(location, path);
    };
    if ("videoUrl" in scene) add(scene.videoUrl, `scenes[${i}].video_url`);
    (scene.frames ?? []).forEach((frame: object, f: number) => {
      if ("url" in frame && typeof frame.url === "string") add(frame.url, `scenes[${i}].frames[${f}].url`);
      else
        for (const [sensor, item] of Object.entries(frame as Record<string, { url: string }>))
          add(item.url, `scenes[${i}].frames[${f}].${sensor}.url`);
    });
  });
  return [...found].map(([location, path]) => ({ location, path }));
}

/** @internal */
export async function uploadScenes(
  api: Api,
  datasetId: string,
  kind: "lidar" | "video",
  scenes: readonly (LidarScene | VideoScene)[],
  options: SceneUploadOptions,
): Promise<SceneUploadResult | Job> {
  const update = options.update ?? false;
  const local = localLocations(scenes);
  if (options.asynchronous && local.length > 0) {
    throw new ValidationError(
      local.map(({ location, path }) => ({
        path: path.split(/[.[\]]+/).filter(Boolean),
        message: "must be a remote URL (http, https, s3 or gs) for an asynchronous upload",
        received: location,
        text: `${path} must be a remote URL (http, https, s3 or gs) for an asynchronous upload, got ${JSON.stringify(location)}`,
      })),
    );
  }
  if (options.asynchronous) {
    const codec = kind === "lidar" ? routes.uploadScenes.body : routes.uploadVideoScenes.body;
    // Each scene is checked and encoded as the synchronous route would; one line per scene.
    const lines = scenes.map((scene) => {
      const wire = codec.encode({ scenes: [scene as never], update }) as { scenes: unknown[] };
      return JSON.stringify(wire.scenes[0]);
    });
    const requestId = globalThis.crypto.randomUUID().replaceAll("-", "");
    const { signedUrl } = await api.call(routes.signedUrl, { params: { datasetId, requestId } }, options);
    await api.transport.putSigned(signedUrl, lines.join("\n"), options.signal, options.maxRetries);
    const route = kind === "lidar" ? routes.uploadScenesAsync : routes.uploadVideoScenesAsync;
    const job = await api.call(route, { params: { datasetId }, body: { requestId, update } }, options);
    return new Job(api, job.jobId, job);
  }
  if (local.length > 0) return uploadLocal(api, datasetId, kind, scenes, local, update, options);
  const response =
    kind === "lidar"
      ? await api.call(
          routes.uploadScenes,
          { params: { datasetId }, body: { scenes: [...(scenes as LidarScene[])], update } },
          options,
        )
      : await api.call(
          routes.uploadVideoScenes,
          { params: { datasetId }, body: { scenes: [...(scenes as VideoScene[])], update } },
          options,
        );
  return {
    datasetId: response.datasetId,
    newScenes: response.newScenes ?? 0,
    updatedScenes: response.updatedScenes ?? 0,
    ignoredScenes: response.ignoredScenes ?? 0,
    newItems: response.newItems,
    ignoredItems: response.ignoredItems,
  };
}

/** A multipart upload: the scenes as the `scenes` part, each local file as a `file` part named by its location. */
async function uploadLocal(
  api: Api,
  datasetId: string,
  kind: "lidar" | "video",
  scenes: readonly (LidarScene | VideoScene)[],
  local: readonly { location: string }[],
  update: boolean,
  options: SceneUploadOptions,
): Promise<SceneUploadResult> {
  const route = kind === "lidar" ? routes.uploadScenes : routes.uploadVideoScenes;
  const wire = route.body.encode({ scenes: scenes as never[], update });
  const given = options.files;
  const read = (location: string): Promise<Blob> => {
    const blob =
      given instanceof Map ? given.get(location) : (given as Record<string, Blob> | undefined)?.[location];
    return blob ? Promise.resolve(blob) : api.platform.readFile(location);
  };
  const form = async () => {
    const body = new FormData();
    body.append("scenes", new Blob([JSON.stringify(wire)], { type: "application/json" }));
    for (const { location } of local) body.append("file", await read(location), encodeURIComponent(location));
    return body;
  };
  const response =
    kind === "lidar"
      ? await api.call(routes.uploadScenes, { params: { datasetId }, form }, options)
      : await api.call(routes.uploadVideoScenes, { params: { datasetId }, form }, options);
  return {
    datasetId: response.datasetId,
    newScenes: response.newScenes ?? 0,
    updatedScenes: response.updatedScenes ?? 0,
    ignoredScenes: response.ignoredScenes ?? 0,
    newItems: response.newItems,
    ignoredItems: response.ignoredItems,
  };
}

/** @internal */
export async function listScenes(api: Api, datasetId: string, options: CallOptions): Promise<SceneSummary[]> {
  return (await api.call(routes.listScenes, { params: { datasetId } }, options)).scenes;
}

/** @internal */
export async function getScene(
  api: Api,
  datasetId: string,
  referenceId: string,
  options: SceneLookupOptions,
): Promise<Scene> {
  const query = options.fromItem ? { fromItem: "1" } : {};
  return sceneOf(await api.call(routes.getScene, { params: { datasetId, referenceId }, query }, options));
}

/** @internal */
export async function deleteScene(
  api: Api,
  datasetId: string,
  referenceId: string,
  options: CallOptions,
): Promise<number> {
  return (await api.call(routes.deleteScene, { params: { datasetId, referenceId }, body: {} }, options))
    .deletedItems;
}

/** @internal */
export async function updateSceneMetadata(
  api: Api,
  datasetId: string,
  metadata: Readonly<Record<string, JsonObject>>,
  options: CallOptions,
): Promise<string[]> {
  const body = {
    level: "scene" as const,
    metadata: Object.entries(metadata).map(([referenceId, value]) => ({ referenceId, metadata: value })),
  };
  return (
    (await api.call(routes.updateMetadata, { params: { datasetId }, body }, options)).missingReferenceIds ??
    []
  );
}

/** @internal */
export function queryScenes(
  api: Api,
  datasetId: string,
  query: string,
  options: SceneQueryOptions,
): PageIterator<Scene> {
  const pageSize = options.pageSize ?? 100;
  return new PageIterator(async (pageToken) => {
    const page = await api.call(
      routes.queryScenesPage,
      { params: { datasetId }, body: { pageToken, pageSize, query } },
      options,
    );
    return { items: page.items.map(sceneOf), nextPageToken: page.nextPageToken };
  });
}

/** @internal */
export async function listTracks(api: Api, datasetId: string, options: CallOptions): Promise<Track[]> {
  return (await api.call(routes.listTracks, { params: { datasetId } }, options)).tracks;
}

/** @internal */
export async function updateTrack(
  api: Api,
  datasetId: string,
  referenceId: string,
  metadata: JsonObject,
  options: CallOptions & { overwrite?: boolean },
): Promise<void> {
  await api.call(
    routes.updateTrack,
    { params: { datasetId }, body: { referenceId, metadata, overwrite: options.overwrite ?? false } },
    options,
  );
}

/** @internal */
export async function deleteTracks(
  api: Api,
  datasetId: string,
  referenceIds: readonly string[],
  options: CallOptions,
): Promise<number> {
  const response = await api.call(
    routes.deleteTracks,
    { params: { datasetId }, body: { trackReferenceIds: [...referenceIds] } },
    options,
  );
  return response.deleted ?? 0;
}

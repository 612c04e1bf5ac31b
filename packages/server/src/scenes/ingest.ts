/**
 * Scene uploads: checks lidar and video scene payloads beyond their schemas (what the official
 * client checks on its side, which a server cannot count on) and writes them, frame items first,
 * all or nothing.
 */
import type { JsonObject, LidarSceneWire, VideoSceneWire } from "@nucleus/schemas";
import type { DatasetRecord, EntityStores, FrameItemType, NewItem, NewScene } from "../store/index.js";

/** An item of a scene frame, as uploaded. */
type SceneFrameItemWire = LidarSceneWire["frames"][number][string];

/** A scene upload that cannot be applied; the message names the scene and the field. */
export class SceneInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SceneInputError";
  }
}

/** A scene to write: the scene and its frame items. */
export interface ScenePlan {
  scene: NewScene;
  items: NewItem[];
  tracks: { referenceId: string; metadata: JsonObject }[];
}

/** What a scene upload wrote. */
export interface SceneCounts {
  newScenes: number;
  updatedScenes: number;
  ignoredScenes: number;
  newItems: number;
  updatedItems: number;
  ignoredItems: number;
}

const REMOTE = new Set(["http:", "https:", "s3:", "gs:"]);

/** Whether a location is a URL the server can refer to: http(s), s3 or gs, with a host. */
function isRemote(location: string): boolean {
  try {
    const url = new URL(location);
    return REMOTE.has(url.protocol) && url.host !== "";
  } catch {
    return false;
  }
}

/**
 * Files sent with a multipart upload, by the location the scenes give them (a frame's `url`, a
 * video's `video_url`), to the media key they are stored under.
 */
export type LocalFiles = ReadonlyMap<string, string>;

const NO_FILES: LocalFiles = new Map();

/** The stored item of a frame: its location, metadata with the camera parameters, size. */
function frameItem(frame: SceneFrameItemWire, files: LocalFiles): NewItem {
  const metadata: JsonObject = { ...(frame.metadata ?? {}) };
  if (frame.camera_params) metadata.camera_params = frame.camera_params as unknown as JsonObject;
  const item: NewItem = { image_url: frame.url, reference_id: frame.reference_id, metadata };
  const key = files.get(frame.url);
  if (key !== undefined) item.media_key = key;
  if (frame.width !== undefined) item.width = frame.width;
  if (frame.height !== undefined) item.height = frame.height;
  if (frame.embedding_info !== undefined) item.embedding_info = frame.embedding_info;
  return item;
}

/** Checks that a dataset takes scenes. */
export function requireSceneDataset(dataset: DatasetRecord): void {
  if (!dataset.isScene) {
    throw new SceneInputError(
      `dataset ${dataset.id} is not a scene dataset: scenes go in a dataset created with is_scene: true`,
    );
  }
}

/** Checks frame items of the whole upload: remote locations, reference ids used once. */
class FrameRefs {
  private readonly seen = new Map<string, string>();

  constructor(private readonly files: LocalFiles) {}

  add(where: string, frame: SceneFrameItemWire): void {
    if (!isRemote(frame.url) && !this.files.has(frame.url)) {
      throw new SceneInputError(
        `${where}.url: ${JSON.stringify(frame.url)} is not an http(s), s3 or gs URL, nor a file part of the request`,
      );
    }
    const first = this.seen.get(frame.reference_id);
    if (first !== undefined) {
      throw new SceneInputError(
        `${where}.reference_id: ${JSON.stringify(frame.reference_id)} is the reference id of ${first} too; frame items need their own`,
      );
    }
    this.seen.set(frame.reference_id, where);
  }
}

/** Scene reference ids used once per upload. */
function uniqueScenes(scenes: readonly { reference_id: string }[]): void {
  const seen = new Map<string, number>();
  scenes.forEach((scene, i) => {
    const first = seen.get(scene.reference_id);
    if (first !== undefined) {
      throw new SceneInputError(
        `scenes[${i}].reference_id: ${JSON.stringify(scene.reference_id)} is the reference id of scenes[${first}] too`,
      );
    }
    seen.set(scene.reference_id, i);
  });
}

const tracksOf = (scene: { tracks?: { reference_id: string; metadata?: JsonObject | null }[] | undefined }) =>
  (scene.tracks ?? []).map((track) => ({ referenceId: track.reference_id, metadata: track.metadata ?? {} }));

/** Plans lidar scenes: one point cloud sensor per scene, unique frame items. */
export function planLidarScenes(
  scenes: readonly LidarSceneWire[],
  files: LocalFiles = NO_FILES,
): ScenePlan[] {
  uniqueScenes(scenes);
  const refs = new FrameRefs(files);
  return scenes.map((scene, i) => {
    let lidar: string | undefined;
    const frames: NewScene["frames"][number][] = [];
    const items: NewItem[] = [];
    scene.frames.forEach((frame, f) => {
      const sensors = Object.keys(frame);
      if (sensors.length === 0)
        throw new SceneInputError(`scenes[${i}].frames[${f}]: a frame needs at least one sensor`);
      for (const sensor of sensors) {
        const item = frame[sensor] as SceneFrameItemWire;
        const where = `scenes[${i}].frames[${f}].${sensor}`;
        if (item.type === "pointcloud") {
          if (lidar !== undefined && lidar !== sensor) {
            throw new SceneInputError(
              `${where}: the point clouds of scene ${JSON.stringify(scene.reference_id)} come from sensor ${JSON.stringify(lidar)}; a scene has one lidar sensor`,
            );
          }
          lidar = sensor;
        }
        refs.add(where, item);
        frames.push({
          frame: f,
          sensor,
          type: item.type as FrameItemType,
          itemReferenceId: item.reference_id,
        });
        items.push(frameItem(item, files));
      }
    });
    return {
      scene: {
        referenceId: scene.reference_id,
        kind: "lidar",
        metadata: scene.metadata ?? {},
        frameRate: null,
        videoUrl: null,
        videoMediaKey: null,
        frames,
      },
      items,
      tracks: tracksOf(scene),
    };
  });
}

/** Plans video scenes: a remote video URL or image frames. */
export function planVideoScenes(
  scenes: readonly VideoSceneWire[],
  files: LocalFiles = NO_FILES,
): ScenePlan[] {
  uniqueScenes(scenes);
  const refs = new FrameRefs(files);
  return scenes.map((scene, i) => {
    if (scene.video_url !== undefined && !isRemote(scene.video_url) && !files.has(scene.video_url)) {
      throw new SceneInputError(
        `scenes[${i}].video_url: ${JSON.stringify(scene.video_url)} is not an http(s), s3 or gs URL, nor a file part of the request`,
      );
    }
    const frames: NewScene["frames"][number][] = [];
    const items: NewItem[] = [];
    (scene.frames ?? []).forEach((frame, f) => {
      const where = `scenes[${i}].frames[${f}]`;
      if (frame.type !== "image")
        throw new SceneInputError(`${where}.type: a video scene's frames are images, got "${frame.type}"`);
      refs.add(where, frame);
      frames.push({ frame: f, sensor: null, type: "image", itemReferenceId: frame.reference_id });
      items.push(frameItem(frame, files));
    });
    return {
      scene: {
        referenceId: scene.reference_id,
        kind: "video",
        metadata: scene.metadata ?? {},
        frameRate: frames.length > 0 ? (scene.frame_rate ?? null) : null,
        videoUrl: scene.video_url ?? null,
        videoMediaKey: scene.video_url === undefined ? null : (files.get(scene.video_url) ?? null),
        frames,
      },
      items,
      tracks: tracksOf(scene),
    };
  });
}

/**
 * Writes planned scenes through `stores` (a transaction's, so that a refusal writes nothing).
 * A scene already there keeps its frames: it is ignored, or with `update` gets the new metadata.
 * A new scene's frame items must not exist yet in the dataset.
 */
export async function writeScenes(
  stores: EntityStores,
  datasetId: string,
  plans: readonly ScenePlan[],
  update: boolean,
): Promise<SceneCounts> {
  const counts: SceneCounts = {
    newScenes: 0,
    updatedScenes: 0,
    ignoredScenes: 0,
    newItems: 0,
    updatedItems: 0,
    ignoredItems: 0,
  };
  for (const [i, plan] of plans.entries()) {
    const existing = await stores.scenes.find(datasetId, { referenceId: plan.scene.referenceId });
    if (existing) {
      const outcome = await stores.scenes.upsert(datasetId, plan.scene, { update });
      if (outcome === "updated") counts.updatedScenes += 1;
      else counts.ignoredScenes += 1;
      counts.ignoredItems += plan.items.length;
    } else {
      for (const [f, item] of plan.items.entries()) {
        if (await stores.items.find(datasetId, { referenceId: item.reference_id })) {
          throw new SceneInputError(
            `scenes[${i}]: frame item ${f} has reference id ${JSON.stringify(item.reference_id)}, which an item of dataset ${datasetId} has already`,
          );
        }
      }
      const result = await stores.items.upsert(datasetId, plan.items, { update: false });
      counts.newItems += result.newItems;
      await stores.scenes.upsert(datasetId, plan.scene, { update });
      counts.newScenes += 1;
    }
    if (plan.tracks.length > 0)
      await stores.scenes.upsertTracks(datasetId, plan.tracks, { overwrite: false });
  }
  return counts;
}

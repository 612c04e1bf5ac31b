import { type JsonObject, routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { FilePart } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { mediaUrlOf, requireDataset } from "../http/lookup.js";
import { labelWire } from "../presenters/labels.js";
import { sceneQuery } from "../query/scenes.js";
import {
  planLidarScenes,
  planVideoScenes,
  requireSceneDataset,
  type SceneCounts,
  SceneInputError,
  type ScenePlan,
  writeScenes,
} from "../scenes/ingest.js";
import { sceneEntryWire, sceneWire, trackWire } from "../scenes/present.js";
import type { DatasetRecord, EntityStores, SceneRecord } from "../store/index.js";
import { MAX_PAGE } from "./items.js";
import { startAsyncUpload } from "./uploads.js";

/** Runs scene input checks, turning their refusals into 400s. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SceneInputError) throw badRequest(error.message);
    throw error;
  }
}

/**
 * Stores the file parts of a multipart scene upload (`file`, one per local point cloud, image or
 * video, named by the location the scenes give it) and maps each location to its media key.
 */
async function storeFiles(c: Ctx, files: readonly FilePart[]): Promise<Map<string, string>> {
  const { media } = c.get("services");
  const keys = new Map<string, string>();
  for (const file of files) {
    let location = file.name;
    try {
      location = decodeURIComponent(file.name);
    } catch {
      // A name that is not percent-encoded is the location itself.
    }
    if (keys.has(location)) throw badRequest(`file: two file parts are named ${JSON.stringify(location)}`);
    const base = location.split(/[\\/]/).pop() ?? "";
    keys.set(
      location,
      media.put(new Uint8Array(await file.arrayBuffer()), base.replace(/[^A-Za-z0-9._-]/g, "_")),
    );
  }
  return keys;
}

/** Refuses file parts that no frame or video of the scenes names. */
function requireUsed(files: ReadonlyMap<string, string>, plans: readonly ScenePlan[]): void {
  const used = new Set<string>();
  for (const plan of plans) {
    if (plan.scene.videoMediaKey) used.add(plan.scene.videoMediaKey);
    for (const item of plan.items) if (item.media_key) used.add(item.media_key);
  }
  for (const [location, key] of files) {
    if (!used.has(key))
      throw badRequest(
        `file: the part named ${JSON.stringify(location)} is the url of no frame and the video_url of no scene`,
      );
  }
}

/** Writes planned scenes in one transaction: a refusal writes nothing. */
async function upload(
  c: Ctx,
  dataset: DatasetRecord,
  plans: ScenePlan[],
  update: boolean,
  files: ReadonlyMap<string, string> = new Map(),
) {
  requireUsed(files, plans);
  let counts: SceneCounts;
  try {
    counts = await c.get("services").store.transaction(async (tx) => {
      // The dataset holds the files from here on, as it holds uploaded images.
      await c.get("mediaAccess").retain(tx, c.get("tenant"), dataset.id, [...files.values()]);
      return writeScenes(tx, dataset.id, plans, update);
    });
  } catch (error) {
    if (error instanceof SceneInputError) throw badRequest(error.message);
    throw error;
  }
  return {
    dataset_id: dataset.id,
    new_scenes: counts.newScenes,
    updated_scenes: counts.updatedScenes,
    ignored_scenes: counts.ignoredScenes,
    new_items: counts.newItems,
    updated_items: counts.updatedItems,
    ignored_items: counts.ignoredItems,
    upload_errors: 0,
  };
}

/**
 * A scene with its frames, the tracks its frames' annotations follow (with their metadata) and
 * its scene-level categories.
 */
export async function sceneDetails(stores: EntityStores, c: Ctx, scene: SceneRecord) {
  const frames = await stores.scenes.frames(scene.id);
  const target = { kind: "annotations", datasetId: scene.datasetId } as const;
  const labels = await stores.labels.list(
    target,
    frames.map((frame) => frame.item.id),
  );
  const followed = new Set<string>();
  for (const label of labels) {
    const ref = (label.payload as { track_reference_id?: unknown }).track_reference_id;
    if (typeof ref === "string") followed.add(ref);
  }
  const tracks =
    followed.size > 0
      ? (await stores.scenes.tracks(scene.datasetId)).filter((t) => followed.has(t.referenceId))
      : [];
  const url = mediaUrlOf(c);
  const annotations = (await stores.scenes.labels(target, scene.id)).map(
    (label) =>
      labelWire({ id: label.id, itemId: "", group: "category", payload: label.payload }, url) as JsonObject,
  );
  return sceneWire(scene, frames, url, { tracks, annotations });
}

/** Lidar and video scenes, scene queries and tracks. */
export function sceneRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  const sceneDataset = async (c: Ctx, id: string) => {
    const dataset = await requireDataset(c, id);
    checked(() => requireSceneDataset(dataset));
    return dataset;
  };

  route(app, routes.uploadScenesAsync, async ({ params, body }, c) =>
    startAsyncUpload(c, await sceneDataset(c, params.datasetId), "uploadLidarScene", body),
  );
  route(app, routes.uploadScenes, async ({ params, body, form }, c) => {
    const dataset = await sceneDataset(c, params.datasetId);
    const request = form ? await form.part("scenes") : body;
    const files = form ? await storeFiles(c, form.files("file")) : new Map<string, string>();
    const plans = checked(() => planLidarScenes(request.scenes, files));
    return upload(c, dataset, plans, request.update ?? false, files);
  });
  route(app, routes.uploadVideoScenesAsync, async ({ params, body }, c) =>
    startAsyncUpload(c, await sceneDataset(c, params.datasetId), "uploadVideoScene", body),
  );
  route(app, routes.uploadVideoScenes, async ({ params, body, form }, c) => {
    const dataset = await sceneDataset(c, params.datasetId);
    const request = form ? await form.part("scenes") : body;
    const files = form ? await storeFiles(c, form.files("file")) : new Map<string, string>();
    const plans = checked(() => planVideoScenes(request.scenes, files));
    return upload(c, dataset, plans, request.update ?? false, files);
  });

  route(app, routes.listScenes, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return { scenes: (await c.get("services").store.scenes.list(dataset.id)).map(sceneEntryWire) };
  });

  route(app, routes.getScene, async ({ params, query }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const ref = params.referenceId;
    const fromItem = query.from_item !== undefined && query.from_item !== "0" && query.from_item !== "false";
    const scene = await store.scenes.find(
      dataset.id,
      fromItem ? { itemReferenceId: ref } : { referenceId: ref },
    );
    if (!scene) {
      throw notFound(
        "Scene",
        fromItem
          ? `with a frame item of reference id ${JSON.stringify(ref)}`
          : `with reference id ${JSON.stringify(ref)}`,
      );
    }
    return sceneDetails(store, c, scene);
  });

  route(app, routes.deleteScene, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const ref = params.referenceId;
    const deleted = await c.get("services").store.transaction(async (tx) => {
      const items = await tx.scenes.delete(dataset.id, ref);
      if (items === undefined) return undefined;
      for (const item of items) await tx.items.delete(dataset.id, item);
      return items.length;
    });
    if (deleted === undefined) throw notFound("Scene", `with reference id ${JSON.stringify(ref)}`);
    return { dataset_id: dataset.id, reference_id: ref, deleted_items: deleted };
  });

  route(app, routes.queryScenesPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const scenes = await store.scenes.list(dataset.id);
    const query = sceneQuery(body.query, scenes);
    let start = 0;
    if (body.pageToken) {
      if (!/^\d+$/.test(body.pageToken))
        throw badRequest(`pageToken: ${JSON.stringify(body.pageToken)} is not a token this server issued`);
      start = Number(body.pageToken);
    }
    const size = Math.min(body.pageSize, MAX_PAGE);
    const selected: SceneRecord[] = [];
    let next: string | null = null;
    for (let i = start; i < scenes.length; i += 1) {
      const scene = scenes[i] as SceneRecord;
      if (!query.matches(scene)) continue;
      if (selected.length === size) {
        next = String(i);
        break;
      }
      selected.push(scene);
    }
    const items = [];
    for (const scene of selected) items.push(await sceneDetails(store, c, scene));
    return { items, nextPageToken: next };
  });

  route(app, routes.listTracks, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return { tracks: (await c.get("services").store.scenes.tracks(dataset.id)).map(trackWire) };
  });

  route(app, routes.updateTrack, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    await c
      .get("services")
      .store.scenes.upsertTracks(dataset.id, [{ referenceId: body.reference_id, metadata: body.metadata }], {
        overwrite: body.overwrite ?? false,
      });
    return { dataset_id: dataset.id, track_reference_ids: [body.reference_id] };
  });

  route(app, routes.deleteTracks, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const deleted = await c.get("services").store.scenes.deleteTracks(dataset.id, body.track_reference_ids);
    return { dataset_id: dataset.id, track_reference_ids: body.track_reference_ids, deleted };
  });

  return app;
}

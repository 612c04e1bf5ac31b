import { type JsonObject, routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { mediaUrlOf, requireDataset, requireSlice } from "../http/lookup.js";
import type { EntityStores, SceneRecord } from "../store/index.js";

/** How many scenes a page holds when the request does not say. */
const DEFAULT_PAGE = 10;

/** One box of a track, at one frame. */
type FrameBox = {
  left: number;
  top: number;
  width: number;
  height: number;
  key: number;
  metadata: JsonObject;
};

/** A track of a scene with its boxes. */
type TrackExport = {
  label: string;
  name: string;
  frames: FrameBox[];
};

/** The ids of the items of a slice, read page by page. */
async function sliceItemIds(stores: EntityStores, sliceId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await stores.slices.items(sliceId, { cursor, limit: 1000 });
    for (const item of page.records) ids.add(item.id);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/**
 * One scene with the 2D boxes of its frames grouped by the track they follow; a frame's `key` is
 * its position in the scene. Boxes that follow no track are not part of this export.
 */
async function sceneExport(stores: EntityStores, c: Ctx, scene: SceneRecord) {
  const frames = await stores.scenes.frames(scene.id);
  const frameOf = new Map(frames.map((f) => [f.item.id, f.frame]));
  const labels = await stores.labels.list(
    { kind: "annotations", datasetId: scene.datasetId },
    frames.map((f) => f.item.id),
  );
  const tracks: Record<string, TrackExport> = {};
  for (const label of labels) {
    const payload = label.payload as {
      type?: unknown;
      label?: unknown;
      track_reference_id?: unknown;
      geometry?: { x?: number; y?: number; width?: number; height?: number };
      metadata?: JsonObject;
    };
    const track = payload.track_reference_id;
    if (payload.type !== "box" || typeof track !== "string") continue;
    let entry = tracks[track];
    if (!entry) {
      entry = { label: String(payload.label ?? ""), name: track, frames: [] };
      tracks[track] = entry;
    }
    const g = payload.geometry ?? {};
    entry.frames.push({
      left: g.x ?? 0,
      top: g.y ?? 0,
      width: g.width ?? 0,
      height: g.height ?? 0,
      key: frameOf.get(label.itemId) ?? 0,
      metadata: payload.metadata ?? {},
    });
  }
  for (const entry of Object.values(tracks)) entry.frames.sort((a, b) => a.key - b.key);
  const url = mediaUrlOf(c);
  return {
    scene: {
      id: scene.id,
      reference_id: scene.referenceId,
      metadata: scene.metadata,
      type: scene.kind,
      fileLocation:
        scene.videoUrl === null ? null : scene.videoMediaKey ? url(scene.videoMediaKey) : scene.videoUrl,
    },
    annotations: tracks,
  };
}

/** `exportForTrainingByScene`: scenes with their tracked boxes, a page at a time. */
export function sceneExportRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  route(app, routes.exportScenesPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    let scenes = await store.scenes.list(dataset.id);
    if (body.sliceId) {
      const slice = await requireSlice(c, body.sliceId);
      if (slice.datasetId !== dataset.id) throw notFound("Slice", `${body.sliceId} in dataset ${dataset.id}`);
      const members = await sliceItemIds(store, slice.id);
      const kept: SceneRecord[] = [];
      for (const scene of scenes) {
        const frames = await store.scenes.frames(scene.id);
        if (frames.some((f) => members.has(f.item.id))) kept.push(scene);
      }
      scenes = kept;
    }
    let start = 0;
    if (body.pageToken) {
      if (!/^\d+$/.test(body.pageToken))
        throw badRequest(`pageToken: ${JSON.stringify(body.pageToken)} is not a token this server issued`);
      start = Number(body.pageToken);
    }
    const end = start + (body.pageSize ?? DEFAULT_PAGE);
    const data = [];
    for (const scene of scenes.slice(start, end)) data.push(await sceneExport(store, c, scene));
    return { data, nextPageToken: end < scenes.length ? String(end) : null };
  });
  return app;
}

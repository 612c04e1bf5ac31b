import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { badRequest, HttpError, notFound } from "../http/errors.js";
import { param, requireDataset } from "../http/lookup.js";
import { PointCloudError, samplePoints } from "../scenes/points.js";
import type { ItemRecord } from "../store/index.js";

/** Points answered when the request names no `max`: enough for a clear top-down view. */
export const DEFAULT_POINTS = 50_000;
/** The most points one answer holds, whatever `max` asks for. */
export const MAX_POINTS = 500_000;
/** The largest point cloud file read, stored or fetched. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

/** Refuses a point cloud this server cannot read, naming the item and where its file is. */
const unreadable = (item: ItemRecord, why: string) =>
  new HttpError(422, `the point cloud of item ${item.id} (${item.imageUrl}) ${why}`);

/** The bytes at an http(s) URL, within a time and size limit. */
async function fetchFile(item: ItemRecord): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(item.imageUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw unreadable(item, `could not be fetched by this server (${(error as Error).message})`);
  }
  if (!response.ok) throw unreadable(item, `could not be fetched by this server: HTTP ${response.status}`);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_FILE_BYTES)
    throw unreadable(item, `is larger than ${MAX_FILE_BYTES} bytes`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_FILE_BYTES) throw unreadable(item, `is larger than ${MAX_FILE_BYTES} bytes`);
  return bytes;
}

/**
 * `GET ext/datasets/:datasetId/items/:itemId/points?max=50000`: the points of a point cloud item
 * (a lidar frame), for the web app's top-down view. Reads the file uploaded with the scene, or
 * fetches an http(s) URL; other locations (`s3://`, `gs://`) are a 422 that says so. A cloud
 * larger than `max` (at most {@link MAX_POINTS}) is taken down to `max` points evenly through
 * the file. Behind the API's authentication like every route.
 */
export function pointCloudRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  app.get("/ext/datasets/:datasetId/items/:itemId/points", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const itemId = param(c, "itemId");
    const text = c.req.query("max");
    const max = text === undefined ? DEFAULT_POINTS : Number(text);
    if (!Number.isInteger(max) || max < 1 || max > MAX_POINTS)
      throw badRequest(
        `max must be a whole number of points from 1 to ${MAX_POINTS}, got ${JSON.stringify(text)}`,
      );
    const { store, media } = c.get("services");
    const item = await store.items.get(dataset.id, itemId);
    if (!item) throw notFound("Dataset item", itemId);
    if (!item.pointcloud)
      throw badRequest(
        `item ${itemId} is an image, not a point cloud: only a lidar frame's point cloud has points`,
      );
    const etag = item.mediaKey ? `"${item.mediaKey.slice(0, 24)}-${max}"` : undefined;
    const cache = { "cache-control": "private, no-cache", ...(etag ? { etag } : {}) };
    if (etag && c.req.header("if-none-match") === etag) return c.body(null, 304, cache);
    let bytes: Uint8Array | undefined;
    if (item.mediaKey) {
      bytes = await media.get(item.mediaKey);
      if (!bytes) throw notFound("Stored point cloud of item", itemId);
      if (bytes.byteLength > MAX_FILE_BYTES) throw unreadable(item, `is larger than ${MAX_FILE_BYTES} bytes`);
    } else if (/^https?:\/\//i.test(item.imageUrl)) {
      bytes = await fetchFile(item);
    } else {
      throw unreadable(
        item,
        "is not readable by this server: it reads point clouds uploaded with the scene and http(s) URLs",
      );
    }
    let sample: ReturnType<typeof samplePoints>;
    try {
      sample = samplePoints(bytes, max);
    } catch (error) {
      if (error instanceof PointCloudError)
        throw unreadable(item, `is not a point cloud file: ${error.message}`);
      throw error;
    }
    return c.json(
      {
        item_id: item.id,
        reference_id: item.referenceId,
        total: sample.total,
        count: sample.count,
        fields: sample.intensity ? ["x", "y", "z", "i"] : ["x", "y", "z"],
        points: sample.points,
        bounds: sample.bounds,
      },
      200,
      cache,
    );
  });
  return app;
}

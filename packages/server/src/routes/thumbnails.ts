import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { HttpError, notFound } from "../http/errors.js";
import { param, requireDataset } from "../http/lookup.js";
import { ThumbnailError, thumbnailSize } from "../services/thumbnails.js";

/**
 * `GET __thumbnail/:datasetId/:itemId?size=256`: a WebP thumbnail of an item's stored image, for
 * the web app's grid. Mounted behind the API's authentication, so it answers to a key or a
 * browser session only. `v`, when it is the start of the item's media key, marks the URL as
 * never changing (the browser keeps the answer); other requests revalidate by ETag.
 */
export function thumbnailRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  app.get("/__thumbnail/:datasetId/:itemId", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const itemId = param(c, "itemId");
    const { store, thumbnails } = c.get("services");
    const item = await store.items.get(dataset.id, itemId);
    if (!item) throw notFound("Dataset item", itemId);
    if (!item.mediaKey) {
      throw new HttpError(
        404,
        `Item ${itemId} has no image stored on this server (its URL is ${item.imageUrl}): thumbnails are made of uploaded files only`,
      );
    }
    const wanted = Number(c.req.query("size") ?? "256");
    if (!Number.isFinite(wanted) || wanted <= 0)
      throw new HttpError(400, "size must be a positive number of pixels");
    const size = thumbnailSize(wanted);
    const etag = `"${item.mediaKey.slice(0, 24)}-${size}"`;
    const cache =
      c.req.query("v") && item.mediaKey.startsWith(c.req.query("v") ?? "")
        ? "private, max-age=31536000, immutable"
        : "private, no-cache";
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, { etag, "cache-control": cache });
    let bytes: Buffer | undefined;
    try {
      bytes = await thumbnails.get(item.mediaKey, size);
    } catch (error) {
      if (error instanceof ThumbnailError)
        return c.json({ error: error.message }, error.reason === "unavailable" ? 503 : 415);
      throw error;
    }
    if (!bytes) throw notFound("Stored image of item", itemId);
    return c.body(new Uint8Array(bytes), 200, { "content-type": "image/webp", etag, "cache-control": cache });
  });
  return app;
}

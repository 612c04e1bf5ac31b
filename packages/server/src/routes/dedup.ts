import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import { jobWire } from "../presenters/jobs.js";
import { HashError, keepUnique, phashOfImage } from "../services/phash.js";
import { type ItemHash, type ItemRecord, unknownItem, unknownReference } from "../store/index.js";

/** Items read per store call. */
const PAGE = 1_000;
/** The largest remote image fetched for hashing. */
const MAX_REMOTE_BYTES = 64 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Every item of a dataset, in upload order. */
async function allItems(c: Ctx, datasetId: string): Promise<ItemRecord[]> {
  const { store } = c.get("services");
  const items: ItemRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.items.page(datasetId, { cursor, limit: PAGE });
    for (const item of page.records) items.push(item);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** The bytes of a remote image: http(s) only, within a time and size limit. */
async function fetchRemote(url: string): Promise<Uint8Array> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HashError("the image URL is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new HashError(
      `the server cannot fetch ${parsed.protocol}// URLs; upload the file itself to hash it`,
    );
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new HashError(`the image could not be fetched (${(error as Error).message})`);
  }
  if (!response.ok) throw new HashError(`fetching the image answered HTTP ${response.status}`);
  const length = Number(response.headers.get("content-length") ?? 0);
  if (length > MAX_REMOTE_BYTES) throw new HashError(`the image is larger than ${MAX_REMOTE_BYTES} bytes`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_REMOTE_BYTES)
    throw new HashError(`the image is larger than ${MAX_REMOTE_BYTES} bytes`);
  return bytes;
}

/** The items a request names, in upload order; unknown ids are refused all together. */
function selectItems(
  datasetId: string,
  items: readonly ItemRecord[],
  by: { referenceIds?: readonly string[] | null; itemIds?: readonly string[] | null },
): readonly ItemRecord[] {
  if (by.referenceIds) {
    const known = new Set(items.map((item) => item.referenceId));
    const missing = [...new Set(by.referenceIds)].filter((ref) => !known.has(ref));
    if (missing.length > 0) throw unknownReference(datasetId, missing);
    const wanted = new Set(by.referenceIds);
    return items.filter((item) => wanted.has(item.referenceId));
  }
  if (by.itemIds) {
    const known = new Set(items.map((item) => item.id));
    const missing = [...new Set(by.itemIds)].filter((id) => !known.has(id));
    if (missing.length > 0) throw unknownItem(datasetId, missing);
    const wanted = new Set(by.itemIds);
    return items.filter((item) => wanted.has(item.id));
  }
  return items;
}

/** Deduplication by perceptual hash: computed from the bytes the server holds (or can fetch), kept on the item. */
export function dedupRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.deduplicate, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    if (body.reference_ids && body.dataset_item_ids) {
      throw badRequest(
        "reference_ids and dataset_item_ids: give one of them, or neither for the whole dataset",
      );
    }
    const { store, media } = c.get("services");
    const selected = selectItems(dataset.id, await allItems(c, dataset.id), {
      referenceIds: body.reference_ids,
      itemIds: body.dataset_item_ids,
    });
    const known = await store.phashes.get(selected.map((item) => item.id));
    const fresh: ItemHash[] = [];
    const unhashed: { dataset_item_id: string; reference_id: string; image_url: string; error: string }[] =
      [];
    const entries: { item: ItemRecord; phash: string | null }[] = [];
    for (const item of selected) {
      // A hash is reused while the item's image is the one it was computed from.
      const source = item.mediaKey ? `media:${item.mediaKey}` : item.imageUrl;
      const stored = known.get(item.id);
      if (stored && stored.source === source) {
        entries.push({ item, phash: stored.phash });
        continue;
      }
      try {
        const bytes = item.mediaKey ? await media.get(item.mediaKey) : await fetchRemote(item.imageUrl);
        if (!bytes) throw new HashError("the stored image is missing");
        const phash = await phashOfImage(bytes);
        fresh.push({ itemId: item.id, source, phash });
        entries.push({ item, phash });
      } catch (error) {
        if (!(error instanceof HashError)) throw error;
        unhashed.push({
          dataset_item_id: item.id,
          reference_id: item.referenceId,
          image_url: item.imageUrl,
          error: error.message,
        });
        entries.push({ item, phash: null });
      }
    }
    await store.phashes.put(fresh);
    const kept = keepUnique(entries, body.threshold).map((entry) => entry.item);
    const message = {
      unique_item_ids: kept.map((item) => item.id),
      unique_reference_ids: kept.map((item) => item.referenceId),
      stats: { threshold: body.threshold, original_count: selected.length, deduplicated_count: kept.length },
      ...(unhashed.length > 0 ? { unhashed_items: unhashed } : {}),
    };
    const job = await store.jobs.create(c.get("tenant"), {
      datasetId: dataset.id,
      type: "deduplicate",
      spec: {},
      done: { message },
    });
    return jobWire(job);
  });

  return app;
}

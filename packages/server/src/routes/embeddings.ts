import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest } from "../http/errors.js";
import { requireDataset, requireSlice } from "../http/lookup.js";
import { distanceTo, type Metric, TopK } from "../services/nearest.js";
import type { DatasetRecord, ItemVector, NewEmbedding } from "../store/index.js";
import { runOf } from "./queries.js";

/** Vectors read per store call while searching. */
const SEARCH_PAGE = 2_000;
/** Candidate item ids read per store call for a filtered search. */
const CANDIDATE_PAGE = 5_000;
/** Vectors read by id per store call, when a filter keeps few items. */
const BY_ID = 1_000;
/** A filter keeping at most this share of the vectors reads them by id instead of scanning all. */
const SPARSE_SHARE = 0.25;
const DEFAULT_K = 10;
/** The largest magnitude a float32 holds: larger numbers would be stored as infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The vectors of an upload as float32, or a 400 naming the first bad entry. */
function checkedVectors(
  entries: readonly { reference_id: string; vector: readonly number[] }[],
  stored: number | null,
): { dimension: number; vectors: Float32Array[] } {
  const dimension = stored ?? (entries[0] as { vector: readonly number[] }).vector.length;
  const seen = new Map<string, number>();
  const vectors = entries.map((entry, i) => {
    const where = `embeddings[${i}] (reference_id ${JSON.stringify(entry.reference_id)})`;
    const earlier = seen.get(entry.reference_id);
    if (earlier !== undefined)
      throw badRequest(
        `${where}.reference_id: the same item as embeddings[${earlier}]; send one vector per item`,
      );
    seen.set(entry.reference_id, i);
    if (entry.vector.length !== dimension) {
      const whose =
        stored === null ? "embeddings[0]'s, the first of this upload" : "the dataset's stored vectors'";
      throw badRequest(
        `${where}.vector: has ${entry.vector.length} numbers, but ${whose} have ${dimension}; every vector of a dataset has one length`,
      );
    }
    entry.vector.forEach((x, j) => {
      if (!Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX)
        throw badRequest(`${where}.vector[${j}]: ${x} is not a finite 32-bit float`);
    });
    return Float32Array.from(entry.vector);
  });
  return { dimension, vectors };
}

/** The ids of the items a query or a slice selects, or undefined for every item. */
async function candidatesOf(
  c: Ctx,
  dataset: DatasetRecord,
  by: { query?: string | null; model_run_id?: string | null; slice_id?: string | null },
): Promise<Set<string> | undefined> {
  const { store } = c.get("services");
  if (by.slice_id && by.query)
    throw badRequest("slice_id and query: give one of them, or neither to search every item");
  const ids = new Set<string>();
  let cursor: string | null = null;
  if (by.slice_id) {
    const slice = await requireSlice(c, by.slice_id);
    if (slice.datasetId !== dataset.id)
      throw badRequest(
        `slice_id: slice ${slice.id} is a slice of dataset ${slice.datasetId}, not ${dataset.id}`,
      );
    do {
      const page = await store.slices.items(slice.id, { cursor, limit: CANDIDATE_PAGE });
      for (const item of page.records) ids.add(item.id);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return ids;
  }
  if (!by.query?.trim()) return undefined;
  const run = await runOf(c, dataset, by.model_run_id);
  do {
    const page = await store.queries.items(
      dataset.id,
      { text: by.query, runId: run?.id },
      { cursor, limit: CANDIDATE_PAGE },
    );
    for (const item of page.records) ids.add(item.id);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/**
 * This server's embedding routes, under `ext/`: vectors per item uploaded in bulk, and exact
 * k-nearest-neighbour search over them, read from the store a page at a time.
 */
export function embeddingRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.uploadEmbeddings, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const entries = body.embeddings;
    // Checked and written in one transaction, so two uploads of different lengths cannot both land.
    return store.transaction(async (tx) => {
      const { dimension, vectors } = checkedVectors(entries, await tx.embeddings.dimension(dataset.id));
      const ids = await tx.embeddings.itemIds(
        dataset.id,
        entries.map((e) => e.reference_id),
      );
      const rows: NewEmbedding[] = entries.map((entry, i) => {
        const itemId = ids.get(entry.reference_id);
        if (itemId === undefined)
          throw badRequest(
            `embeddings[${i}].reference_id: no item of dataset ${dataset.id} has reference id ${JSON.stringify(entry.reference_id)}`,
          );
        return { itemId, vector: vectors[i] as Float32Array };
      });
      const uploaded = await tx.embeddings.put(dataset.id, rows);
      return { uploaded, dimension, total: await tx.embeddings.count(dataset.id) };
    });
  });

  route(app, routes.similarItems, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const given = [body.reference_id, body.item_id, body.vector].filter((v) => v != null).length;
    if (given !== 1)
      throw badRequest("reference_id, item_id, vector: give exactly one of them, the example to search near");
    const metric: Metric = body.metric ?? "cosine";
    const k = body.k ?? DEFAULT_K;
    const dimension = await store.embeddings.dimension(dataset.id);
    let query: Float32Array;
    let exclude: string | undefined;
    if (body.vector) {
      if (dimension !== null && body.vector.length !== dimension)
        throw badRequest(
          `vector: has ${body.vector.length} numbers, but the dataset's vectors have ${dimension}`,
        );
      query = Float32Array.from(body.vector);
    } else {
      let itemId = body.item_id ?? undefined;
      if (body.reference_id) {
        itemId = (await store.embeddings.itemIds(dataset.id, [body.reference_id])).get(body.reference_id);
        if (itemId === undefined)
          throw badRequest(
            `reference_id: no item of dataset ${dataset.id} has reference id ${JSON.stringify(body.reference_id)}`,
          );
      }
      const found = (await store.embeddings.get(dataset.id, [itemId as string])).get(itemId as string);
      if (!found) {
        const field = body.reference_id ? "reference_id" : "item_id";
        const value = body.reference_id ?? body.item_id;
        throw badRequest(
          `${field}: ${JSON.stringify(value)} names no item of dataset ${dataset.id} with an embedding; upload its vector first`,
        );
      }
      query = found.vector;
      exclude = found.itemId;
    }
    const candidates = await candidatesOf(c, dataset, body);
    const distance = distanceTo(query, metric);
    const top = new TopK<ItemVector>(k);
    let searched = 0;
    const consider = (records: readonly ItemVector[]) => {
      for (const record of records) {
        if (record.itemId === exclude || (candidates && !candidates.has(record.itemId))) continue;
        searched += 1;
        top.offer({ value: record, key: record.itemId, distance: distance(record.vector) });
      }
    };
    if (candidates && candidates.size <= SPARSE_SHARE * (await store.embeddings.count(dataset.id))) {
      // A narrow filter: read only its items' vectors.
      const ids = [...candidates];
      for (let i = 0; i < ids.length; i += BY_ID)
        consider([...(await store.embeddings.get(dataset.id, ids.slice(i, i + BY_ID))).values()]);
    } else {
      let cursor: string | null = null;
      do {
        const page = await store.embeddings.page(dataset.id, { cursor, limit: SEARCH_PAGE });
        consider(page.records);
        cursor = page.nextCursor;
      } while (cursor !== null);
    }
    const nearest = top.sorted();
    // Reference ids of the few results only: a scan reads vectors and item ids, nothing else.
    const found = await store.embeddings.get(
      dataset.id,
      nearest.map((n) => n.key),
    );
    return {
      metric,
      dimension: dimension ?? 0,
      searched,
      results: nearest.flatMap(({ key, distance: d }) => {
        const record = found.get(key);
        // An item deleted since the scan read it is left out.
        return record ? [{ item_id: key, reference_id: record.referenceId, distance: d }] : [];
      }),
    };
  });

  return app;
}

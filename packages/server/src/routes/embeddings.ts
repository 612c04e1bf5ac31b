import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest } from "../http/errors.js";
import { MAX_JSON_BODY_BYTES } from "../http/limits.js";
import { requireDataset, requireSlice } from "../http/lookup.js";
import { readBodyBytes } from "../http/read-body.js";
import { distanceTo, type Metric, norm, TopK } from "../services/nearest.js";
import type { DatasetRecord, ItemVector, NewEmbedding } from "../store/index.js";
import {
  BINARY_EMBEDDINGS_TYPE,
  type BinaryEmbeddings,
  entryName,
  readBinaryEmbeddings,
} from "./binary-embeddings.js";
import { gatherCandidates, MIN_CANDIDATES, RERANK_SPARE } from "./index-candidates.js";
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
/** How long after an upload the vector index waits for the next one before it builds. */
const UPLOAD_PAUSE_MS = 250;

/** The largest binary upload (64 MB): 10,000 vectors of 1,600 float32, or fewer longer ones. */
const MAX_BINARY_BODY_BYTES = MAX_JSON_BODY_BYTES;
/** The largest magnitude a float32 holds: larger numbers would be stored as infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A 400 naming the second entry of an upload that names an item an earlier one named. */
function checkOnePerItem(referenceIds: readonly string[]): void {
  const seen = new Map<string, number>();
  referenceIds.forEach((ref, i) => {
    const earlier = seen.get(ref);
    if (earlier !== undefined)
      throw badRequest(
        `${entryName(i, ref)}.reference_id: the same item as embeddings[${earlier}]; send one vector per item`,
      );
    seen.set(ref, i);
  });
}

/** The vectors of a JSON upload as float32, or a 400 naming the first bad entry. */
function checkedVectors(
  entries: readonly { reference_id: string; vector: readonly number[] }[],
  stored: number | null,
): { dimension: number; vectors: Float32Array[] } {
  const dimension = stored ?? (entries[0] as { vector: readonly number[] }).vector.length;
  checkOnePerItem(entries.map((entry) => entry.reference_id));
  const vectors = entries.map((entry, i) => {
    const values = entry.vector;
    if (values.length !== dimension) {
      const whose =
        stored === null ? "embeddings[0]'s, the first of this upload" : "the dataset's stored vectors'";
      throw badRequest(
        `${entryName(i, entry.reference_id)}.vector: has ${values.length} numbers, but ${whose} have ${dimension}; every vector of a dataset has one length`,
      );
    }
    for (let j = 0; j < values.length; j += 1) {
      const x = values[j] as number;
      if (!Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX)
        throw badRequest(
          `${entryName(i, entry.reference_id)}.vector[${j}]: ${x} is not a finite 32-bit float`,
        );
    }
    return Float32Array.from(values);
  });
  return { dimension, vectors };
}

/** The vectors of a binary upload, one view each, or a 400 when they do not fit the dataset's. */
function binaryVectors(
  upload: BinaryEmbeddings,
  stored: number | null,
): { dimension: number; vectors: Float32Array[] } {
  const { referenceIds, dimension, flat } = upload;
  checkOnePerItem(referenceIds);
  if (stored !== null && stored !== dimension)
    throw badRequest(
      `${entryName(0, referenceIds[0] as string)}.vector: has ${dimension} numbers, but the dataset's stored vectors have ${stored}; every vector of a dataset has one length`,
    );
  const vectors = referenceIds.map((_, i) => flat.subarray(i * dimension, (i + 1) * dimension));
  return { dimension, vectors };
}

/**
 * Stores an upload's vectors by reference id: checked (by `check`, against the dataset's stored
 * length) and written in one transaction, so two uploads of different lengths cannot both land;
 * a 400 names the first entry whose reference id names no item, and nothing is written.
 */
async function storeVectors(
  c: Ctx,
  dataset: DatasetRecord,
  referenceIds: readonly string[],
  check: (stored: number | null) => { dimension: number; vectors: Float32Array[] },
): Promise<{ uploaded: number; dimension: number; total: number }> {
  const { store, vectors: indexes } = c.get("services");
  const answer = await store.transaction(async (tx) => {
    const { dimension, vectors } = check(await tx.embeddings.dimension(dataset.id));
    const ids = await tx.embeddings.itemIds(dataset.id, referenceIds);
    const rows: NewEmbedding[] = referenceIds.map((ref, i) => {
      const itemId = ids.get(ref);
      if (itemId === undefined)
        throw badRequest(
          `embeddings[${i}].reference_id: no item of dataset ${dataset.id} has reference id ${JSON.stringify(ref)}`,
        );
      return { itemId, vector: vectors[i] as Float32Array };
    });
    const uploaded = await tx.embeddings.put(dataset.id, rows);
    return { uploaded, dimension, total: await tx.embeddings.count(dataset.id) };
  });
  indexes.changed(dataset.id);
  return answer;
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
 * The query of several examples: the mean of their unit vectors for cosine (their mean direction),
 * of the vectors themselves for L2; a 400 names the first unknown reference id or one without a vector.
 */
async function meanOf(
  c: Ctx,
  datasetId: string,
  referenceIds: readonly string[],
  metric: Metric,
): Promise<{ query: Float32Array; exclude: Set<string> }> {
  const { store } = c.get("services");
  const ids = await store.embeddings.itemIds(datasetId, referenceIds);
  const found = await store.embeddings.get(datasetId, [...ids.values()]);
  let query: Float32Array | undefined;
  referenceIds.forEach((ref, i) => {
    const itemId = ids.get(ref);
    if (itemId === undefined)
      throw badRequest(
        `reference_ids[${i}]: no item of dataset ${datasetId} has reference id ${JSON.stringify(ref)}`,
      );
    const vector = found.get(itemId)?.vector;
    if (!vector)
      throw badRequest(
        `reference_ids[${i}]: item ${JSON.stringify(ref)} has no embedding; upload its vector first`,
      );
    query ??= new Float32Array(vector.length);
    const scale = metric === "cosine" ? 1 / (norm(vector) || 1) : 1;
    for (let j = 0; j < vector.length; j += 1)
      (query as Float32Array)[j] =
        ((query as Float32Array)[j] as number) + ((vector[j] as number) * scale) / referenceIds.length;
  });
  return { query: query as Float32Array, exclude: new Set(ids.values()) };
}

/** What a search looks for. */
interface Search {
  query: Float32Array;
  metric: Metric;
  k: number;
  /** The example items, left out of their own results. */
  exclude: ReadonlySet<string>;
  /** The items a filter keeps, or undefined for every item. */
  candidates: Set<string> | undefined;
  /** Vectors the dataset holds. */
  total: number;
  /** The item searched near, which a search that went where it should finds first. */
  anchor?: string;
}

/** A search's answer: the nearest items, and how many vectors were compared (with the index: the candidates it answered). */
interface Found {
  searched: number;
  results: { item_id: string; reference_id: string; distance: number }[];
}

/** Compares the query with every vector (or every vector a narrow filter keeps), read from the store in pages. */
async function exactSearch(c: Ctx, datasetId: string, search: Search): Promise<Found> {
  const { store } = c.get("services");
  const { candidates, exclude, k } = search;
  const distance = distanceTo(search.query, search.metric);
  const top = new TopK<ItemVector>(k);
  let searched = 0;
  const consider = (records: readonly ItemVector[]) => {
    for (const record of records) {
      if (exclude.has(record.itemId) || (candidates && !candidates.has(record.itemId))) continue;
      searched += 1;
      top.offer({ value: record, key: record.itemId, distance: distance(record.vector) });
    }
  };
  if (candidates && candidates.size <= SPARSE_SHARE * search.total) {
    // A narrow filter: read only its items' vectors.
    const ids = [...candidates];
    for (let i = 0; i < ids.length; i += BY_ID)
      consider([...(await store.embeddings.get(datasetId, ids.slice(i, i + BY_ID))).values()]);
  } else {
    let cursor: string | null = null;
    do {
      const page = await store.embeddings.page(datasetId, { cursor, limit: SEARCH_PAGE });
      consider(page.records);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  const nearest = top.sorted();
  // Reference ids of the few results only: a scan reads vectors and item ids, nothing else.
  const found = await store.embeddings.get(
    datasetId,
    nearest.map((n) => n.key),
  );
  return {
    searched,
    results: nearest.flatMap(({ key, distance: d }) => {
      const record = found.get(key);
      // An item deleted since the scan read it is left out.
      return record ? [{ item_id: key, reference_id: record.referenceId, distance: d }] : [];
    }),
  };
}

/**
 * Asks the dataset's vector index for candidates, more of them the fewer items a filter keeps and
 * again with more when too few pass (or when a search near an item did not find the item), then
 * ranks them by exact distance. Answers undefined when the index would have to give too large a
 * share of the dataset: an exact search is then as quick.
 */
async function indexSearch(c: Ctx, datasetId: string, search: Search): Promise<Found | undefined> {
  const { store, vectors } = c.get("services");
  const { candidates, exclude, k, total } = search;
  const share = candidates ? Math.max(candidates.size, 1) / Math.max(total, 1) : 1;
  const gathered = await gatherCandidates({
    want: Math.ceil(Math.max(k + exclude.size, MIN_CANDIDATES) / share),
    total,
    enough: k + RERANK_SPARE,
    widenedRank: k + exclude.size + RERANK_SPARE,
    anchored: search.anchor !== undefined,
    nearest: (want) => vectors.nearest(datasetId, search.metric, search.query, want),
    async sift(hits) {
      const named = await store.embeddings.byKeys(
        datasetId,
        hits.map((h) => h.key),
      );
      const kept: string[] = [];
      let anchorFound = false;
      for (const hit of hits) {
        const item = named.get(hit.key);
        if (item?.itemId === search.anchor) anchorFound = true;
        // A key that names no item is a deleted or replaced vector the index still holds.
        if (!item || exclude.has(item.itemId) || (candidates && !candidates.has(item.itemId))) continue;
        kept.push(item.itemId);
      }
      return { kept, anchorFound };
    },
  });
  if (!gathered) return undefined;
  const stored = await store.embeddings.get(datasetId, gathered.kept);
  const distance = distanceTo(search.query, search.metric);
  const top = new TopK<string>(k);
  for (const record of stored.values())
    top.offer({ value: record.referenceId, key: record.itemId, distance: distance(record.vector) });
  return {
    searched: gathered.searched,
    results: top.sorted().map((n) => ({ item_id: n.key, reference_id: n.value, distance: n.distance })),
  };
}

/**
 * This server's embedding routes, under `ext/`: vectors per item uploaded in bulk, and k-nearest-
 * neighbour search over them (with the dataset's vector index, or exactly, read from the store a
 * page at a time).
 */
export function embeddingRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  // Uploads come first: the vector index catches up once they pause. The hold outlasts each
  // upload a little, so that a client's next request finds no index build in its way: built
  // between back-to-back uploads, the index took the cores from them and halved their rate.
  app.use(`/${routes.uploadEmbeddings.path}`, async (c, next) => {
    const release = c.get("services").vectors.hold();
    try {
      await next();
    } finally {
      setTimeout(release, UPLOAD_PAUSE_MS).unref();
    }
  });

  // The binary form of an upload (see binary-embeddings.ts); JSON bodies go on to the contract's route.
  app.post(`/${routes.uploadEmbeddings.path}`, async (c, next) => {
    const type = (c.req.header("content-type") ?? "").toLowerCase();
    if (!type.startsWith(BINARY_EMBEDDINGS_TYPE)) return next();
    const dataset = await requireDataset(c, c.req.param("datasetId") as string);
    const limit = Math.min(c.get("maxBodyBytes") ?? Number.POSITIVE_INFINITY, MAX_BINARY_BODY_BYTES);
    const upload = readBinaryEmbeddings(await readBodyBytes(c, limit));
    return c.json(
      await storeVectors(c, dataset, upload.referenceIds, (stored) => binaryVectors(upload, stored)),
    );
  });

  route(app, routes.uploadEmbeddings, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const entries = body.embeddings;
    return storeVectors(
      c,
      dataset,
      entries.map((e) => e.reference_id),
      (stored) => checkedVectors(entries, stored),
    );
  });

  route(app, routes.similarItems, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const given = [body.reference_id, body.reference_ids, body.item_id, body.vector].filter(
      (v) => v != null,
    ).length;
    if (given !== 1)
      throw badRequest(
        "reference_id, reference_ids, item_id, vector: give exactly one of them, the examples to search near",
      );
    const metric: Metric = body.metric ?? "cosine";
    const k = body.k ?? DEFAULT_K;
    const dimension = await store.embeddings.dimension(dataset.id);
    let query: Float32Array;
    let exclude = new Set<string>();
    let anchor: string | undefined;
    if (body.reference_ids) {
      ({ query, exclude } = await meanOf(c, dataset.id, body.reference_ids, metric));
    } else if (body.vector) {
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
      exclude = new Set([found.itemId]);
      anchor = found.itemId;
    }
    const candidates = await candidatesOf(c, dataset, body);
    const { exactSearchBelow } = c.get("services");
    const total = await store.embeddings.count(dataset.id);
    const narrow = candidates !== undefined && candidates.size <= SPARSE_SHARE * total;
    if (!body.exact && total >= exactSearchBelow && !narrow) {
      const found = await indexSearch(c, dataset.id, {
        query,
        metric,
        k,
        exclude,
        candidates,
        total,
        ...(anchor ? { anchor } : {}),
      });
      if (found) {
        return { metric, dimension: dimension ?? 0, method: "index" as const, ...found };
      }
    }
    return {
      metric,
      dimension: dimension ?? 0,
      method: "exact" as const,
      ...(await exactSearch(c, dataset.id, { query, metric, k, exclude, candidates, total })),
    };
  });

  return app;
}

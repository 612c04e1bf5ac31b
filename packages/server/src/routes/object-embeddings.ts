import { routes, type SimilarObjectsResponse, type WireOf } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import { distanceTo, type Metric, TopK } from "../services/nearest.js";
import type { ObjectIndexes } from "../services/object-index.js";
import type { DatasetRecord, EntityStores, ObjectVectorFilter, ObjectVectorRecord } from "../store/index.js";
import { gatherCandidates, MIN_CANDIDATES, RERANK_SPARE } from "./index-candidates.js";
import { runOf } from "./queries.js";

/** Vectors read per store call while searching. */
const SEARCH_PAGE = 2_000;
const DEFAULT_K = 10;

type Result = WireOf<typeof SimilarObjectsResponse>["results"][number];

/** The box of a box label, or the bounding box of a polygon's vertices. */
export function boxOf(
  type: "box" | "polygon",
  geometry: Record<string, unknown>,
): { x: number; y: number; width: number; height: number } {
  if (type === "box") {
    const { x, y, width, height } = geometry as { x: number; y: number; width: number; height: number };
    return { x, y, width, height };
  }
  const vertices = (geometry.vertices ?? []) as { x: number; y: number }[];
  const xs = vertices.map((v) => v.x);
  const ys = vertices.map((v) => v.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** One found object as the route answers it. */
function resultOf(record: ObjectVectorRecord, distance: number): Result {
  const payload = record.payload as {
    type: "box" | "polygon";
    annotation_id?: string | null;
    geometry: Record<string, unknown>;
  };
  return {
    object_id: record.objectId,
    source: record.source,
    model_run_id: record.runId,
    annotation_id: payload.annotation_id ?? null,
    item_id: record.itemId,
    reference_id: record.referenceId,
    label: record.label,
    type: payload.type,
    geometry: payload.geometry,
    box: boxOf(payload.type, payload.geometry),
    distance,
  };
}

/** A filter keeping at most this share of the object vectors is searched exactly. */
const SPARSE_SHARE = 0.25;
/** What an index search looks for. */
interface Search {
  query: Float32Array;
  metric: Metric;
  k: number;
  exclude: string | undefined;
  filter: ObjectVectorFilter;
  /** Object vectors the filter keeps, and the dataset's in all. */
  kept: number;
  total: number;
}

const keeps = (filter: ObjectVectorFilter, record: ObjectVectorRecord) =>
  (!filter.source || record.source === filter.source) &&
  (!filter.runId || record.runId === filter.runId) &&
  (filter.label === undefined || record.label === filter.label);

/**
 * Asks the dataset's object index for candidates (more of them the fewer objects the filter
 * keeps, and again with more when too few pass or a search near an object did not find it), then
 * ranks them by their exact distances.
 * Answers undefined when the index is behind or would have to give too large a share.
 */
async function indexSearch(
  store: Pick<EntityStores, "objectVectors">,
  objects: ObjectIndexes,
  datasetId: string,
  search: Search,
): Promise<{ searched: number; results: Result[] } | undefined> {
  const { k, total, filter, exclude } = search;
  const share = Math.max(search.kept, 1) / Math.max(total, 1);
  const gathered = await gatherCandidates({
    want: Math.ceil(Math.max(k + 1, MIN_CANDIDATES) / share),
    total,
    enough: k + RERANK_SPARE,
    widenedRank: k + 1 + RERANK_SPARE,
    anchored: exclude !== undefined,
    nearest: (want) => objects.nearest(datasetId, search.metric, search.query, want, total),
    async sift(keys) {
      const records = [...(await store.objectVectors.byKeys(datasetId, keys)).values()];
      return {
        // A key missing from the store is a vector replaced or deleted since the index took it.
        kept: records.filter((r) => r.objectId !== exclude && keeps(filter, r)),
        // A search near an object that did not find the object itself ended in another cluster.
        anchorFound: exclude !== undefined && records.some((r) => r.objectId === exclude),
      };
    },
  });
  if (!gathered) return undefined;
  const distance = distanceTo(search.query, search.metric);
  const top = new TopK<ObjectVectorRecord>(k);
  for (const record of gathered.kept)
    if (record.vector.length === search.query.length)
      top.offer({ value: record, key: record.objectId, distance: distance(record.vector) });
  return { searched: gathered.searched, results: top.sorted().map((n) => resultOf(n.value, n.distance)) };
}

/** The server id of an object named by its item's reference id and its annotation id, or a 400. */
async function objectIdOf(
  c: Ctx,
  dataset: DatasetRecord,
  object: { reference_id: string; annotation_id: string; model_run_id?: string | null },
): Promise<string> {
  const { store } = c.get("services");
  const item = await store.items.find(dataset.id, { referenceId: object.reference_id });
  if (!item)
    throw badRequest(
      `object.reference_id: no item of dataset ${dataset.id} has reference id ${JSON.stringify(object.reference_id)}`,
    );
  const run = await runOf(c, dataset, object.model_run_id);
  const label = await store.labels.find(
    run
      ? { kind: "predictions", datasetId: dataset.id, runId: run.id }
      : { kind: "annotations", datasetId: dataset.id },
    { itemId: item.id, annotationId: object.annotation_id },
  );
  if (!label)
    throw badRequest(
      `object.annotation_id: item ${JSON.stringify(object.reference_id)} has no ${run ? `prediction of run ${run.id}` : "annotation"} with annotation id ${JSON.stringify(object.annotation_id)}`,
    );
  return label.id;
}

/**
 * Object similarity search under `ext/`: the nearest box and polygon annotations and predictions
 * to an object or a vector, found by comparing every object vector the filters keep (read from
 * the store a page at a time, only the best `k` held).
 */
export function objectEmbeddingRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.similarObjects, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    if ([body.object_id, body.object, body.vector].filter((v) => v != null).length !== 1)
      throw badRequest(
        "object_id, object, vector: give exactly one of them, the object or the vector to search near",
      );
    const metric: Metric = body.metric ?? "cosine";
    const k = body.k ?? DEFAULT_K;
    const filter: ObjectVectorFilter = {};
    if (body.source) filter.source = body.source;
    if (body.model_run_id) {
      if (body.source === "annotation")
        throw badRequest(
          'model_run_id: names a run\'s predictions, but source is "annotation"; leave one of them out',
        );
      filter.runId = (await runOf(c, dataset, body.model_run_id))?.id as string;
      filter.source = "prediction";
    }
    if (body.label != null) filter.label = body.label;
    const dimension = await store.objectVectors.dimension(dataset.id);
    if (dimension === null)
      throw badRequest(
        `dataset ${dataset.id} has no object vectors: upload boxes or polygons with an embedding_vector first`,
      );
    let query: Float32Array;
    let exclude: string | undefined;
    if (body.vector) {
      if (body.vector.length !== dimension)
        throw badRequest(
          `vector: has ${body.vector.length} numbers, but the dataset's object vectors have ${dimension}`,
        );
      query = Float32Array.from(body.vector);
    } else {
      const id = body.object ? await objectIdOf(c, dataset, body.object) : (body.object_id as string);
      const found = (await store.objectVectors.get(dataset.id, [id])).get(id);
      if (!found)
        throw badRequest(
          body.object
            ? `object: the ${body.object.model_run_id ? "prediction" : "annotation"} ${JSON.stringify(body.object.annotation_id)} of item ${JSON.stringify(body.object.reference_id)} has no embedding_vector`
            : `object_id: ${JSON.stringify(id)} names no annotation or prediction of dataset ${dataset.id} with an embedding_vector`,
        );
      query = found.vector;
      exclude = found.objectId;
    }
    const { exactSearchBelow, objects } = c.get("services");
    const total = await store.objectVectors.count(dataset.id);
    const kept = Object.keys(filter).length > 0 ? await store.objectVectors.count(dataset.id, filter) : total;
    if (!body.exact && total >= exactSearchBelow && kept > SPARSE_SHARE * total) {
      const found = await indexSearch(store, objects, dataset.id, {
        query,
        metric,
        k,
        exclude,
        filter,
        kept,
        total,
      });
      if (found) return { metric, dimension, method: "index" as const, ...found };
    }
    const distance = distanceTo(query, metric);
    const top = new TopK<string>(k);
    let searched = 0;
    let cursor: string | null = null;
    do {
      const page = await store.objectVectors.page(dataset.id, filter, { cursor, limit: SEARCH_PAGE });
      for (const record of page.records) {
        // A vector of another length cannot be compared (only a race between first uploads makes one).
        if (record.objectId === exclude || record.vector.length !== query.length) continue;
        searched += 1;
        top.offer({ value: record.objectId, key: record.objectId, distance: distance(record.vector) });
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    const nearest = top.sorted();
    const records = await store.objectVectors.get(
      dataset.id,
      nearest.map((n) => n.key),
    );
    return {
      metric,
      dimension,
      searched,
      method: "exact" as const,
      results: nearest.flatMap((n) => {
        const record = records.get(n.key);
        // An object deleted since the scan read it is left out.
        return record ? [resultOf(record, n.distance)] : [];
      }),
    };
  });

  return app;
}

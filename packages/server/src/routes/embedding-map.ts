import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, conflict, notFound } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import {
  EMBEDDING_MAP_JOB_TYPE,
  type EmbeddingMapJobSpec,
  vectorsVersion,
} from "../services/embedding-map/job.js";
import type { DatasetRecord, EmbeddingMapRecord, JobSpec } from "../store/index.js";
import { runOf } from "./queries.js";

const DEFAULT_PAGE = 10_000;
/** Item ids read per store call when a query picks the points. */
const QUERY_PAGE = 5_000;

/** The ids of the items a query selects. */
async function selected(c: Ctx, dataset: DatasetRecord, text: string, runId: string | undefined) {
  const { store } = c.get("services");
  const run = await runOf(c, dataset, runId);
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await store.queries.items(
      dataset.id,
      { text, runId: run?.id },
      { cursor, limit: QUERY_PAGE },
    );
    for (const item of page.records) ids.add(item.id);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/** A map as the wire shows it, with whether the vectors changed since it was computed. */
async function mapWire(c: Ctx, map: EmbeddingMapRecord, cached?: boolean) {
  const stale = map.version !== (await vectorsVersion(c.get("services").store, map.datasetId));
  return {
    dataset_id: map.datasetId,
    method: map.method,
    status: map.status,
    job_id: map.jobId,
    stale,
    ...(cached === undefined ? {} : { cached }),
    points: map.points,
    details: map.details,
    updated_at: map.updatedAt,
  };
}

/** The dataset's map, or a 404 saying how to make one. */
async function requireMap(c: Ctx, datasetId: string): Promise<EmbeddingMapRecord> {
  const map = await c.get("services").store.embeddingMaps.get(datasetId);
  if (!map)
    throw notFound(
      "Embedding map of dataset",
      `${datasetId} (compute it: POST ext/datasets/${datasetId}/embedding_map)`,
    );
  return map;
}

/**
 * Embedding map routes, under `ext/`: compute a dataset's 2-D map as a job (or answer the kept
 * one while the vectors are unchanged), read how it stands, and read its points in pages.
 */
export function embeddingMapRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.computeEmbeddingMap, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store, jobs } = c.get("services");
    if ((await store.embeddings.count(dataset.id)) === 0)
      throw badRequest(
        `dataset ${dataset.id} has no vectors: upload them (ext/datasets/${dataset.id}/embeddings) before mapping them`,
      );
    const method = body.method ?? "pca";
    const kept = await store.embeddingMaps.get(dataset.id);
    if (
      kept &&
      !body.force &&
      kept.method === method &&
      kept.status !== "Errored" &&
      kept.version === (await vectorsVersion(store, dataset.id))
    )
      return mapWire(c, kept, true);
    const spec: EmbeddingMapJobSpec = { type: EMBEDDING_MAP_JOB_TYPE, datasetId: dataset.id, method };
    const job = await store.jobs.create(c.get("tenant"), {
      datasetId: dataset.id,
      type: EMBEDDING_MAP_JOB_TYPE,
      // The runner hands specs of types it does not know to their handler as they were stored.
      spec: spec as unknown as JobSpec,
    });
    // Recorded before the job starts, so a read right after sees the computation under way.
    await store.embeddingMaps.begin(dataset.id, {
      method,
      version: await vectorsVersion(store, dataset.id),
      jobId: job.id,
    });
    jobs.start(job.id);
    return mapWire(c, (await store.embeddingMaps.get(dataset.id)) as EmbeddingMapRecord, false);
  });

  route(app, routes.embeddingMap, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return mapWire(c, await requireMap(c, dataset.id));
  });

  route(app, routes.embeddingMapPoints, async ({ params, query }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const map = await requireMap(c, dataset.id);
    const wire = await mapWire(c, map);
    if (map.status !== "Completed")
      throw conflict(
        `the embedding map of dataset ${dataset.id} is ${map.status} (job ${map.jobId}): read its points once it completed`,
      );
    if (wire.stale)
      throw conflict(
        `the vectors of dataset ${dataset.id} changed since its embedding map was computed: compute it again (POST ext/datasets/${dataset.id}/embedding_map)`,
      );
    const keep = query.query?.trim()
      ? await selected(c, dataset, query.query, query.model_run_id)
      : undefined;
    const page = await c
      .get("services")
      .store.embeddingMaps.points(dataset.id, { cursor: query.cursor, limit: query.limit ?? DEFAULT_PAGE });
    return {
      map: wire,
      points: page.records
        .filter((p) => !keep || keep.has(p.itemId))
        .map((p) => ({ item_id: p.itemId, reference_id: p.referenceId, x: p.x, y: p.y })),
      next_cursor: page.nextCursor,
    };
  });

  return app;
}

/**
 * Embedding maps: a 2-D projection of a dataset's item vectors (PCA), computed as a job and kept
 * until the vectors change, read back as points a page at a time. This server's own routes.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";

/** The most points one page holds. */
export const MAX_MAP_PAGE = 50_000;

/** The wire schema of {@link ComputeEmbeddingMapRequest}. */
export const ComputeEmbeddingMapRequestSchema = z.looseObject({
  /** `pca`, the only projection this server computes. */
  method: z.enum(["pca"], { error: 'must be "pca"' }).nullish(),
  /** Compute again even when the kept map is up to date. */
  force: z.boolean({ error: "must be true or false" }).nullish(),
});
/**
 * `POST ext/datasets/{id}/embedding_map`: starts computing the dataset's map, unless the kept map
 * was made from the current vectors (then it answers that one, with `cached: true`).
 *
 * @example
 * ```ts
 * import { ComputeEmbeddingMapRequest } from "@nucleus/schemas";
 *
 * ComputeEmbeddingMapRequest.encode({ method: "pca" });
 * ```
 */
export const ComputeEmbeddingMapRequest = createCodec(ComputeEmbeddingMapRequestSchema);
/** Body of a map computation. */
export type ComputeEmbeddingMapRequest = Camelize<z.output<typeof ComputeEmbeddingMapRequestSchema>>;

/** The wire schema of {@link EmbeddingMapInfo}. */
export const EmbeddingMapInfoSchema = z.looseObject({
  dataset_id: z.string(),
  method: z.string(),
  /** `Running`, `Completed` or `Errored`. */
  status: z.string(),
  job_id: z.string(),
  /** True when the vectors changed since the map was computed: compute it again. */
  stale: z.boolean(),
  /** True when a computation request found the kept map up to date and started nothing. */
  cached: z.boolean().optional(),
  points: z.int().min(0),
  /** What the projection found: for PCA, `explained_variance` (the share per axis) and `iterations`. */
  details: z.record(z.string(), z.unknown()),
  updated_at: z.string(),
});
/**
 * A dataset's map: how it was computed, whether it is current, how many points it has.
 *
 * @example
 * ```ts
 * import { EmbeddingMapInfo } from "@nucleus/schemas";
 *
 * EmbeddingMapInfo.decode({
 *   dataset_id: "ds_1", method: "pca", status: "Completed", job_id: "job_1", stale: false,
 *   points: 1000, details: {}, updated_at: "2024-01-01T00:00:00Z",
 * });
 * ```
 */
export const EmbeddingMapInfo = createCodec(EmbeddingMapInfoSchema);
/** A dataset's map. */
export type EmbeddingMapInfo = Camelize<z.output<typeof EmbeddingMapInfoSchema>>;

/** The wire schema of {@link EmbeddingMapPointsQuery}. */
export const EmbeddingMapPointsQuerySchema = z.looseObject({
  limit: z.coerce
    .number()
    .pipe(
      z
        .int({ error: `must be an integer from 1 to ${MAX_MAP_PAGE}` })
        .min(1, { error: `must be an integer from 1 to ${MAX_MAP_PAGE}` })
        .max(MAX_MAP_PAGE, { error: `must be an integer from 1 to ${MAX_MAP_PAGE}` }),
    )
    .optional(),
  cursor: z.string().optional(),
  /** Only the points of the items this query selects (to colour or pick a subset). */
  query: z.string().optional(),
  /** The run `predictions.*` in `query` counts. */
  model_run_id: z.string().optional(),
});
/**
 * The query of `GET ext/datasets/{id}/embedding_map/points`: `limit` points per page (default
 * 10,000), from a `cursor` an earlier page gave; with `query`, only the points of the items it
 * selects (a page then may hold fewer than `limit` points before the last).
 *
 * @example
 * ```ts
 * import { EmbeddingMapPointsQuery } from "@nucleus/schemas";
 *
 * EmbeddingMapPointsQuery.decode({ limit: "5000" }); // { limit: 5000 }
 * ```
 */
export const EmbeddingMapPointsQuery = createCodec(EmbeddingMapPointsQuerySchema);
/** Which points to read. */
export type EmbeddingMapPointsQuery = Camelize<z.output<typeof EmbeddingMapPointsQuerySchema>>;

/** The wire schema of {@link EmbeddingMapPointsResponse}. */
export const EmbeddingMapPointsResponseSchema = z.looseObject({
  map: EmbeddingMapInfoSchema,
  points: z.array(
    z.looseObject({ item_id: z.string(), reference_id: z.string(), x: z.number(), y: z.number() }),
  ),
  next_cursor: z.string().nullable(),
});
/**
 * A page of the map's points, in item id order.
 *
 * @example
 * ```ts
 * import { EmbeddingMapPointsResponse } from "@nucleus/schemas";
 *
 * EmbeddingMapPointsResponse.decode({
 *   map: {
 *     dataset_id: "ds_1", method: "pca", status: "Completed", job_id: "job_1", stale: false,
 *     points: 1, details: {}, updated_at: "2024-01-01T00:00:00Z",
 *   },
 *   points: [{ item_id: "di_1", reference_id: "img_1", x: 0.5, y: -1.2 }],
 *   next_cursor: null,
 * });
 * ```
 */
export const EmbeddingMapPointsResponse = createCodec(EmbeddingMapPointsResponseSchema);
/** A page of map points. */
export type EmbeddingMapPointsResponse = Camelize<z.output<typeof EmbeddingMapPointsResponseSchema>>;

/**
 * The embedding map routes, this server's own (under `ext/`).
 *
 * @example
 * ```ts
 * import { embeddingMapRoutes } from "@nucleus/schemas";
 *
 * embeddingMapRoutes.embeddingMapPoints.path; // "ext/datasets/:datasetId/embedding_map/points"
 * ```
 */
export const embeddingMapRoutes = defineRoutes({
  computeEmbeddingMap: {
    method: "POST",
    path: "ext/datasets/:datasetId/embedding_map",
    summary:
      "Starts computing a 2-D map (PCA) of the dataset's item vectors as a job, unless the kept map is current.",
    body: ComputeEmbeddingMapRequest,
    localOnly: true,
    response: EmbeddingMapInfo,
  },
  embeddingMap: {
    method: "GET",
    path: "ext/datasets/:datasetId/embedding_map",
    summary: "The dataset's map: method, status, whether the vectors changed since, point count.",
    localOnly: true,
    response: EmbeddingMapInfo,
  },
  embeddingMapPoints: {
    method: "GET",
    path: "ext/datasets/:datasetId/embedding_map/points",
    summary: "The map's points (item id, reference id, x, y), a page at a time; 409 while it is not current.",
    query: EmbeddingMapPointsQuery,
    localOnly: true,
    response: EmbeddingMapPointsResponse,
  },
});

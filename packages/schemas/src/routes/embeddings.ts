/** Embeddings: vectors per item uploaded in bulk, nearest-neighbour search over them, and near-duplicate groups. */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { Job } from "../jobs.js";

/** The most vectors one upload request carries. */
export const MAX_EMBEDDINGS_PER_REQUEST = 10_000;
/** The most neighbours one search returns. */
export const MAX_SIMILAR_K = 1_000;
/** The longest vector accepted. */
export const MAX_EMBEDDING_DIMENSION = 4_096;

/** The first entry of a list that is not a finite number, or -1. */
export function firstNonFinite(values: readonly unknown[]): number {
  for (let i = 0; i < values.length; i += 1) {
    const x = values[i];
    if (typeof x !== "number" || !Number.isFinite(x)) return i;
  }
  return -1;
}

// One loop over the numbers rather than a schema per number: an upload carries millions of them.
const vector = z
  .custom<number[]>((value) => Array.isArray(value), { error: "must be a list of numbers" })
  .check((ctx) => {
    const values = ctx.value;
    if (values.length === 0 || values.length > MAX_EMBEDDING_DIMENSION) {
      ctx.issues.push({
        code: "custom",
        input: values,
        message: `must hold 1 to ${MAX_EMBEDDING_DIMENSION} numbers, not ${values.length}`,
      });
      return;
    }
    const bad = firstNonFinite(values);
    if (bad >= 0)
      ctx.issues.push({
        code: "custom",
        input: values,
        path: [bad],
        message: `must be a finite number, got ${typeof values[bad] === "number" ? String(values[bad]) : JSON.stringify(values[bad])}`,
      });
  });

/** The wire schema of {@link UploadEmbeddingsRequest}. */
export const UploadEmbeddingsRequestSchema = z.looseObject({
  embeddings: z
    .array(
      z.looseObject({
        reference_id: z.string({ error: "must be a string" }).min(1, { error: "must be a non-empty string" }),
        vector,
      }),
      { error: "must be a list of {reference_id, vector}" },
    )
    .min(1, { error: "must list at least one embedding" })
    .max(MAX_EMBEDDINGS_PER_REQUEST, {
      error: `must list at most ${MAX_EMBEDDINGS_PER_REQUEST} embeddings (send more requests)`,
    }),
});
/**
 * `POST ext/datasets/{id}/embeddings`: stores one vector per item, by reference id, replacing an
 * item's earlier vector. Every vector of a dataset has the same length; a bad entry refuses the
 * whole request.
 *
 * @example
 * ```ts
 * import { UploadEmbeddingsRequest } from "@nucleus/schemas";
 *
 * UploadEmbeddingsRequest.encode({ embeddings: [{ referenceId: "img_1", vector: [0.1, 0.2] }] });
 * ```
 */
export const UploadEmbeddingsRequest = createCodec(UploadEmbeddingsRequestSchema);
/** Body of an embeddings upload. */
export type UploadEmbeddingsRequest = Camelize<z.output<typeof UploadEmbeddingsRequestSchema>>;

/** The wire schema of {@link UploadEmbeddingsResponse}. */
export const UploadEmbeddingsResponseSchema = z.looseObject({
  uploaded: z.int().min(0),
  dimension: z.int().min(1),
  /** Vectors the dataset holds after the upload. */
  total: z.int().min(0),
});
/**
 * What an embeddings upload stored: how many vectors, their length, and the dataset's total.
 *
 * @example
 * ```ts
 * import { UploadEmbeddingsResponse } from "@nucleus/schemas";
 *
 * UploadEmbeddingsResponse.decode({ uploaded: 2, dimension: 512, total: 2 });
 * ```
 */
export const UploadEmbeddingsResponse = createCodec(UploadEmbeddingsResponseSchema);
/** The answer to an embeddings upload. */
export type UploadEmbeddingsResponse = Camelize<z.output<typeof UploadEmbeddingsResponseSchema>>;

/** The wire schema of {@link SimilarItemsRequest}. */
export const SimilarItemsRequestSchema = z.looseObject({
  reference_id: z.string().min(1, { error: "must be a non-empty string" }).nullish(),
  item_id: z.string().min(1, { error: "must be a non-empty string" }).nullish(),
  vector: vector.nullish(),
  k: z
    .int({ error: `must be an integer from 1 to ${MAX_SIMILAR_K}` })
    .min(1, { error: `must be an integer from 1 to ${MAX_SIMILAR_K}` })
    .max(MAX_SIMILAR_K, { error: `must be an integer from 1 to ${MAX_SIMILAR_K}` })
    .nullish(),
  metric: z.enum(["cosine", "l2"], { error: 'must be "cosine" or "l2"' }).nullish(),
  query: z.string().nullish(),
  model_run_id: z.string().nullish(),
  slice_id: z.string().min(1, { error: "must be a non-empty string" }).nullish(),
  /** Compare every vector instead of asking the dataset's vector index (slower; the reference). */
  exact: z.boolean({ error: "must be true or false" }).nullish(),
});
/**
 * `POST ext/datasets/{id}/similar`: the `k` items (default 10) nearest to an item (by reference
 * id or item id, the item itself left out) or to a raw vector, by cosine distance (default) or
 * Euclidean distance, among the items a query or a slice selects (every item by default).
 *
 * @example
 * ```ts
 * import { SimilarItemsRequest } from "@nucleus/schemas";
 *
 * SimilarItemsRequest.encode({ referenceId: "img_1", k: 5, query: 'metadata.weather = "fog"' });
 * ```
 */
export const SimilarItemsRequest = createCodec(SimilarItemsRequestSchema);
/** Body of a similarity search. */
export type SimilarItemsRequest = Camelize<z.output<typeof SimilarItemsRequestSchema>>;

/** The wire schema of {@link SimilarItemsResponse}. */
export const SimilarItemsResponseSchema = z.looseObject({
  metric: z.enum(["cosine", "l2"]),
  dimension: z.int().min(0),
  /** Vectors compared (with the index: candidates it answered). */
  searched: z.int().min(0),
  /**
   * How the answer was found: `exact` compares every vector (small datasets, narrow filters, or
   * `exact: true`); `index` asks the dataset's approximate nearest-neighbour index, then ranks its
   * candidates by their exact distances.
   */
  method: z.enum(["exact", "index"]).optional(),
  results: z.array(
    z.looseObject({
      item_id: z.string(),
      reference_id: z.string(),
      distance: z.number(),
    }),
  ),
});
/**
 * The nearest items, nearest first (ties by item id): cosine distance is `1 - cos`, in [0, 2].
 *
 * @example
 * ```ts
 * import { SimilarItemsResponse } from "@nucleus/schemas";
 *
 * SimilarItemsResponse.decode({ metric: "cosine", dimension: 2, searched: 1, results: [] });
 * ```
 */
export const SimilarItemsResponse = createCodec(SimilarItemsResponseSchema);
/** The answer to a similarity search. */
export type SimilarItemsResponse = Camelize<z.output<typeof SimilarItemsResponseSchema>>;

/** The wire schema of {@link NearDuplicatesRequest}. */
export const NearDuplicatesRequestSchema = z.looseObject({
  threshold: z
    .number({ error: "must be a number from 0 to 2" })
    .min(0, { error: "must be a number from 0 to 2" })
    .max(2, { error: "must be a number from 0 to 2" })
    .nullish(),
  metric: z.enum(["cosine", "l2"], { error: 'must be "cosine" or "l2"' }).nullish(),
  neighbours: z
    .int({ error: "must be an integer from 1 to 100" })
    .min(1, { error: "must be an integer from 1 to 100" })
    .max(100, { error: "must be an integer from 1 to 100" })
    .nullish(),
});
/**
 * `POST ext/datasets/{id}/near_duplicates`: starts a job that groups the items whose vectors lie
 * within `threshold` of each other (default 0.05; cosine distance `1 - cos`, or Euclidean distance
 * with `metric: "l2"`), joining pairs transitively. Each vector's `neighbours` nearest (default 10)
 * are compared. Answers the job; read the groups when it completed.
 *
 * @example
 * ```ts
 * import { NearDuplicatesRequest } from "@nucleus/schemas";
 *
 * NearDuplicatesRequest.encode({ threshold: 0.02 });
 * ```
 */
export const NearDuplicatesRequest = createCodec(NearDuplicatesRequestSchema);
/** Body of a near-duplicate search. */
export type NearDuplicatesRequest = Camelize<z.output<typeof NearDuplicatesRequestSchema>>;

/** The wire schema of {@link NearDuplicateGroups}. */
export const NearDuplicateGroupsSchema = z.looseObject({
  job_id: z.string(),
  metric: z.enum(["cosine", "l2"]),
  threshold: z.number(),
  /** Vectors compared. */
  searched: z.int().min(0),
  /** Items beyond the first of each group: what a deduplicated slice leaves out. */
  duplicates: z.int().min(0),
  groups: z.array(
    z.looseObject({
      items: z.array(z.looseObject({ item_id: z.string(), reference_id: z.string() })),
    }),
  ),
});
/**
 * `GET ext/datasets/{id}/near_duplicates/{jobId}`: a finished near-duplicate job's groups, each
 * with its items (two or more; the first is the one a deduplicated slice keeps).
 *
 * @example
 * ```ts
 * import { NearDuplicateGroups } from "@nucleus/schemas";
 *
 * NearDuplicateGroups.decode({
 *   job_id: "job_1",
 *   metric: "cosine",
 *   threshold: 0.05,
 *   searched: 3,
 *   duplicates: 1,
 *   groups: [{ items: [{ item_id: "di_1", reference_id: "a" }, { item_id: "di_2", reference_id: "b" }] }],
 * });
 * ```
 */
export const NearDuplicateGroups = createCodec(NearDuplicateGroupsSchema);
/** The groups a near-duplicate job found. */
export type NearDuplicateGroups = Camelize<z.output<typeof NearDuplicateGroupsSchema>>;

/** The wire schema of {@link NearDuplicateSliceRequest}. */
export const NearDuplicateSliceRequestSchema = z.looseObject({
  name: z.string().min(1, { error: "must be a non-empty string" }),
  keep: z.enum(["unique", "groups"], { error: 'must be "unique" or "groups"' }).nullish(),
});
/**
 * `POST ext/datasets/{id}/near_duplicates/{jobId}/slice`: a slice from a finished job's groups:
 * with `keep: "unique"` (the default) every item of the dataset but the duplicates (one item kept
 * per group); with `keep: "groups"` the items of the groups only.
 *
 * @example
 * ```ts
 * import { NearDuplicateSliceRequest } from "@nucleus/schemas";
 *
 * NearDuplicateSliceRequest.encode({ name: "deduplicated" });
 * ```
 */
export const NearDuplicateSliceRequest = createCodec(NearDuplicateSliceRequestSchema);
/** Body of a slice made from near-duplicate groups. */
export type NearDuplicateSliceRequest = Camelize<z.output<typeof NearDuplicateSliceRequestSchema>>;

/** The wire schema of {@link NearDuplicateSliceResponse}. */
export const NearDuplicateSliceResponseSchema = z.looseObject({
  slice_id: z.string(),
  name: z.string(),
  /** Items in the slice. */
  items: z.int().min(0),
});
/**
 * The slice made from near-duplicate groups.
 *
 * @example
 * ```ts
 * import { NearDuplicateSliceResponse } from "@nucleus/schemas";
 *
 * NearDuplicateSliceResponse.decode({ slice_id: "slc_1", name: "deduplicated", items: 2 });
 * ```
 */
export const NearDuplicateSliceResponse = createCodec(NearDuplicateSliceResponseSchema);
/** The answer to making a slice from near-duplicate groups. */
export type NearDuplicateSliceResponse = Camelize<z.output<typeof NearDuplicateSliceResponseSchema>>;

/**
 * The embedding routes, this server's own (under `ext/`).
 *
 * @example
 * ```ts
 * import { embeddingRoutes } from "@nucleus/schemas";
 *
 * embeddingRoutes.similarItems.path; // "ext/datasets/:datasetId/similar"
 * ```
 */
export const embeddingRoutes = defineRoutes({
  uploadEmbeddings: {
    method: "POST",
    path: "ext/datasets/:datasetId/embeddings",
    summary:
      "Stores one vector per item (by reference id); all of a dataset's vectors have one length, and a bad entry refuses the request.",
    body: UploadEmbeddingsRequest,
    idempotent: true,
    localOnly: true,
    response: UploadEmbeddingsResponse,
  },
  similarItems: {
    method: "POST",
    path: "ext/datasets/:datasetId/similar",
    summary:
      "The k items nearest to an item or a vector (cosine or L2; a vector index on large datasets, exact search on small ones), optionally among a query's or a slice's items.",
    body: SimilarItemsRequest,
    idempotent: true,
    localOnly: true,
    response: SimilarItemsResponse,
  },
  nearDuplicates: {
    method: "POST",
    path: "ext/datasets/:datasetId/near_duplicates",
    summary:
      "Starts a job that groups the items whose vectors lie within a distance of each other (near-duplicates).",
    body: NearDuplicatesRequest,
    localOnly: true,
    response: Job,
  },
  nearDuplicateGroups: {
    method: "GET",
    path: "ext/datasets/:datasetId/near_duplicates/:jobId",
    summary: "A finished near-duplicate job's groups of items.",
    localOnly: true,
    response: NearDuplicateGroups,
  },
  nearDuplicateSlice: {
    method: "POST",
    path: "ext/datasets/:datasetId/near_duplicates/:jobId/slice",
    summary:
      "Makes a slice from a near-duplicate job's groups: the dataset with one item kept per group, or the groups' items.",
    body: NearDuplicateSliceRequest,
    localOnly: true,
    response: NearDuplicateSliceResponse,
  },
});

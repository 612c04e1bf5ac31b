/** Embeddings: vectors per item, uploaded in bulk, and exact nearest-neighbour search over them. */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";

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
});

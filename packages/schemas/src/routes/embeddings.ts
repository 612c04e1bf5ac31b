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
  /** Several examples: the search is near their mean direction (cosine) or mean (L2). */
  reference_ids: z
    .array(z.string().min(1, { error: "must be a non-empty string" }), {
      error: "must be a list of reference ids",
    })
    .min(1, { error: "must name 1 to 100 items" })
    .max(100, { error: "must name 1 to 100 items" })
    .nullish(),
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
 * id or item id, the item itself left out), to several items (`reference_ids`: near their mean,
 * all of them left out) or to a raw vector, by cosine distance (default) or
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

/** The wire schema of {@link CreateCustomIndexRequest}. */
export const CreateCustomIndexRequestSchema = z.looseObject({
  embeddings_urls: z
    .array(z.string().min(1, { error: "must be a non-empty URL" }), { error: "must be a list of URLs" })
    .min(1, { error: "must name at least one file" }),
  embedding_dimension: z
    .int({ error: `must be an integer from 1 to ${MAX_EMBEDDING_DIMENSION}` })
    .min(1, { error: `must be an integer from 1 to ${MAX_EMBEDDING_DIMENSION}` })
    .max(MAX_EMBEDDING_DIMENSION, { error: `must be an integer from 1 to ${MAX_EMBEDDING_DIMENSION}` }),
});
/**
 * `POST indexing/{datasetId}` (the official client's `Dataset.create_custom_index`): starts a
 * `customIndexing` job that reads each URL (a JSON object of reference id to vector) and stores
 * the vectors as the items' embeddings.
 *
 * @example
 * ```ts
 * import { CreateCustomIndexRequest } from "@nucleus/schemas";
 *
 * CreateCustomIndexRequest.encode({ embeddingsUrls: ["https://files.example/e1.json"], embeddingDimension: 512 });
 * ```
 */
export const CreateCustomIndexRequest = createCodec(CreateCustomIndexRequestSchema);
/** Body of `create_custom_index`. */
export type CreateCustomIndexRequest = Camelize<z.output<typeof CreateCustomIndexRequestSchema>>;

/** The wire schema of {@link DeleteCustomIndexResponse}. */
export const DeleteCustomIndexResponseSchema = z.looseObject({
  dataset_id: z.string(),
  job_id: z.string(),
  message: z.string(),
});
/**
 * The answer to `DELETE indexing/{datasetId}` (`Dataset.delete_custom_index`): the dataset's item
 * vectors and its vector index are deleted; the job is done when this answers.
 *
 * @example
 * ```ts
 * import { DeleteCustomIndexResponse } from "@nucleus/schemas";
 *
 * DeleteCustomIndexResponse.decode({ dataset_id: "ds_1", job_id: "job_1", message: "Deleted 3 embeddings" });
 * ```
 */
export const DeleteCustomIndexResponse = createCodec(DeleteCustomIndexResponseSchema);
/** The answer to deleting a custom index. */
export type DeleteCustomIndexResponse = Camelize<z.output<typeof DeleteCustomIndexResponseSchema>>;

/** The wire schema of {@link EmbeddingIndexList}. */
export const EmbeddingIndexListSchema = z.looseObject({
  embedding_indexes: z.array(
    z.looseObject({
      id: z.string(),
      status: z.string(),
      index_type: z.string(),
      index_level: z.string(),
      embedding_type: z.string(),
      embedding_dimension: z.int().min(0),
    }),
  ),
});
/**
 * `GET dataset/{id}/embeddingIndexes` (`Dataset.embedding_indexes`): the dataset's index of item
 * vectors, when it has vectors (`Custom`, `Image` level; `Completed` once every stored vector is
 * indexed, `Started` before).
 *
 * @example
 * ```ts
 * import { EmbeddingIndexList } from "@nucleus/schemas";
 *
 * EmbeddingIndexList.decode({ embedding_indexes: [] });
 * ```
 */
export const EmbeddingIndexList = createCodec(EmbeddingIndexListSchema);
/** A dataset's embedding indexes. */
export type EmbeddingIndexList = Camelize<z.output<typeof EmbeddingIndexListSchema>>;

/** The wire schema of {@link IndexingStatusRequest}. */
export const IndexingStatusRequestSchema = z.looseObject({
  image: z.boolean({ error: "must be true or false" }).nullish(),
  model_run_id: z.string().nullish(),
});
/**
 * `POST dataset/{id}/indexingStatus`: how much of the dataset's items (`image: true`) or objects
 * is indexed.
 *
 * @example
 * ```ts
 * import { IndexingStatusRequest } from "@nucleus/schemas";
 *
 * IndexingStatusRequest.encode({ image: true });
 * ```
 */
export const IndexingStatusRequest = createCodec(IndexingStatusRequestSchema);
/** Body of an indexing status request. */
export type IndexingStatusRequest = Camelize<z.output<typeof IndexingStatusRequestSchema>>;

/** The wire schema of {@link IndexingStatus}. */
export const IndexingStatusSchema = z.looseObject({
  embedding_count: z.int().min(0),
  image_count: z.int().min(0).optional(),
  object_count: z.int().min(0).optional(),
  percent_indexed: z.number(),
  additional_context: z.string().nullable(),
});
/**
 * Vectors indexed against items (or objects) in all, and the share as a percentage.
 *
 * @example
 * ```ts
 * import { IndexingStatus } from "@nucleus/schemas";
 *
 * IndexingStatus.decode({ embedding_count: 3, image_count: 4, percent_indexed: 75, additional_context: null });
 * ```
 */
export const IndexingStatus = createCodec(IndexingStatusSchema);
/** An indexing status. */
export type IndexingStatus = Camelize<z.output<typeof IndexingStatusSchema>>;

/** The wire schema of {@link ExportedEmbeddings}. */
export const ExportedEmbeddingsSchema = z.array(
  z.looseObject({ reference_id: z.string(), embedding_vector: z.array(z.number()) }),
);
/**
 * `GET dataset/{id}/embeddings` and `GET slice/{id}/embeddings` (`export_embeddings(asynchronous=False)`):
 * every item vector, by reference id.
 *
 * @example
 * ```ts
 * import { ExportedEmbeddings } from "@nucleus/schemas";
 *
 * ExportedEmbeddings.decode([{ reference_id: "img_1", embedding_vector: [0.1, 0.2] }]);
 * ```
 */
export const ExportedEmbeddings = createCodec(ExportedEmbeddingsSchema);
/** Exported item vectors. */
export type ExportedEmbeddings = Camelize<z.output<typeof ExportedEmbeddingsSchema>>;

/** The wire schema of {@link VectorIndexStatus}. */
export const VectorIndexStatusSchema = z.looseObject({
  metric: z.enum(["cosine", "l2"]),
  /** Vectors the dataset holds. */
  vectors: z.int().min(0),
  /** Vectors in the index (deleted or replaced ones included until it is rebuilt). */
  indexed: z.int().min(0),
  /** Keys stored since the index last read (about how many vectors it has yet to take). */
  behind: z.int().min(0),
});
/**
 * `GET ext/datasets/{id}/vector_index?metric=cosine`: how far the dataset's vector index for a
 * metric is; asking starts its catch-up (or its first build) in the background. Searches use the
 * index once it is at most a thousand keys behind.
 *
 * @example
 * ```ts
 * import { VectorIndexStatus } from "@nucleus/schemas";
 *
 * VectorIndexStatus.decode({ metric: "cosine", vectors: 10, indexed: 10, behind: 0 });
 * ```
 */
export const VectorIndexStatus = createCodec(VectorIndexStatusSchema);
/** How far a vector index is. */
export type VectorIndexStatus = Camelize<z.output<typeof VectorIndexStatusSchema>>;

/** The wire schema of {@link UniquenessRequest}. */
export const UniquenessRequestSchema = z.looseObject({
  neighbours: z
    .int({ error: "must be an integer from 1 to 100" })
    .min(1, { error: "must be an integer from 1 to 100" })
    .max(100, { error: "must be an integer from 1 to 100" })
    .nullish(),
});
/**
 * `POST ext/datasets/{id}/uniqueness`: starts a job that scores each item's vector by its mean
 * cosine distance to its `neighbours` nearest (default 5), divided by the dataset's largest, so
 * scores are in [0, 1]; the scores are queryable as `embedding.uniqueness`.
 *
 * @example
 * ```ts
 * import { UniquenessRequest } from "@nucleus/schemas";
 *
 * UniquenessRequest.encode({ neighbours: 5 });
 * ```
 */
export const UniquenessRequest = createCodec(UniquenessRequestSchema);
/** Body of a uniqueness computation. */
export type UniquenessRequest = Camelize<z.output<typeof UniquenessRequestSchema>>;

/** The wire schema of {@link RepresentativenessRequest}. */
export const RepresentativenessRequestSchema = z.looseObject({
  clusters: z
    .int({ error: "must be an integer from 1 to 1024" })
    .min(1, { error: "must be an integer from 1 to 1024" })
    .max(1024, { error: "must be an integer from 1 to 1024" })
    .nullish(),
  iterations: z
    .int({ error: "must be an integer from 1 to 100" })
    .min(1, { error: "must be an integer from 1 to 100" })
    .max(100, { error: "must be an integer from 1 to 100" })
    .nullish(),
});
/**
 * `POST ext/datasets/{id}/representativeness`: starts a job that clusters the dataset's vectors
 * (spherical k-means, `clusters` of them, by default `round(sqrt(n / 2))` kept within 2 to 256,
 * `iterations` rounds, default 10) and scores each item by how close its vector lies to its
 * cluster's centre, in [0, 1]: the most central member of each cluster of at least mean size
 * scores 1, the item farthest out of its cluster (beyond that cluster's most central member) 0,
 * and members of smaller clusters are scaled down by their cluster's size over the mean. The
 * scores are queryable as `embedding.representativeness`.
 *
 * @example
 * ```ts
 * import { RepresentativenessRequest } from "@nucleus/schemas";
 *
 * RepresentativenessRequest.encode({ clusters: 16, iterations: 10 });
 * ```
 */
export const RepresentativenessRequest = createCodec(RepresentativenessRequestSchema);
/** Body of a representativeness computation. */
export type RepresentativenessRequest = Camelize<z.output<typeof RepresentativenessRequestSchema>>;

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
  vectorIndexStatus: {
    method: "GET",
    path: "ext/datasets/:datasetId/vector_index",
    summary:
      "How far the dataset's vector index for a metric (`?metric=cosine` or `l2`) is; asking starts its catch-up.",
    localOnly: true,
    response: VectorIndexStatus,
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
  computeUniqueness: {
    method: "POST",
    path: "ext/datasets/:datasetId/uniqueness",
    summary:
      "Starts a job that scores each item's vector in [0, 1] by its distance to its nearest neighbours (`embedding.uniqueness`).",
    body: UniquenessRequest,
    localOnly: true,
    response: Job,
  },
  computeRepresentativeness: {
    method: "POST",
    path: "ext/datasets/:datasetId/representativeness",
    summary:
      "Starts a job that clusters the vectors and scores each item in [0, 1] by how close it lies to its cluster's centre (`embedding.representativeness`).",
    body: RepresentativenessRequest,
    localOnly: true,
    response: Job,
  },
  createCustomIndex: {
    method: "POST",
    path: "indexing/:datasetId",
    summary:
      "Starts a customIndexing job that stores the vectors of JSON files (reference id to vector) as the items' embeddings.",
    body: CreateCustomIndexRequest,
    response: Job,
  },
  deleteCustomIndex: {
    method: "DELETE",
    path: "indexing/:datasetId",
    summary: "Deletes the dataset's item vectors and its vector index.",
    body: createCodec(z.looseObject({ image: z.boolean({ error: "must be true or false" }).nullish() })),
    response: DeleteCustomIndexResponse,
  },
  embeddingIndexes: {
    method: "GET",
    path: "dataset/:datasetId/embeddingIndexes",
    summary: "The dataset's index of item vectors, when it has vectors.",
    response: EmbeddingIndexList,
  },
  indexingStatus: {
    method: "POST",
    path: "dataset/:datasetId/indexingStatus",
    summary: "How many items (or objects) have an indexed vector.",
    body: IndexingStatusRequest,
    response: IndexingStatus,
  },
  exportEmbeddings: {
    method: "GET",
    path: "dataset/:datasetId/embeddings",
    summary: "Every item vector of the dataset, by reference id.",
    response: ExportedEmbeddings,
  },
  exportSliceEmbeddings: {
    method: "GET",
    path: "slice/:sliceId/embeddings",
    summary: "Every item vector of the slice, by reference id.",
    response: ExportedEmbeddings,
  },
  asyncExportEmbeddings: {
    method: "POST",
    path: "dataset/:datasetId/async_export_embeddings",
    summary:
      "An exportEmbeddings job whose message lists signed URLs of JSON files of the vectors (a slice id exports the slice's).",
    body: createCodec(z.looseObject({})),
    response: Job,
  },
});

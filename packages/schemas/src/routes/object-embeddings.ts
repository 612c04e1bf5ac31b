/**
 * Object embeddings: nearest-neighbour search over the `embedding_vector` of box and polygon
 * annotations and predictions. This server's own route.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { firstNonFinite, MAX_EMBEDDING_DIMENSION, MAX_SIMILAR_K } from "./embeddings.js";

const nonEmpty = { error: "must be a non-empty string" };

// One loop over the numbers rather than a schema per number.
const queryVector = z
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

/** The wire schema of {@link SimilarObjectsRequest}. */
export const SimilarObjectsRequestSchema = z.looseObject({
  /** An annotation's or a prediction's server id (`object_id` of a result): search near its vector. */
  object_id: z.string().min(1, nonEmpty).nullish(),
  /** An object by the ids its uploader knows: a prediction of `model_run_id` when given, else an annotation. */
  object: z
    .looseObject(
      {
        reference_id: z.string({ error: "must be a string" }).min(1, nonEmpty),
        annotation_id: z.string({ error: "must be a string" }).min(1, nonEmpty),
        model_run_id: z.string().min(1, nonEmpty).nullish(),
      },
      { error: "must be {reference_id, annotation_id, model_run_id?}" },
    )
    .nullish(),
  /** A raw vector of the dataset's object-vector length. */
  vector: queryVector.nullish(),
  k: z
    .int({ error: `must be an integer from 1 to ${MAX_SIMILAR_K}` })
    .min(1, { error: `must be an integer from 1 to ${MAX_SIMILAR_K}` })
    .max(MAX_SIMILAR_K, { error: `must be an integer from 1 to ${MAX_SIMILAR_K}` })
    .nullish(),
  metric: z.enum(["cosine", "l2"], { error: 'must be "cosine" or "l2"' }).nullish(),
  /** Only ground truth (`annotation`) or only predictions (`prediction`). */
  source: z.enum(["annotation", "prediction"], { error: 'must be "annotation" or "prediction"' }).nullish(),
  /** Only this model run's predictions. */
  model_run_id: z.string().min(1, nonEmpty).nullish(),
  /** Only objects with this label. */
  label: z.string({ error: "must be a string" }).nullish(),
  /** Compare every vector instead of asking the dataset's object index (slower; the reference). */
  exact: z.boolean({ error: "must be true or false" }).nullish(),
});
/**
 * `POST ext/datasets/{id}/similar_objects`: the `k` objects (default 10) nearest to an object (by
 * its id, or by its item's reference id and its annotation id; the object itself left out) or to
 * a raw vector, by cosine distance (default) or
 * Euclidean distance, among the dataset's box and polygon annotations and predictions that carry
 * an `embedding_vector`, optionally only annotations, one run's predictions or one label.
 *
 * @example
 * ```ts
 * import { SimilarObjectsRequest } from "@nucleus/schemas";
 *
 * SimilarObjectsRequest.encode({ objectId: "ann_1", k: 5, source: "annotation", label: "car" });
 * ```
 */
export const SimilarObjectsRequest = createCodec(SimilarObjectsRequestSchema);
/** Body of an object similarity search. */
export type SimilarObjectsRequest = Camelize<z.output<typeof SimilarObjectsRequestSchema>>;

/** The wire schema of {@link SimilarObjectsResponse}. */
export const SimilarObjectsResponseSchema = z.looseObject({
  metric: z.enum(["cosine", "l2"]),
  dimension: z.int().min(0),
  /** Object vectors compared. */
  searched: z.int().min(0),
  /**
   * How the answer was found: `exact` compares every vector the filters keep (small datasets,
   * narrow filters, or `exact: true`); `index` asks the dataset's object index (HNSW), then ranks
   * its candidates by their exact distances.
   */
  method: z.enum(["exact", "index"]),
  results: z.array(
    z.looseObject({
      /** The annotation's or prediction's server id. */
      object_id: z.string(),
      source: z.enum(["annotation", "prediction"]),
      /** The run of a prediction; null for an annotation. */
      model_run_id: z.string().nullable(),
      /** The caller's id of the label. */
      annotation_id: z.string().nullable(),
      item_id: z.string(),
      reference_id: z.string(),
      label: z.string(),
      type: z.enum(["box", "polygon"]),
      /** The label's geometry as uploaded. */
      geometry: z.record(z.string(), z.unknown()),
      /** The box, or the polygon's bounding box, in pixels: what a crop of the object shows. */
      box: z.looseObject({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
      distance: z.number(),
    }),
  ),
});
/**
 * The nearest objects, nearest first (ties by object id): cosine distance is `1 - cos`, in [0, 2].
 *
 * @example
 * ```ts
 * import { SimilarObjectsResponse } from "@nucleus/schemas";
 *
 * SimilarObjectsResponse.decode({ metric: "cosine", dimension: 2, searched: 0, method: "exact", results: [] });
 * ```
 */
export const SimilarObjectsResponse = createCodec(SimilarObjectsResponseSchema);
/** The answer to an object similarity search. */
export type SimilarObjectsResponse = Camelize<z.output<typeof SimilarObjectsResponseSchema>>;
/** One object of a {@link SimilarObjectsResponse}. */
export type SimilarObject = SimilarObjectsResponse["results"][number];

/** The routes of object similarity search. */
export const objectEmbeddingRoutes = defineRoutes({
  similarObjects: {
    method: "POST",
    path: "ext/datasets/:datasetId/similar_objects",
    summary:
      "The k box and polygon annotations or predictions nearest to an object or a vector (cosine or L2; an object index on large datasets, exact search on small ones), optionally only annotations, one run's predictions or one label.",
    body: SimilarObjectsRequest,
    idempotent: true,
    localOnly: true,
    response: SimilarObjectsResponse,
  },
});

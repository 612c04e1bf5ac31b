/**
 * Autotags: linear classifiers trained on a dataset's item vectors from a few examples, refined
 * in rounds, scoring every item in [-1, 1]. The protocol's autotag routes read them in the
 * official client's shapes; creating and refining one are this server's own routes (`ext/`).
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { JobSchema } from "../jobs.js";
import { EmptyRequest } from "../requests.js";
import { DeleteResponse } from "../responses.js";

/** The most examples one request names. */
export const MAX_AUTOTAG_EXAMPLES = 1_000;
/** The most scored items one page holds. */
export const MAX_AUTOTAG_PAGE = 10_000;

const references = (what: string) =>
  z
    .array(
      z.string({ error: "must be a reference id" }).min(1, { error: "must be a non-empty reference id" }),
      {
        error: `must be a list of reference ids of ${what}`,
      },
    )
    .max(MAX_AUTOTAG_EXAMPLES, { error: `must list at most ${MAX_AUTOTAG_EXAMPLES} reference ids` });

const score = z
  .number({ error: "must be a number from -1 to 1" })
  .min(-1, { error: "must be a number from -1 to 1" })
  .max(1, { error: "must be a number from -1 to 1" });

/** The wire schema of {@link AutotagInfo}. */
export const AutotagInfoSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  /** `Running` while it trains and scores, then `Completed` (or `Errored`). */
  status: z.string(),
  /** Always `Image`: autotags here score items. */
  autotag_level: z.string(),
  dataset_id: z.string().optional(),
  positives: z.int().min(0).optional(),
  negatives: z.int().min(0).optional(),
  refinement_rounds: z.int().min(0).optional(),
  /** Items scored by the last training. */
  scored: z.int().min(0).optional(),
  error: z.string().nullish(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
/**
 * An autotag as the protocol lists it (`id`, `name`, `status`, `autotag_level`), with this
 * server's training counts.
 *
 * @example
 * ```ts
 * import { AutotagInfo } from "@nucleus/schemas";
 *
 * AutotagInfo.decode({ id: "tag_1", name: "rain", status: "Completed", autotag_level: "Image" });
 * ```
 */
export const AutotagInfo = createCodec(AutotagInfoSchema);
/** An autotag. */
export type AutotagInfo = Camelize<z.output<typeof AutotagInfoSchema>>;

/** The wire schema of {@link CreateAutotagRequest}. */
export const CreateAutotagRequestSchema = z.looseObject({
  name: z
    .string({ error: "must be a string" })
    .min(1, { error: "must be a non-empty name" })
    .max(200, { error: "must be at most 200 characters" })
    .regex(/^[^.\s"`'][^"`']*$/, {
      error: "must not start with a dot or a space, nor hold quotes (queries name it as autotag.<name>)",
    }),
  positives: references("items that show the concept").min(1, { error: "must list at least one item" }),
  negatives: references("items that do not show it").nullish(),
});
/**
 * `POST ext/datasets/{id}/autotags`: trains an autotag from positive examples (and optional
 * negatives; random items stand in for them otherwise) and scores every item, as a job.
 *
 * @example
 * ```ts
 * import { CreateAutotagRequest } from "@nucleus/schemas";
 *
 * CreateAutotagRequest.encode({ name: "rain", positives: ["img_1", "img_7"] });
 * ```
 */
export const CreateAutotagRequest = createCodec(CreateAutotagRequestSchema);
/** Body of an autotag creation. */
export type CreateAutotagRequest = Camelize<z.output<typeof CreateAutotagRequestSchema>>;

/** The wire schema of {@link RefineAutotagRequest}. */
export const RefineAutotagRequestSchema = z.looseObject({
  accept: references("items to add as positives").nullish(),
  reject: references("items to add as negatives").nullish(),
});
/**
 * `POST ext/autotags/{id}/refine`: one refinement round — the items the user accepted become
 * positives, those rejected negatives — then trains and scores again, as a job.
 *
 * @example
 * ```ts
 * import { RefineAutotagRequest } from "@nucleus/schemas";
 *
 * RefineAutotagRequest.encode({ accept: ["img_3"], reject: ["img_9"] });
 * ```
 */
export const RefineAutotagRequest = createCodec(RefineAutotagRequestSchema);
/** Body of a refinement round. */
export type RefineAutotagRequest = Camelize<z.output<typeof RefineAutotagRequestSchema>>;

/** The wire schema of {@link AutotagJobResponse}. */
export const AutotagJobResponseSchema = z.looseObject({
  ...JobSchema.shape,
  autotag: AutotagInfoSchema,
});
/**
 * A training job (the protocol's four job keys) and the autotag it trains.
 *
 * @example
 * ```ts
 * import { AutotagJobResponse } from "@nucleus/schemas";
 *
 * AutotagJobResponse.decode({
 *   job_id: "job_1", job_last_known_status: "Running", job_type: "autotagInference",
 *   job_creation_time: "2024-01-01T00:00:00Z",
 *   autotag: { id: "tag_1", name: "rain", status: "Running", autotag_level: "Image" },
 * });
 * ```
 */
export const AutotagJobResponse = createCodec(AutotagJobResponseSchema);
/** A training job and its autotag. */
export type AutotagJobResponse = Camelize<z.output<typeof AutotagJobResponseSchema>>;

/** The wire schema of {@link AutotagListExtResponse}. */
export const AutotagListExtResponseSchema = z.looseObject({ autotags: z.array(AutotagInfoSchema) });
/**
 * `GET ext/datasets/{id}/autotags`: the dataset's autotags with their training counts.
 *
 * @example
 * ```ts
 * import { AutotagListExtResponse } from "@nucleus/schemas";
 *
 * AutotagListExtResponse.decode({ autotags: [] });
 * ```
 */
export const AutotagListExtResponse = createCodec(AutotagListExtResponseSchema);
/** The dataset's autotags. */
export type AutotagListExtResponse = Camelize<z.output<typeof AutotagListExtResponseSchema>>;

/** The wire schema of {@link AutotagScoresQuery}. */
export const AutotagScoresQuerySchema = z.looseObject({
  min_score: z.coerce.number({ error: "must be a number from -1 to 1" }).pipe(score).optional(),
  limit: z.coerce
    .number()
    .pipe(
      z
        .int({ error: `must be an integer from 1 to ${MAX_AUTOTAG_PAGE}` })
        .min(1, { error: `must be an integer from 1 to ${MAX_AUTOTAG_PAGE}` })
        .max(MAX_AUTOTAG_PAGE, { error: `must be an integer from 1 to ${MAX_AUTOTAG_PAGE}` }),
    )
    .optional(),
  cursor: z.string().optional(),
});
/**
 * The query of `GET ext/autotags/{id}/items`: scores at or above `min_score` (default -1),
 * `limit` per page (default 100), from a `cursor` an earlier page gave.
 *
 * @example
 * ```ts
 * import { AutotagScoresQuery } from "@nucleus/schemas";
 *
 * AutotagScoresQuery.decode({ min_score: "0.5", limit: "50" }); // { minScore: 0.5, limit: 50 }
 * ```
 */
export const AutotagScoresQuery = createCodec(AutotagScoresQuerySchema);
/** Which scores to list. */
export type AutotagScoresQuery = Camelize<z.output<typeof AutotagScoresQuerySchema>>;

/** The wire schema of {@link AutotagScoresResponse}. */
export const AutotagScoresResponseSchema = z.looseObject({
  autotag: AutotagInfoSchema,
  items: z.array(z.looseObject({ item_id: z.string(), reference_id: z.string(), score: z.number() })),
  next_cursor: z.string().nullable(),
});
/**
 * Scored items, highest score first (ties by item id).
 *
 * @example
 * ```ts
 * import { AutotagScoresResponse } from "@nucleus/schemas";
 *
 * AutotagScoresResponse.decode({
 *   autotag: { id: "tag_1", name: "rain", status: "Completed", autotag_level: "Image" },
 *   items: [{ item_id: "di_1", reference_id: "img_1", score: 0.93 }],
 *   next_cursor: null,
 * });
 * ```
 */
export const AutotagScoresResponse = createCodec(AutotagScoresResponseSchema);
/** A page of scored items. */
export type AutotagScoresResponse = Camelize<z.output<typeof AutotagScoresResponseSchema>>;

/** The wire schema of {@link AutotagSliceRequest}. */
export const AutotagSliceRequestSchema = z.looseObject({
  name: z.string({ error: "must be a string" }).min(1, { error: "must be a non-empty name" }),
  threshold: score.nullish(),
});
/**
 * `POST ext/autotags/{id}/slice`: a slice of the items scoring at or above `threshold`
 * (default 0.5).
 *
 * @example
 * ```ts
 * import { AutotagSliceRequest } from "@nucleus/schemas";
 *
 * AutotagSliceRequest.encode({ name: "rainy", threshold: 0.8 });
 * ```
 */
export const AutotagSliceRequest = createCodec(AutotagSliceRequestSchema);
/** Body of a slice made from an autotag. */
export type AutotagSliceRequest = Camelize<z.output<typeof AutotagSliceRequestSchema>>;

/** The wire schema of {@link AutotagSliceResponse}. */
export const AutotagSliceResponseSchema = z.looseObject({
  slice_id: z.string(),
  name: z.string(),
  items: z.int().min(0),
});
/**
 * The slice made from an autotag and how many items it holds.
 *
 * @example
 * ```ts
 * import { AutotagSliceResponse } from "@nucleus/schemas";
 *
 * AutotagSliceResponse.decode({ slice_id: "slc_1", name: "rainy", items: 120 });
 * ```
 */
export const AutotagSliceResponse = createCodec(AutotagSliceResponseSchema);
/** A slice made from an autotag. */
export type AutotagSliceResponse = Camelize<z.output<typeof AutotagSliceResponseSchema>>;

/** The wire schema of {@link TaggedItemsRequest}. */
export const TaggedItemsRequestSchema = z.looseObject({
  score_threshold: z.number({ error: "must be a number" }).nullish(),
});
/**
 * `POST dataset/{id}/autotag/{name}/taggedItems`: the items scoring above `score_threshold`
 * (`Dataset.autotag_items`).
 *
 * @example
 * ```ts
 * import { TaggedItemsRequest } from "@nucleus/schemas";
 *
 * TaggedItemsRequest.encode({ scoreThreshold: 0.5 });
 * ```
 */
export const TaggedItemsRequest = createCodec(TaggedItemsRequestSchema);
/** Body of a tagged-items request. */
export type TaggedItemsRequest = Camelize<z.output<typeof TaggedItemsRequestSchema>>;

const protocolAutotag = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  autotag_level: z.string(),
});

/** The wire schema of {@link TaggedItemsResponse}. */
export const TaggedItemsResponseSchema = z.looseObject({
  autotagItems: z.array(
    z.looseObject({
      ref_id: z.string(),
      score: z.number(),
      model_prediction_annotation_id: z.string().nullable(),
      ground_truth_annotation_id: z.string().nullable(),
    }),
  ),
  autotag: protocolAutotag,
});
/**
 * The tagged items, highest score first, and the autotag (the official client's shape).
 *
 * @example
 * ```ts
 * import { TaggedItemsResponse } from "@nucleus/schemas";
 *
 * TaggedItemsResponse.decode({
 *   autotagItems: [{ ref_id: "img_1", score: 0.9, model_prediction_annotation_id: null, ground_truth_annotation_id: null }],
 *   autotag: { id: "tag_1", name: "rain", status: "Completed", autotag_level: "Image" },
 * });
 * ```
 */
export const TaggedItemsResponse = createCodec(TaggedItemsResponseSchema);
/** Tagged items. */
export type TaggedItemsResponse = Camelize<z.output<typeof TaggedItemsResponseSchema>>;

/** The wire schema of {@link TrainingItemsResponse}. */
export const TrainingItemsResponseSchema = z.looseObject({
  autotagPositiveTrainingItems: z.array(z.looseObject({ ref_id: z.string() })),
  autotag: protocolAutotag,
});
/**
 * The positive examples an autotag trained on (`Dataset.autotag_training_items`).
 *
 * @example
 * ```ts
 * import { TrainingItemsResponse } from "@nucleus/schemas";
 *
 * TrainingItemsResponse.decode({
 *   autotagPositiveTrainingItems: [{ ref_id: "img_1" }],
 *   autotag: { id: "tag_1", name: "rain", status: "Completed", autotag_level: "Image" },
 * });
 * ```
 */
export const TrainingItemsResponse = createCodec(TrainingItemsResponseSchema);
/** Training items. */
export type TrainingItemsResponse = Camelize<z.output<typeof TrainingItemsResponseSchema>>;

/** The wire schema of {@link RefinementMetricsResponse}. */
export const RefinementMetricsResponseSchema = z.looseObject({
  total_refinement_steps: z.int().min(0),
  average_positives_selected_per_refinement: z.number(),
  average_ms_taken_in_refinement: z.number(),
});
/**
 * How an autotag was refined: rounds, positives accepted per round, training time per round.
 *
 * @example
 * ```ts
 * import { RefinementMetricsResponse } from "@nucleus/schemas";
 *
 * RefinementMetricsResponse.decode({
 *   total_refinement_steps: 2, average_positives_selected_per_refinement: 14.5, average_ms_taken_in_refinement: 310,
 * });
 * ```
 */
export const RefinementMetricsResponse = createCodec(RefinementMetricsResponseSchema);
/** Refinement metrics. */
export type RefinementMetricsResponse = Camelize<z.output<typeof RefinementMetricsResponseSchema>>;

/**
 * The autotag routes: the protocol's (tagged items, training items, refinement metrics, update,
 * delete) and this server's own (create, refine, list, scores, slice).
 *
 * @example
 * ```ts
 * import { autotagRoutes } from "@nucleus/schemas";
 *
 * autotagRoutes.createAutotag.path; // "ext/datasets/:datasetId/autotags"
 * ```
 */
export const autotagRoutes = defineRoutes({
  createAutotag: {
    method: "POST",
    path: "ext/datasets/:datasetId/autotags",
    summary:
      "Trains an autotag (a linear classifier on the item vectors) from positive and optional negative examples, then scores every item in [-1, 1], as a job.",
    body: CreateAutotagRequest,
    localOnly: true,
    response: AutotagJobResponse,
  },
  listAutotagsExt: {
    method: "GET",
    path: "ext/datasets/:datasetId/autotags",
    summary: "The dataset's autotags with their training counts.",
    localOnly: true,
    response: AutotagListExtResponse,
  },
  getAutotag: {
    method: "GET",
    path: "ext/autotags/:autotagId",
    summary: "One autotag: status, examples, refinement rounds and how many items it scored.",
    localOnly: true,
    response: AutotagInfo,
  },
  refineAutotag: {
    method: "POST",
    path: "ext/autotags/:autotagId/refine",
    summary:
      "A refinement round: accepted items become positives, rejected ones negatives; trains and scores again, as a job.",
    body: RefineAutotagRequest,
    localOnly: true,
    response: AutotagJobResponse,
  },
  autotagScores: {
    method: "GET",
    path: "ext/autotags/:autotagId/items",
    summary: "Scored items, highest first, a page at a time.",
    query: AutotagScoresQuery,
    localOnly: true,
    response: AutotagScoresResponse,
  },
  autotagSlice: {
    method: "POST",
    path: "ext/autotags/:autotagId/slice",
    summary: "A slice of the items scoring at or above a threshold.",
    body: AutotagSliceRequest,
    localOnly: true,
    response: AutotagSliceResponse,
  },
  autotagTaggedItems: {
    method: "POST",
    path: "dataset/:datasetId/autotag/:autotagName/taggedItems",
    summary: "The items an autotag scores above a threshold, highest first.",
    body: TaggedItemsRequest,
    idempotent: true,
    response: TaggedItemsResponse,
  },
  autotagTrainingItems: {
    method: "GET",
    path: "dataset/:datasetId/autotag/:autotagName/trainingItems",
    summary: "The positive examples an autotag trained on.",
    response: TrainingItemsResponse,
  },
  autotagRefinementMetrics: {
    method: "GET",
    path: "autotag/:autotagId/refinementMetrics",
    summary: "How many refinement rounds an autotag had, positives accepted and training time per round.",
    response: RefinementMetricsResponse,
  },
  updateAutotag: {
    method: "POST",
    path: "autotag/:autotagId",
    summary: "Scores the dataset's items again with the autotag's examples (new items included), as a job.",
    body: EmptyRequest,
    response: AutotagJobResponse,
  },
  deleteAutotag: {
    method: "DELETE",
    path: "autotag/:autotagId",
    summary: "Deletes an autotag and its scores.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
});

import * as z from "zod";
import { AnnotationSchema, PredictionSchema, SegmentationAnnotationSchema } from "./annotations.js";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";
import { DatasetItemSchema } from "./items.js";
import { MetadataSchema } from "./json.js";

/** A metadata schema: field name to its type and, for categories, its choices. */
export const MetadataSchemaDefinitionSchema = z.record(
  z.string(),
  z.object({
    type: z.enum(["category", "number", "text", "json"]),
    choices: z.array(z.string()).nullish(),
    description: z.string().nullish(),
  }),
);

/** The wire schema of {@link CreateDatasetRequest}. */
export const CreateDatasetRequestSchema = z.object({
  name: z.string().min(1),
  is_scene: z.boolean().nullish(),
  use_privacy_mode: z.boolean().nullish(),
  annotation_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
  item_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
});
/** `POST dataset/create`. */
export const CreateDatasetRequest = createCodec(CreateDatasetRequestSchema);
/** Body of `POST dataset/create`. */
export type CreateDatasetRequest = Camelize<z.output<typeof CreateDatasetRequestSchema>>;

/** The wire schema of {@link AppendItemsRequest}. */
export const AppendItemsRequestSchema = z.object({
  items: z.array(DatasetItemSchema),
  update: z.boolean().optional(),
});
/**
 * `POST dataset/{id}/append` with JSON: items with remote URLs. `update: true` replaces items
 * whose reference id exists; otherwise they are ignored.
 */
export const AppendItemsRequest = createCodec(AppendItemsRequestSchema);
/** Body of a JSON append. */
export type AppendItemsRequest = Camelize<z.output<typeof AppendItemsRequestSchema>>;

/** The wire schema of {@link MultipartItemsPart}. */
export const MultipartItemsPartSchema = z.array(DatasetItemSchema);
/**
 * The `items` part of a multipart append: a JSON array of items, each with its own `update`,
 * matched by position with the `image` file parts.
 */
export const MultipartItemsPart = createCodec(MultipartItemsPartSchema);
/** The `items` part of a multipart append. */
export type MultipartItemsPart = Camelize<z.output<typeof MultipartItemsPartSchema>>;

/** The wire schema of {@link AnnotateRequest}. */
export const AnnotateRequestSchema = z.object({
  update: z.boolean().optional(),
  annotations: z.array(AnnotationSchema).optional(),
  segmentations: z.array(SegmentationAnnotationSchema).optional(),
});
/**
 * `POST dataset/{id}/annotate`: geometric annotations and categories in `annotations`,
 * segmentation masks in `segmentations`. `update: true` replaces annotations with the same
 * (reference id, annotation id); otherwise they are ignored.
 */
export const AnnotateRequest = createCodec(AnnotateRequestSchema);
/** Body of an annotate request. */
export type AnnotateRequest = Camelize<z.output<typeof AnnotateRequestSchema>>;

/** The wire schema of {@link PredictRequest}. */
export const PredictRequestSchema = z.object({
  update: z.boolean().optional(),
  annotations: z.array(PredictionSchema).optional(),
  segmentations: z.array(SegmentationAnnotationSchema).optional(),
  trained_slice_id: z.string().nullish(),
});
/**
 * `POST modelRun/{id}/predict` and `POST dataset/{id}/model/{model}/uploadPredictions`: like
 * annotate, with predictions, and the slice the model was trained on.
 */
export const PredictRequest = createCodec(PredictRequestSchema);
/** Body of a predict request. */
export type PredictRequest = Camelize<z.output<typeof PredictRequestSchema>>;

/** The wire schema of {@link SerializedSegmentationsPart}. */
export const SerializedSegmentationsPartSchema = z.object({
  segmentations: z.array(SegmentationAnnotationSchema),
  update: z.boolean().optional(),
});
/** The `serialized_request` part of a multipart mask upload, matched by position with the `mask` parts. */
export const SerializedSegmentationsPart = createCodec(SerializedSegmentationsPartSchema);
/** The `serialized_request` part of a multipart mask upload. */
export type SerializedSegmentationsPart = Camelize<z.output<typeof SerializedSegmentationsPartSchema>>;

/** The wire schema of {@link AsyncUploadRequest}. */
export const AsyncUploadRequestSchema = z.object({
  requestId: z.string().min(1),
  update: z.boolean().optional(),
  trained_slice_id: z.string().nullish(),
});
/**
 * The `?async=1` form of append, annotate and predict: the NDJSON was PUT to the signed URL of
 * `requestId` beforehand.
 */
export const AsyncUploadRequest = createCodec(AsyncUploadRequestSchema);
/** Body of an async upload request. */
export type AsyncUploadRequest = Camelize<z.output<typeof AsyncUploadRequestSchema>>;

/** The wire schema of {@link CreateSliceRequest}. */
export const CreateSliceRequestSchema = z.object({
  name: z.string().min(1),
  reference_ids: z.array(z.string()).max(10_000).nullish(),
  dataset_item_ids: z.array(z.string()).max(10_000).nullish(),
  /** Scene ids (`scn_…`): a scene slice, which cannot also name items or objects. */
  scene_ids: z.array(z.string()).max(10_000).nullish(),
  /** Annotation and prediction ids: an object slice. */
  object_ids: z.array(z.string()).max(10_000).nullish(),
  allow_empty: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
});
/** `POST dataset/{id}/create_slice`: by reference ids or item ids, or empty with `allow_empty`. */
export const CreateSliceRequest = createCodec(CreateSliceRequestSchema);
/** Body of a slice creation. */
export type CreateSliceRequest = Camelize<z.output<typeof CreateSliceRequestSchema>>;

/** The wire schema of {@link SliceAppendRequest}. */
export const SliceAppendRequestSchema = z.object({
  reference_ids: z.array(z.string()).max(10_000),
  dataset_id: z.string().optional(),
});
/** `POST slice/{id}/append`. Appending items already in the slice does nothing. */
export const SliceAppendRequest = createCodec(SliceAppendRequestSchema);
/** Body of a slice append. */
export type SliceAppendRequest = Camelize<z.output<typeof SliceAppendRequestSchema>>;

/** The wire schema of {@link CreateModelRequest}. */
export const CreateModelRequestSchema = z.object({
  name: z.string().min(1),
  reference_id: z.string().min(1),
  metadata: MetadataSchema.nullish(),
  tags: z.array(z.string()).optional(),
  bundle_name: z.string().optional(),
  trained_slice_ids: z.array(z.string()).optional(),
});
/** `POST models/add`. */
export const CreateModelRequest = createCodec(CreateModelRequestSchema);
/** Body of a model creation. */
export type CreateModelRequest = Camelize<z.output<typeof CreateModelRequestSchema>>;

/** The wire schema of {@link CreateModelRunRequest}. */
export const CreateModelRunRequestSchema = z.object({
  name: z.string().min(1),
  reference_id: z.string().min(1),
  metadata: MetadataSchema.nullish(),
  annotation_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
});
/** `POST dataset/{id}/modelRun/create`. The model is named by its user `reference_id`. */
export const CreateModelRunRequest = createCodec(CreateModelRunRequestSchema);
/** Body of a model run creation. */
export type CreateModelRunRequest = Camelize<z.output<typeof CreateModelRunRequestSchema>>;

/** Which ground-truth label a prediction label may match when evaluating. */
export const LabelMatchSchema = z.object({
  ground_truth_label: z.string(),
  model_prediction_label: z.string(),
});

/** The wire schema of {@link CommitModelRunRequest}. */
export const CommitModelRunRequestSchema = z.object({
  class_agnostic: z.boolean().optional(),
  allowed_label_matches: z.array(LabelMatchSchema).optional(),
});
/**
 * `POST modelRun/{id}/commit` and `calculateEvaluationMetrics`: matching options.
 * `allowed_label_matches` implies class-sensitive matching.
 */
export const CommitModelRunRequest = createCodec(CommitModelRunRequestSchema);
/** Body of a commit. */
export type CommitModelRunRequest = Camelize<z.output<typeof CommitModelRunRequestSchema>>;

/** The wire schema of {@link PageRequest}. */
export const PageRequestSchema = z.looseObject({
  pageToken: z.string().nullable(),
  pageSize: z.int().positive(),
});
/** A page request of the paged routes (`itemsPage`, `exportForTrainingPage`, ...). */
export const PageRequest = createCodec(PageRequestSchema);
/** A page request. */
export type PageRequest = Camelize<z.output<typeof PageRequestSchema>>;

/** The wire schema of {@link ListJobsRequest}. */
export const ListJobsRequestSchema = z.object({
  dataset_id: z.string().nullish(),
  job_types: z.array(z.string()).nullish(),
  from_date: z.string().nullish(),
  to_date: z.string().nullish(),
  limit: z.int().positive().max(50_000).nullish(),
  show_completed: z.boolean().nullish(),
});
/** `POST jobs/`: the jobs of a key, optionally of one dataset, type or time range. */
export const ListJobsRequest = createCodec(ListJobsRequestSchema);
/** Body of a job listing. */
export type ListJobsRequest = Camelize<z.output<typeof ListJobsRequestSchema>>;

/** The wire schema of {@link UpdateMetadataRequest}. */
export const UpdateMetadataRequestSchema = z.object({
  metadata: z.array(
    z.object({
      reference_id: z.string().min(1),
      metadata: MetadataSchema,
      camera_params: z.unknown().optional(),
    }),
  ),
  level: z.enum(["item", "scene"]),
});
/** `POST dataset/{id}/metadata`: merges metadata into items or scenes by reference id. */
export const UpdateMetadataRequest = createCodec(UpdateMetadataRequestSchema);
/** Body of a metadata update. */
export type UpdateMetadataRequest = Camelize<z.output<typeof UpdateMetadataRequestSchema>>;

/** The wire schema of {@link DeleteAnnotationsRequest}. */
export const DeleteAnnotationsRequestSchema = z.object({
  reference_ids: z.array(z.string()).optional(),
  keep_history: z.boolean().optional(),
});
/** `DELETE annotation/{datasetId}`: deletes the ground truth of some items. */
export const DeleteAnnotationsRequest = createCodec(DeleteAnnotationsRequestSchema);
/** Body of an annotation deletion. */
export type DeleteAnnotationsRequest = Camelize<z.output<typeof DeleteAnnotationsRequestSchema>>;

/** The `{}` body the official client sends on DELETE, on some GETs and on an option-less commit. */
export const EmptyRequest = createCodec(z.object({}));
/** An empty body. */
export type EmptyRequest = Record<string, never>;

/**
 * A (ground-truth label, prediction label) pair as Evaluations V2 reads it: official clients send
 * its keys in snake_case or camelCase, so the camelCase form is kept as it is.
 */
export const LabelMatchInputSchema = z
  .looseObject({
    ground_truth_label: z.string().optional(),
    model_prediction_label: z.string().optional(),
  })
  .refine(
    (m) =>
      (m.ground_truth_label ?? m.groundTruthLabel) !== undefined &&
      (m.model_prediction_label ?? m.modelPredictionLabel) !== undefined,
    { message: "needs a ground-truth label and a model prediction label" },
  );

/** The wire schema of {@link CreateEvaluationRequest}. */
export const CreateEvaluationRequestSchema = z.object({
  name: z.string().nullish(),
  allowed_label_matches: z.array(LabelMatchInputSchema).nullish(),
  allowed_label_matches_id: z.string().nullish(),
});
/**
 * `POST modelRun/{id}/evaluationsV2`: an optional name and the label pairs that may match.
 *
 * @example
 * ```ts
 * import { CreateEvaluationRequest } from "@nucleus/schemas";
 *
 * CreateEvaluationRequest.encode({ name: "nightly", allowedLabelMatches: [{ groundTruthLabel: "car", modelPredictionLabel: "truck" }] });
 * // { name: "nightly", allowed_label_matches: [{ ground_truth_label: "car", model_prediction_label: "truck" }] }
 * ```
 */
export const CreateEvaluationRequest = createCodec(CreateEvaluationRequestSchema);
/** Body of an evaluation's creation. */
export type CreateEvaluationRequest = Camelize<z.output<typeof CreateEvaluationRequestSchema>>;

/** The wire schema of {@link EvaluationExamplesRequest}. */
export const EvaluationExamplesRequestSchema = z.object({
  // Newer official clients leave it out to list every kind.
  match_type: z.enum(["TP", "FP", "FN"]).nullish(),
  limit: z.int().min(1).max(1_000).default(50),
  offset: z.int().min(0).default(0),
  sort_by: z.string().nullish(),
  // Official clients document both "asc" and "ASC".
  sort_order: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(["asc", "desc"]))
    .nullish(),
  filters: z.unknown().optional(),
  query: z.unknown().optional(),
});
/**
 * `POST evaluationsV2/{id}/examples`: which matches to list, how many, from where, in which order.
 *
 * @example
 * ```ts
 * import { EvaluationExamplesRequest } from "@nucleus/schemas";
 *
 * EvaluationExamplesRequest.encode({ matchType: "FP", limit: 20, offset: 0 }); // { match_type: "FP", limit: 20, offset: 0 }
 * ```
 */
export const EvaluationExamplesRequest = createCodec(EvaluationExamplesRequestSchema);
/** Body of an examples request. */
export type EvaluationExamplesRequest = Camelize<z.output<typeof EvaluationExamplesRequestSchema>>;

/** The wire schema of {@link EvaluationChartsRequest}. */
export const EvaluationChartsRequestSchema = z.object({
  iouThreshold: z.number().min(0).max(1).nullish(),
  filters: z.unknown().optional(),
  query: z.unknown().optional(),
});
/**
 * `POST evaluationsV2/{id}/charts`: the JSON body newer official clients send instead of a query
 * string.
 *
 * @example
 * ```ts
 * import { EvaluationChartsRequest } from "@nucleus/schemas";
 *
 * EvaluationChartsRequest.encode({ iouThreshold: 0.75 }); // { iouThreshold: 0.75 }
 * ```
 */
export const EvaluationChartsRequest = createCodec(EvaluationChartsRequestSchema);
/** Body of a charts request. */
export type EvaluationChartsRequest = Camelize<z.output<typeof EvaluationChartsRequestSchema>>;

/** The wire schema of {@link IouThresholdQuery}. */
export const IouThresholdQuerySchema = z.object({
  iouThreshold: z.coerce.number().min(0).max(1).optional(),
});
/**
 * The `?iouThreshold=` query of evaluation charts and examples (default 0.5 on the server).
 *
 * @example
 * ```ts
 * import { IouThresholdQuery } from "@nucleus/schemas";
 *
 * IouThresholdQuery.decode({ iouThreshold: "0.75" }); // { iouThreshold: 0.75 }
 * ```
 */
export const IouThresholdQuery = createCodec(IouThresholdQuerySchema);
/** An IoU threshold query. */
export type IouThresholdQuery = Camelize<z.output<typeof IouThresholdQuerySchema>>;

/** The wire schema of {@link SliceNameQuery}. */
export const SliceNameQuerySchema = z.object({ name: z.string().optional() });
/**
 * The `?name=` query of `GET dataset/{id}/slices`: only the slices with that name.
 *
 * @example
 * ```ts
 * import { SliceNameQuery } from "@nucleus/schemas";
 *
 * SliceNameQuery.decode({ name: "night" }); // { name: "night" }
 * ```
 */
export const SliceNameQuery = createCodec(SliceNameQuerySchema);
/** A slice name filter. */
export type SliceNameQuery = Camelize<z.output<typeof SliceNameQuerySchema>>;

import { z } from "zod";
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

/** `POST dataset/create`. */
export const CreateDatasetRequest = createCodec(
  z.object({
    name: z.string().min(1),
    is_scene: z.boolean().nullish(),
    use_privacy_mode: z.boolean().nullish(),
    annotation_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
    item_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
  }),
);
/** Body of `POST dataset/create`. */
export type CreateDatasetRequest = Camelize<z.output<typeof CreateDatasetRequest.schema>>;

/**
 * `POST dataset/{id}/append` with JSON: items with remote URLs. `update: true` replaces items
 * whose reference id exists; otherwise they are ignored.
 */
export const AppendItemsRequest = createCodec(
  z.object({
    items: z.array(DatasetItemSchema),
    update: z.boolean().optional(),
  }),
);
/** Body of a JSON append. */
export type AppendItemsRequest = Camelize<z.output<typeof AppendItemsRequest.schema>>;

/**
 * The `items` part of a multipart append: a JSON array of items, each with its own `update`,
 * matched by position with the `image` file parts.
 */
export const MultipartItemsPart = createCodec(z.array(DatasetItemSchema));
/** The `items` part of a multipart append. */
export type MultipartItemsPart = Camelize<z.output<typeof MultipartItemsPart.schema>>;

/**
 * `POST dataset/{id}/annotate`: geometric annotations and categories in `annotations`,
 * segmentation masks in `segmentations`. `update: true` replaces annotations with the same
 * (reference id, annotation id); otherwise they are ignored.
 */
export const AnnotateRequest = createCodec(
  z.object({
    update: z.boolean().optional(),
    annotations: z.array(AnnotationSchema).optional(),
    segmentations: z.array(SegmentationAnnotationSchema).optional(),
  }),
);
/** Body of an annotate request. */
export type AnnotateRequest = Camelize<z.output<typeof AnnotateRequest.schema>>;

/**
 * `POST modelRun/{id}/predict` and `POST dataset/{id}/model/{model}/uploadPredictions`: like
 * annotate, with predictions, and the slice the model was trained on.
 */
export const PredictRequest = createCodec(
  z.object({
    update: z.boolean().optional(),
    annotations: z.array(PredictionSchema).optional(),
    segmentations: z.array(SegmentationAnnotationSchema).optional(),
    trained_slice_id: z.string().nullish(),
  }),
);
/** Body of a predict request. */
export type PredictRequest = Camelize<z.output<typeof PredictRequest.schema>>;

/** The `serialized_request` part of a multipart mask upload, matched by position with the `mask` parts. */
export const SerializedSegmentationsPart = createCodec(
  z.object({
    segmentations: z.array(SegmentationAnnotationSchema),
    update: z.boolean().optional(),
  }),
);
/** The `serialized_request` part of a multipart mask upload. */
export type SerializedSegmentationsPart = Camelize<z.output<typeof SerializedSegmentationsPart.schema>>;

/**
 * The `?async=1` form of append, annotate and predict: the NDJSON was PUT to the signed URL of
 * `requestId` beforehand.
 */
export const AsyncUploadRequest = createCodec(
  z.object({
    requestId: z.string().min(1),
    update: z.boolean().optional(),
    trained_slice_id: z.string().nullish(),
  }),
);
/** Body of an async upload request. */
export type AsyncUploadRequest = Camelize<z.output<typeof AsyncUploadRequest.schema>>;

/** `POST dataset/{id}/create_slice`: by reference ids or item ids, or empty with `allow_empty`. */
export const CreateSliceRequest = createCodec(
  z.object({
    name: z.string().min(1),
    reference_ids: z.array(z.string()).max(10_000).nullish(),
    dataset_item_ids: z.array(z.string()).max(10_000).nullish(),
    allow_empty: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
  }),
);
/** Body of a slice creation. */
export type CreateSliceRequest = Camelize<z.output<typeof CreateSliceRequest.schema>>;

/** `POST slice/{id}/append`. Appending items already in the slice does nothing. */
export const SliceAppendRequest = createCodec(
  z.object({
    reference_ids: z.array(z.string()).max(10_000),
    dataset_id: z.string().optional(),
  }),
);
/** Body of a slice append. */
export type SliceAppendRequest = Camelize<z.output<typeof SliceAppendRequest.schema>>;

/** `POST models/add`. */
export const CreateModelRequest = createCodec(
  z.object({
    name: z.string().min(1),
    reference_id: z.string().min(1),
    metadata: MetadataSchema.nullish(),
    tags: z.array(z.string()).optional(),
    bundle_name: z.string().optional(),
    trained_slice_ids: z.array(z.string()).optional(),
  }),
);
/** Body of a model creation. */
export type CreateModelRequest = Camelize<z.output<typeof CreateModelRequest.schema>>;

/** `POST dataset/{id}/modelRun/create`. The model is named by its user `reference_id`. */
export const CreateModelRunRequest = createCodec(
  z.object({
    name: z.string().min(1),
    reference_id: z.string().min(1),
    metadata: MetadataSchema.nullish(),
    annotation_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
  }),
);
/** Body of a model run creation. */
export type CreateModelRunRequest = Camelize<z.output<typeof CreateModelRunRequest.schema>>;

/** Which ground-truth label a prediction label may match when evaluating. */
export const LabelMatchSchema = z.object({
  ground_truth_label: z.string(),
  model_prediction_label: z.string(),
});

/**
 * `POST modelRun/{id}/commit` and `calculateEvaluationMetrics`: matching options.
 * `allowed_label_matches` implies class-sensitive matching.
 */
export const CommitModelRunRequest = createCodec(
  z.object({
    class_agnostic: z.boolean().optional(),
    allowed_label_matches: z.array(LabelMatchSchema).optional(),
  }),
);
/** Body of a commit. */
export type CommitModelRunRequest = Camelize<z.output<typeof CommitModelRunRequest.schema>>;

/** A page request of the paged routes (`itemsPage`, `exportForTrainingPage`, ...). */
export const PageRequest = createCodec(
  z.looseObject({
    pageToken: z.string().nullable(),
    pageSize: z.int().positive(),
  }),
);
/** A page request. */
export type PageRequest = Camelize<z.output<typeof PageRequest.schema>>;

/** `POST jobs/`: the jobs of a key, optionally of one dataset, type or time range. */
export const ListJobsRequest = createCodec(
  z.object({
    dataset_id: z.string().nullish(),
    job_types: z.array(z.string()).nullish(),
    from_date: z.string().nullish(),
    to_date: z.string().nullish(),
    limit: z.int().positive().max(50_000).nullish(),
    show_completed: z.boolean().nullish(),
  }),
);
/** Body of a job listing. */
export type ListJobsRequest = Camelize<z.output<typeof ListJobsRequest.schema>>;

/** `POST dataset/{id}/metadata`: merges metadata into items or scenes by reference id. */
export const UpdateMetadataRequest = createCodec(
  z.object({
    metadata: z.array(
      z.object({
        reference_id: z.string().min(1),
        metadata: MetadataSchema,
        camera_params: z.unknown().optional(),
      }),
    ),
    level: z.enum(["item", "scene"]),
  }),
);
/** Body of a metadata update. */
export type UpdateMetadataRequest = Camelize<z.output<typeof UpdateMetadataRequest.schema>>;

/** `DELETE annotation/{datasetId}`: deletes the ground truth of some items. */
export const DeleteAnnotationsRequest = createCodec(
  z.object({
    reference_ids: z.array(z.string()).optional(),
    keep_history: z.boolean().optional(),
  }),
);
/** Body of an annotation deletion. */
export type DeleteAnnotationsRequest = Camelize<z.output<typeof DeleteAnnotationsRequest.schema>>;

/** The `{}` body the official client sends on DELETE, on some GETs and on an option-less commit. */
export const EmptyRequest = createCodec(z.object({}));
/** An empty body. */
export type EmptyRequest = Record<string, never>;

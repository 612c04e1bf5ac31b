import * as z from "zod";
import {
  BoxAnnotationSchema,
  BoxPredictionSchema,
  CategoryAnnotationSchema,
  CategoryPredictionSchema,
  CuboidAnnotationSchema,
  CuboidPredictionSchema,
  KeypointsAnnotationSchema,
  KeypointsPredictionSchema,
  LineAnnotationSchema,
  LinePredictionSchema,
  MultiCategoryAnnotationSchema,
  PolygonAnnotationSchema,
  PolygonPredictionSchema,
  SegmentationAnnotationSchema,
} from "./annotations.js";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";
import { DatasetItemRecordSchema, DatasetItemSchema } from "./items.js";
import { MetadataSchema } from "./json.js";
import { MetadataSchemaDefinitionSchema } from "./requests.js";

/** A stored annotation or prediction: its upload payload plus the server's `id`, other keys kept. */
function stored<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  return schema.extend({ id: z.string().optional() }).loose();
}

/**
 * Where a server serves the bytes of a mask it holds (one uploaded as a file): `mask_url` stays
 * what the uploader sent (a local path, for a file), and this URL reads the PNG.
 */
const maskMediaUrl = z.string().optional();

/**
 * A stored segmentation: the response may carry `type: "mask"` or leave it out, and
 * `mask_media_url` when the server holds the mask's bytes.
 */
const StoredSegmentationSchema = SegmentationAnnotationSchema.extend({
  type: z.literal("mask").optional(),
  id: z.string().optional(),
  mask_media_url: maskMediaUrl,
}).loose();

/** Ground truth of one item, grouped by type; types with no annotation are left out. */
export const AnnotationGroupsSchema = z.looseObject({
  box: z.array(stored(BoxAnnotationSchema)).optional(),
  line: z.array(stored(LineAnnotationSchema)).optional(),
  polygon: z.array(stored(PolygonAnnotationSchema)).optional(),
  keypoints: z.array(stored(KeypointsAnnotationSchema)).optional(),
  cuboid: z.array(stored(CuboidAnnotationSchema)).optional(),
  category: z.array(stored(CategoryAnnotationSchema)).optional(),
  multicategory: z.array(stored(MultiCategoryAnnotationSchema)).optional(),
  segmentation: z.array(StoredSegmentationSchema).optional(),
});
/** Ground truth of one item, grouped by type. */
export type AnnotationGroups = Camelize<z.output<typeof AnnotationGroupsSchema>>;

/** Predictions of one item, grouped by type: only these seven keys are allowed. */
export const PredictionGroupsSchema = z.object({
  box: z.array(stored(BoxPredictionSchema)).optional(),
  line: z.array(stored(LinePredictionSchema)).optional(),
  polygon: z.array(stored(PolygonPredictionSchema)).optional(),
  keypoints: z.array(stored(KeypointsPredictionSchema)).optional(),
  cuboid: z.array(stored(CuboidPredictionSchema)).optional(),
  category: z.array(stored(CategoryPredictionSchema)).optional(),
  segmentation: z.array(StoredSegmentationSchema).optional(),
});
/** Predictions of one item, grouped by type. */
export type PredictionGroups = Camelize<z.output<typeof PredictionGroupsSchema>>;

/** The wire schema of {@link CreateDatasetResponse}. */
export const CreateDatasetResponseSchema = z.looseObject({
  dataset_id: z.string(),
  name: z.string().optional(),
});
/** `POST dataset/create`. */
export const CreateDatasetResponse = createCodec(CreateDatasetResponseSchema);
/** Response of a dataset creation. */
export type CreateDatasetResponse = Camelize<z.output<typeof CreateDatasetResponseSchema>>;

/** The wire schema of {@link DatasetListResponse}. */
export const DatasetListResponseSchema = z.looseObject({
  dataset_ids: z.array(z.string()),
  dataset_names: z.array(z.string()),
});
/** `GET dataset/`: ids and names side by side. */
export const DatasetListResponse = createCodec(DatasetListResponseSchema);
/** Response of `GET dataset/`. */
export type DatasetListResponse = Camelize<z.output<typeof DatasetListResponseSchema>>;

/** The wire schema of {@link DatasetDetailsResponse}. */
export const DatasetDetailsResponseSchema = z.array(
  z.looseObject({ id: z.string(), name: z.string(), is_public: z.boolean() }),
);
/** `GET dataset/details`: every dataset of the key. */
export const DatasetDetailsResponse = createCodec(DatasetDetailsResponseSchema);
/** Response of `GET dataset/details`. */
export type DatasetDetailsResponse = Camelize<z.output<typeof DatasetDetailsResponseSchema>>;

/** The wire schema of {@link DatasetInfoResponse}. */
export const DatasetInfoResponseSchema = z.looseObject({
  dataset_id: z.string(),
  name: z.string(),
  length: z.int().min(0),
  model_run_ids: z.array(z.string()),
  slice_ids: z.array(z.string()),
  annotation_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
  item_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
  tags: z.array(z.string()).nullish(),
});
/** `GET dataset/{id}/info`. */
export const DatasetInfoResponse = createCodec(DatasetInfoResponseSchema);
/** Dataset info. */
export type DatasetInfoResponse = Camelize<z.output<typeof DatasetInfoResponseSchema>>;

/** The wire schema of {@link DatasetSizeResponse}. */
export const DatasetSizeResponseSchema = z.looseObject({ count: z.int().min(0) });
/** `GET dataset/{id}/size`. */
export const DatasetSizeResponse = createCodec(DatasetSizeResponseSchema);
/** Dataset size. */
export type DatasetSizeResponse = Camelize<z.output<typeof DatasetSizeResponseSchema>>;

/** The wire schema of {@link DatasetNameResponse}. */
export const DatasetNameResponseSchema = z.looseObject({ name: z.string() });
/** `GET dataset/{id}/name`. */
export const DatasetNameResponse = createCodec(DatasetNameResponseSchema);
/** Dataset name. */
export type DatasetNameResponse = Camelize<z.output<typeof DatasetNameResponseSchema>>;

/** The wire schema of {@link DatasetIsSceneResponse}. */
export const DatasetIsSceneResponseSchema = z.looseObject({ is_scene: z.boolean() });
/** `GET dataset/{id}/is_scene`. */
export const DatasetIsSceneResponse = createCodec(DatasetIsSceneResponseSchema);
/** Whether a dataset holds scenes. */
export type DatasetIsSceneResponse = Camelize<z.output<typeof DatasetIsSceneResponseSchema>>;

/** The wire schema of {@link DatasetPrivacyModeResponse}. */
export const DatasetPrivacyModeResponseSchema = z.looseObject({ use_privacy_mode: z.boolean() });
/** `GET dataset/{id}/use_privacy_mode`. */
export const DatasetPrivacyModeResponse = createCodec(DatasetPrivacyModeResponseSchema);
/** Whether a dataset is in privacy mode. */
export type DatasetPrivacyModeResponse = Camelize<z.output<typeof DatasetPrivacyModeResponseSchema>>;

/** The wire schema of {@link AppendItemsResponse}. */
export const AppendItemsResponseSchema = z.looseObject({
  dataset_id: z.string(),
  new_items: z.int().min(0),
  updated_items: z.int().min(0),
  ignored_items: z.int().min(0),
  upload_errors: z.int().min(0),
  error_payload: z.array(DatasetItemSchema.loose()).optional(),
  error_codes: z.record(z.string(), z.unknown()).optional(),
});
/**
 * Append responses. `dataset_id` echoes the dataset; `error_payload` lists the items that
 * failed and is absent on success.
 */
export const AppendItemsResponse = createCodec(AppendItemsResponseSchema);
/** Response of an append. */
export type AppendItemsResponse = Camelize<z.output<typeof AppendItemsResponseSchema>>;

/**
 * The structured form of one refused entry of a label upload, sent by `@nucleus/server` as
 * `error_details` beside the protocol's `errors` (one detail per error, in the same order):
 * `code` says why (`unknown_reference`, `unknown_item`, ...) and the ids say which entries.
 * Scale's hosted API sends only `errors`.
 */
export const RefusalDetailSchema = z.looseObject({
  code: z.string(),
  reference_id: z.string().optional(),
  reference_ids: z.array(z.string()).optional(),
  dataset_item_ids: z.array(z.string()).optional(),
  /** `taxonomy_mismatch`: the taxonomy the label named, and the label it does not allow. */
  taxonomy_name: z.string().optional(),
  label: z.string().optional(),
});
/** One refused entry of a label upload, camelCase. */
export type RefusalDetail = Camelize<z.output<typeof RefusalDetailSchema>>;

/** The wire schema of {@link AnnotateResponse}. */
export const AnnotateResponseSchema = z.looseObject({
  dataset_id: z.string(),
  annotations_processed: z.int().min(0),
  annotations_ignored: z.int().min(0),
  errors: z.array(z.string()).optional(),
  error_details: z.array(RefusalDetailSchema).optional(),
});
/** Annotate responses; `errors` names each entry that failed. */
export const AnnotateResponse = createCodec(AnnotateResponseSchema);
/** Response of an annotate request. */
export type AnnotateResponse = Camelize<z.output<typeof AnnotateResponseSchema>>;

/** The wire schema of {@link PredictResponse}. */
export const PredictResponseSchema = z.looseObject({
  dataset_id: z.string().optional(),
  model_run_id: z.string(),
  predictions_processed: z.int().min(0),
  predictions_ignored: z.int().min(0),
  errors: z.array(z.string()).optional(),
  error_details: z.array(RefusalDetailSchema).optional(),
});
/** Predict and uploadPredictions responses. */
export const PredictResponse = createCodec(PredictResponseSchema);
/** Response of a predict request. */
export type PredictResponse = Camelize<z.output<typeof PredictResponseSchema>>;

/** The wire schema of {@link ItemResponse}. */
export const ItemResponseSchema = z.looseObject({
  item: DatasetItemRecordSchema,
  annotations: AnnotationGroupsSchema,
});
/** `GET dataset/{id}/iloc|refloc|loc/...`: one item with its ground truth. */
export const ItemResponse = createCodec(ItemResponseSchema);
/** One item with its ground truth. */
export type ItemResponse = Camelize<z.output<typeof ItemResponseSchema>>;

/** The wire schema of {@link ItemPredictionsResponse}. */
export const ItemPredictionsResponseSchema = z.looseObject({ annotations: PredictionGroupsSchema });
/** `GET modelRun/{id}/iloc|refloc|loc/...`: the predictions of one item. */
export const ItemPredictionsResponse = createCodec(ItemPredictionsResponseSchema);
/** The predictions of one item. */
export type ItemPredictionsResponse = Camelize<z.output<typeof ItemPredictionsResponseSchema>>;

/** The wire schema of {@link DatasetItemsResponse}. */
export const DatasetItemsResponseSchema = z.looseObject({ dataset_items: z.array(DatasetItemRecordSchema) });
/** `GET dataset/{id}/datasetItems`. */
export const DatasetItemsResponse = createCodec(DatasetItemsResponseSchema);
/** Every item of a dataset. */
export type DatasetItemsResponse = Camelize<z.output<typeof DatasetItemsResponseSchema>>;

/** The wire schema of {@link ItemsPageResponse}. */
export const ItemsPageResponseSchema = z.looseObject({
  items: z.array(DatasetItemRecordSchema),
  nextPageToken: z.string().nullable(),
});
/** A page of items: `nextPageToken` is `null` on the last page. */
export const ItemsPageResponse = createCodec(ItemsPageResponseSchema);
/** A page of items. */
export type ItemsPageResponse = Camelize<z.output<typeof ItemsPageResponseSchema>>;

/**
 * One row of a training export: an item with every annotation type as a list, and its
 * segmentation as one object or `null`.
 */
export const ExportRowSchema = z.looseObject({
  item: DatasetItemRecordSchema,
  box: z.array(stored(BoxAnnotationSchema.partial({ reference_id: true }))),
  polygon: z.array(stored(PolygonAnnotationSchema.partial({ reference_id: true }))),
  line: z.array(stored(LineAnnotationSchema.partial({ reference_id: true }))),
  keypoints: z.array(stored(KeypointsAnnotationSchema.partial({ reference_id: true }))),
  cuboid: z.array(stored(CuboidAnnotationSchema.partial({ reference_id: true }))),
  category: z.array(stored(CategoryAnnotationSchema.partial({ reference_id: true }))),
  multicategory: z.array(stored(MultiCategoryAnnotationSchema.partial({ reference_id: true }))),
  segmentation: StoredSegmentationSchema.partial({ reference_id: true }).nullable(),
});
/** One export row. */
export type ExportRow = Camelize<z.output<typeof ExportRowSchema>>;

/** The wire schema of {@link ExportResponse}. */
export const ExportResponseSchema = z.looseObject({ exportedRows: z.array(ExportRowSchema) });
/** `GET dataset/{id}/exportForTraining`. */
export const ExportResponse = createCodec(ExportResponseSchema);
/** A whole export. */
export type ExportResponse = Camelize<z.output<typeof ExportResponseSchema>>;

/** The wire schema of {@link ExportPageResponse}. */
export const ExportPageResponseSchema = z.looseObject({
  data: z.array(ExportRowSchema),
  nextPageToken: z.string().nullable(),
});
/** `POST dataset/{id}/exportForTrainingPage`. */
export const ExportPageResponse = createCodec(ExportPageResponseSchema);
/** A page of an export. */
export type ExportPageResponse = Camelize<z.output<typeof ExportPageResponseSchema>>;

/** The wire schema of {@link CreateModelResponse}. */
export const CreateModelResponseSchema = z.looseObject({ model_id: z.string() });
/** `POST models/add`. */
export const CreateModelResponse = createCodec(CreateModelResponseSchema);
/** Response of a model creation. */
export type CreateModelResponse = Camelize<z.output<typeof CreateModelResponseSchema>>;

/** A model. Note the wire's `ref_id` for the user's reference id. */
export const ModelSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  ref_id: z.string(),
  metadata: MetadataSchema.nullish(),
  tags: z.array(z.string()).optional(),
  trained_slice_ids: z.array(z.string()).optional(),
  bundle_name: z.string().nullish(),
});
/** A model, camelCase. */
export const Model = createCodec(ModelSchema);
/** A model. */
export type Model = Camelize<z.output<typeof ModelSchema>>;

/** The wire schema of {@link ModelListResponse}. */
export const ModelListResponseSchema = z.looseObject({ models: z.array(ModelSchema) });
/** `GET models/`. */
export const ModelListResponse = createCodec(ModelListResponseSchema);
/** Every model of the key. */
export type ModelListResponse = Camelize<z.output<typeof ModelListResponseSchema>>;

/** The wire schema of {@link CreateModelRunResponse}. */
export const CreateModelRunResponseSchema = z.looseObject({ model_run_id: z.string() });
/** `POST dataset/{id}/modelRun/create`. */
export const CreateModelRunResponse = createCodec(CreateModelRunResponseSchema);
/** Response of a model run creation. */
export type CreateModelRunResponse = Camelize<z.output<typeof CreateModelRunResponseSchema>>;

/** The wire schema of {@link ModelRunInfoResponse}. */
export const ModelRunInfoResponseSchema = z.looseObject({
  model_run_id: z.string().optional(),
  model_id: z.string(),
  dataset_id: z.string().optional(),
  name: z.string(),
  status: z.string(),
  metadata: MetadataSchema.nullish(),
});
/** `GET modelRun/{id}/info`. `status` is `Started` until commit, then `Committed`. */
export const ModelRunInfoResponse = createCodec(ModelRunInfoResponseSchema);
/** Model run info. */
export type ModelRunInfoResponse = Camelize<z.output<typeof ModelRunInfoResponseSchema>>;

/** The wire schema of {@link CommitModelRunResponse}. */
export const CommitModelRunResponseSchema = z.looseObject({ model_run_id: z.string() });
/** `POST modelRun/{id}/commit`. */
export const CommitModelRunResponse = createCodec(CommitModelRunResponseSchema);
/** Response of a commit. */
export type CommitModelRunResponse = Camelize<z.output<typeof CommitModelRunResponseSchema>>;

/** The wire schema of {@link CreateSliceResponse}. */
export const CreateSliceResponseSchema = z.looseObject({ slice_id: z.string() });
/** `POST dataset/{id}/create_slice`. */
export const CreateSliceResponse = createCodec(CreateSliceResponseSchema);
/** Response of a slice creation. */
export type CreateSliceResponse = Camelize<z.output<typeof CreateSliceResponseSchema>>;

/** A slice, as listed by `dataset/{id}/slices` and `slice/`. `created_at` is ISO 8601. */
export const SliceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  dataset_id: z.string(),
  type: z.enum(["dataset_item", "object", "scene"]),
  created_at: z.string(),
  pending_job_count: z.int().min(0),
  description: z.string().nullish(),
});
/** A slice, camelCase. */
export const Slice = createCodec(SliceSchema);
/** A slice. */
export type Slice = Camelize<z.output<typeof SliceSchema>>;

/** A list of slices. */
export const SliceListResponse = createCodec(z.array(SliceSchema));
/** A list of slices. */
export type SliceListResponse = Slice[];

/** The wire schema of {@link SliceInfoResponse}. */
export const SliceInfoResponseSchema = SliceSchema.extend({
  slice_id: z.string(),
  tags: z.array(z.string()),
}).loose();
/** `GET slice/{id}/info`: the slice plus `slice_id` and `tags`. */
export const SliceInfoResponse = createCodec(SliceInfoResponseSchema);
/** Slice info. */
export type SliceInfoResponse = Camelize<z.output<typeof SliceInfoResponseSchema>>;

/** The wire schema of {@link SliceAppendResponse}. */
export const SliceAppendResponseSchema = z.looseObject({
  slice_id: z.string(),
  new_items: z.array(z.string()),
});
/** `POST slice/{id}/append`: `new_items` lists the reference ids that were not in the slice yet. */
export const SliceAppendResponse = createCodec(SliceAppendResponseSchema);
/** Response of a slice append. */
export type SliceAppendResponse = Camelize<z.output<typeof SliceAppendResponseSchema>>;

/** The wire schema of {@link SliceItemsResponse}. */
export const SliceItemsResponseSchema = z.looseObject({ items: z.array(DatasetItemRecordSchema) });
/** `GET slice/{id}`: the slice's items. */
export const SliceItemsResponse = createCodec(SliceItemsResponseSchema);
/** The items of a slice. */
export type SliceItemsResponse = Camelize<z.output<typeof SliceItemsResponseSchema>>;

/** The wire schema of {@link SliceRawJsonResponse}. */
export const SliceRawJsonResponseSchema = z.array(
  z.looseObject({
    item: DatasetItemRecordSchema,
    annotation: z.looseObject({ id: z.string() }).optional(),
    prediction: z.looseObject({ id: z.string() }).optional(),
    scene: z.looseObject({ id: z.string(), reference_id: z.string() }).optional(),
  }),
);
/**
 * `GET slice/{id}/export_raw_json`: a row per object of an object slice with the item it is on,
 * per frame item (with its scene) of a scene slice, or per item.
 *
 * @example
 * ```ts
 * import { SliceRawJsonResponse } from "@nucleus/schemas";
 *
 * SliceRawJsonResponse.decode([{ item: { id: "di_1", reference_id: "img_1" }, annotation: { id: "ann_1" } }]);
 * ```
 */
export const SliceRawJsonResponse = createCodec(SliceRawJsonResponseSchema);
/** Rows of a slice's raw JSON export. */
export type SliceRawJsonResponse = Camelize<z.output<typeof SliceRawJsonResponseSchema>>;

/** The wire schema of {@link SignedUrlResponse}. */
export const SignedUrlResponseSchema = z.looseObject({ signed_url: z.string() });
/** `GET dataset/{id}/signedUrl/{requestId}`: where to PUT the NDJSON of an async upload. */
export const SignedUrlResponse = createCodec(SignedUrlResponseSchema);
/** A signed upload URL. */
export type SignedUrlResponse = Camelize<z.output<typeof SignedUrlResponseSchema>>;

/** The wire schema of {@link DeleteResponse}. */
export const DeleteResponseSchema = z.looseObject({
  message: z.string().optional(),
  msg: z.string().optional(),
});
/** The body of DELETE responses: `{}`, or a message (`message` for datasets, `msg` for models). */
export const DeleteResponse = createCodec(DeleteResponseSchema);
/** Response of a deletion. */
export type DeleteResponse = Camelize<z.output<typeof DeleteResponseSchema>>;

/** The wire schema of {@link ErrorResponse}. */
export const ErrorResponseSchema = z.looseObject({ error: z.string() });
/** The body of every error response. */
export const ErrorResponse = createCodec(ErrorResponseSchema);
/** An error body. */
export type ErrorResponse = Camelize<z.output<typeof ErrorResponseSchema>>;

/**
 * The label of the empty side of an Evaluations V2 confusion-matrix cell: the ground-truth
 * label of a spurious prediction (a false positive on background) and the prediction label of a
 * missed ground-truth object (a false negative). The official Python client's model types both
 * labels as strings, so the wire carries this sentinel instead of `null`. `@nucleus/core` turns
 * it back into `null`; a real class literally named `(none)` reads as "no object" there.
 *
 * @example
 * ```ts
 * import { NO_OBJECT_LABEL } from "@nucleus/schemas";
 *
 * const cell = { gtLabel: "car", predLabel: NO_OBJECT_LABEL, count: 3 }; // three cars were missed
 * const predLabel = cell.predLabel === NO_OBJECT_LABEL ? null : cell.predLabel; // null
 * ```
 */
export const NO_OBJECT_LABEL = "(none)";

/** The wire schema of {@link Evaluation}. */
export const EvaluationSchema = z.looseObject({
  id: z.string(),
  model_run_id: z.string(),
  dataset_id: z.string(),
  /** `pending`, `computing`, `succeeded`, `failed` or `cancelled`. */
  status: z.string(),
  name: z.string().nullish(),
  temporal_workflow_id: z.string().nullish(),
  error_message: z.string().nullish(),
  created_at: z.string().nullish(),
  // Servers send these pairs in snake_case or camelCase; both read as camelCase.
  allowed_label_matches: z
    .array(
      z.looseObject({
        ground_truth_label: z.string().optional(),
        model_prediction_label: z.string().optional(),
        groundTruthLabel: z.string().optional(),
        modelPredictionLabel: z.string().optional(),
      }),
    )
    .nullish(),
  allowed_label_matches_id: z.string().nullish(),
  allowed_label_matches_name: z.string().nullish(),
});
/**
 * An Evaluations V2 evaluation of a model run (`GET evaluationsV2/{id}`).
 *
 * @example
 * ```ts
 * import { Evaluation } from "@nucleus/schemas";
 *
 * Evaluation.decode({ id: "evalv2_1", model_run_id: "run_1", dataset_id: "ds_1", status: "succeeded" }).modelRunId; // "run_1"
 * ```
 */
export const Evaluation = createCodec(EvaluationSchema);
/** An Evaluations V2 evaluation. */
export type Evaluation = Camelize<z.output<typeof EvaluationSchema>>;

/** The wire schema of {@link EvaluationList}. */
export const EvaluationListSchema = z.array(EvaluationSchema);
/**
 * `GET modelRun/{id}/evaluationsV2`: a run's evaluations, newest first.
 *
 * @example
 * ```ts
 * import { EvaluationList } from "@nucleus/schemas";
 *
 * EvaluationList.decode([]); // []
 * ```
 */
export const EvaluationList = createCodec(EvaluationListSchema);
/** A run's evaluations. */
export type EvaluationList = Evaluation[];

/** The wire schema of {@link CreateEvaluationResponse}. */
export const CreateEvaluationResponseSchema = z.looseObject({
  evaluation_id: z.string(),
  status: z.string().optional(),
  workflow_id: z.string().nullish(),
});
/**
 * `POST modelRun/{id}/evaluationsV2`: the new evaluation's id; it runs in the background.
 *
 * @example
 * ```ts
 * import { CreateEvaluationResponse } from "@nucleus/schemas";
 *
 * CreateEvaluationResponse.decode({ evaluation_id: "evalv2_1", status: "pending" }).evaluationId; // "evalv2_1"
 * ```
 */
export const CreateEvaluationResponse = createCodec(CreateEvaluationResponseSchema);
/** Response of an evaluation's creation. */
export type CreateEvaluationResponse = Camelize<z.output<typeof CreateEvaluationResponseSchema>>;

const count = z.int().min(0);

/** The wire schema of {@link EvaluationCharts}. Its keys are camelCase on the wire already. */
export const EvaluationChartsSchema = z.looseObject({
  mapSummary: z.looseObject({
    mapAt50: z.number().nullish(),
    mapAt75: z.number().nullish(),
    mapAt5095: z.number().nullish(),
  }),
  perClassAp: z.array(z.looseObject({ classLabel: z.string(), ap: z.number() })),
  /**
   * Class-agnostic matches at the requested IoU, one cell per (ground truth, prediction) label
   * pair. The empty side of a false positive or false negative is {@link NO_OBJECT_LABEL}.
   */
  confusionMatrix: z.array(z.looseObject({ gtLabel: z.string(), predLabel: z.string(), count })),
  scoreHistogram: z.array(z.looseObject({ bucketMin: z.number(), bucketMax: z.number(), count })),
  computedIouRanges: z.array(z.number()),
  totalCounts: z.looseObject({ tp: count, fp: count, fn: count, predsWithConfidence: count }),
  apBySize: z.looseObject({
    small: z.number().nullish(),
    medium: z.number().nullish(),
    large: z.number().nullish(),
  }),
  prCurve: z.array(z.looseObject({ classLabel: z.string(), recall: z.number(), precision: z.number() })),
  tideAttribution: z.looseObject({
    truePositive: count,
    localization: count,
    classification: count,
    both: count,
    duplicate: count,
    background: count,
    missed: count,
  }),
});
/**
 * `GET evaluationsV2/{id}/charts?iouThreshold=0.5` (or `POST` with `{"iouThreshold": 0.5}`):
 * mAP, per-class AP, confusion matrix, score histogram, PR curve and error attribution.
 *
 * @example
 * ```ts
 * import { EvaluationCharts, NO_OBJECT_LABEL } from "@nucleus/schemas";
 *
 * declare const body: unknown;
 * const missed = EvaluationCharts.decode(body).confusionMatrix.filter((c) => c.predLabel === NO_OBJECT_LABEL);
 * ```
 */
export const EvaluationCharts = createCodec(EvaluationChartsSchema);
/** Evaluation charts as they are on the wire (empty sides as {@link NO_OBJECT_LABEL}). */
export type EvaluationCharts = Camelize<z.output<typeof EvaluationChartsSchema>>;

/** One true positive, false positive or false negative of an evaluation. */
export const EvaluationExampleSchema = z.looseObject({
  id: z.string(),
  evaluation_id: z.string(),
  dataset_item_id: z.string(),
  model_prediction_id: z.string().nullish(),
  ground_truth_annotation_id: z.string().nullish(),
  pred_canonical_label: z.string().nullish(),
  gt_canonical_label: z.string().nullish(),
  pred_raw_label: z.string().nullish(),
  gt_raw_label: z.string().nullish(),
  iou: z.number().nullish(),
  confidence: z.number().nullish(),
  true_positive: z.boolean(),
  match_type: z.string(),
  gt_area: z.number().nullish(),
  item_metadata: z.record(z.string(), z.unknown()).nullish(),
  prediction_metadata: z.record(z.string(), z.unknown()).nullish(),
  prediction_row: z.record(z.string(), z.unknown()).nullish(),
  annotation_row: z.record(z.string(), z.unknown()).nullish(),
});
/** One match example. */
export type EvaluationExample = Camelize<z.output<typeof EvaluationExampleSchema>>;

/** The wire schema of {@link EvaluationExamplesPage}. */
export const EvaluationExamplesPageSchema = z.looseObject({
  rows: z.array(EvaluationExampleSchema),
  total: count,
});
/**
 * `POST evaluationsV2/{id}/examples`: a page of match rows and how many there are in all. Labels
 * of a missing side are `null` here.
 *
 * @example
 * ```ts
 * import { EvaluationExamplesPage } from "@nucleus/schemas";
 *
 * EvaluationExamplesPage.decode({ rows: [], total: 0 }).total; // 0
 * ```
 */
export const EvaluationExamplesPage = createCodec(EvaluationExamplesPageSchema);
/** A page of match examples. */
export type EvaluationExamplesPage = Camelize<z.output<typeof EvaluationExamplesPageSchema>>;

/** The wire schema of {@link ModelRunIdsResponse}. */
export const ModelRunIdsResponseSchema = z.array(z.string());
/**
 * `GET dataset/{id}/model_runs`: the ids of the dataset's model runs.
 *
 * @example
 * ```ts
 * import { ModelRunIdsResponse } from "@nucleus/schemas";
 *
 * ModelRunIdsResponse.decode(["run_1"]); // ["run_1"]
 * ```
 */
export const ModelRunIdsResponse = createCodec(ModelRunIdsResponseSchema);
/** The model run ids of a dataset. */
export type ModelRunIdsResponse = string[];

/** The wire schema of {@link UpdateMetadataResponse}. */
export const UpdateMetadataResponseSchema = z.looseObject({
  dataset_id: z.string(),
  updated: z.int().min(0),
  missing_reference_ids: z.array(z.string()),
});
/**
 * `POST dataset/{id}/metadata`: how many items were updated and which reference ids are unknown.
 *
 * @example
 * ```ts
 * import { UpdateMetadataResponse } from "@nucleus/schemas";
 *
 * UpdateMetadataResponse.decode({ dataset_id: "ds_1", updated: 2, missing_reference_ids: [] }).updated; // 2
 * ```
 */
export const UpdateMetadataResponse = createCodec(UpdateMetadataResponseSchema);
/** Response of a metadata update. */
export type UpdateMetadataResponse = Camelize<z.output<typeof UpdateMetadataResponseSchema>>;

/** The wire schema of {@link StoredLabel}. */
export const StoredLabelSchema = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  reference_id: z.string().optional(),
  annotation_id: z.string().nullish(),
  label: z.string().optional(),
  mask_media_url: maskMediaUrl,
});
/**
 * One stored annotation or prediction read by its annotation id: its upload payload plus `id`
 * (other keys are kept as they are), and for a mask the server holds, `mask_media_url` where
 * its bytes are served (`mask_url` is what the uploader sent).
 *
 * @example
 * ```ts
 * import { StoredLabel } from "@nucleus/schemas";
 *
 * StoredLabel.decode({ id: "ann_1", type: "box", reference_id: "img_1", label: "car" }).referenceId; // "img_1"
 * ```
 */
export const StoredLabel = createCodec(StoredLabelSchema);
/** A stored annotation or prediction. */
export type StoredLabel = Camelize<z.output<typeof StoredLabelSchema>>;

/** The wire schema of {@link CalculateMetricsResponse}. */
export const CalculateMetricsResponseSchema = z.looseObject({
  job_id: z.string(),
  model_run_id: z.string(),
  evaluation_id: z.string().optional(),
});
/**
 * `POST dataset/{id}/model/{model}/calculateEvaluationMetrics`: the job that computes them.
 *
 * @example
 * ```ts
 * import { CalculateMetricsResponse } from "@nucleus/schemas";
 *
 * CalculateMetricsResponse.decode({ job_id: "job_1", model_run_id: "run_1" }).jobId; // "job_1"
 * ```
 */
export const CalculateMetricsResponse = createCodec(CalculateMetricsResponseSchema);
/** Response of a metrics calculation. */
export type CalculateMetricsResponse = Camelize<z.output<typeof CalculateMetricsResponseSchema>>;

/** The wire schema of {@link UploadReceipt}. */
export const UploadReceiptSchema = z.looseObject({ size: z.int().min(0) });
/**
 * The response of the PUT to a signed upload URL of the local server: the bytes received.
 *
 * @example
 * ```ts
 * import { UploadReceipt } from "@nucleus/schemas";
 *
 * UploadReceipt.decode({ size: 1024 }).size; // 1024
 * ```
 */
export const UploadReceipt = createCodec(UploadReceiptSchema);
/** A signed upload's receipt. */
export type UploadReceipt = Camelize<z.output<typeof UploadReceiptSchema>>;

/** The wire schema of {@link SessionResponse}. */
export const SessionResponseSchema = z.looseObject({
  csrf_token: z.string(),
  expires_at: z.string(),
});
/**
 * `POST __session` on the local server: the token to send as `x-csrf-token` on every request
 * that changes something, and when the session ends (ISO 8601). The session itself travels in an
 * HttpOnly cookie.
 *
 * @example
 * ```ts
 * import { SessionResponse } from "@nucleus/schemas";
 *
 * SessionResponse.decode({ csrf_token: "t0k3n", expires_at: "2026-12-02T10:00:00.000Z" }).csrfToken; // "t0k3n"
 * ```
 */
export const SessionResponse = createCodec(SessionResponseSchema);
/** A session's CSRF token and expiry. */
export type SessionResponse = Camelize<z.output<typeof SessionResponseSchema>>;

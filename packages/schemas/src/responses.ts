import { z } from "zod";
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

/** A stored segmentation: the response may carry `type: "mask"` or leave it out. */
const StoredSegmentationSchema = SegmentationAnnotationSchema.extend({
  type: z.literal("mask").optional(),
  id: z.string().optional(),
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

/** The wire schema of {@link AnnotateResponse}. */
export const AnnotateResponseSchema = z.looseObject({
  dataset_id: z.string(),
  annotations_processed: z.int().min(0),
  annotations_ignored: z.int().min(0),
  errors: z.array(z.string()).optional(),
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

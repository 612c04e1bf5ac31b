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
function stored<T extends z.ZodObject>(schema: T) {
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

/** `POST dataset/create`. */
export const CreateDatasetResponse = createCodec(
  z.looseObject({ dataset_id: z.string(), name: z.string().optional() }),
);
/** Response of a dataset creation. */
export type CreateDatasetResponse = Camelize<z.output<typeof CreateDatasetResponse.schema>>;

/** `GET dataset/`: ids and names side by side. */
export const DatasetListResponse = createCodec(
  z.looseObject({ dataset_ids: z.array(z.string()), dataset_names: z.array(z.string()) }),
);
/** Response of `GET dataset/`. */
export type DatasetListResponse = Camelize<z.output<typeof DatasetListResponse.schema>>;

/** `GET dataset/details`: every dataset of the key. */
export const DatasetDetailsResponse = createCodec(
  z.array(z.looseObject({ id: z.string(), name: z.string(), is_public: z.boolean() })),
);
/** Response of `GET dataset/details`. */
export type DatasetDetailsResponse = Camelize<z.output<typeof DatasetDetailsResponse.schema>>;

/** `GET dataset/{id}/info`. */
export const DatasetInfoResponse = createCodec(
  z.looseObject({
    dataset_id: z.string(),
    name: z.string(),
    length: z.int().min(0),
    model_run_ids: z.array(z.string()),
    slice_ids: z.array(z.string()),
    annotation_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
    item_metadata_schema: MetadataSchemaDefinitionSchema.nullish(),
    tags: z.array(z.string()).nullish(),
  }),
);
/** Dataset info. */
export type DatasetInfoResponse = Camelize<z.output<typeof DatasetInfoResponse.schema>>;

/** `GET dataset/{id}/size`. */
export const DatasetSizeResponse = createCodec(z.looseObject({ count: z.int().min(0) }));
/** Dataset size. */
export type DatasetSizeResponse = Camelize<z.output<typeof DatasetSizeResponse.schema>>;

/** `GET dataset/{id}/name`. */
export const DatasetNameResponse = createCodec(z.looseObject({ name: z.string() }));
/** Dataset name. */
export type DatasetNameResponse = Camelize<z.output<typeof DatasetNameResponse.schema>>;

/** `GET dataset/{id}/is_scene`. */
export const DatasetIsSceneResponse = createCodec(z.looseObject({ is_scene: z.boolean() }));
/** Whether a dataset holds scenes. */
export type DatasetIsSceneResponse = Camelize<z.output<typeof DatasetIsSceneResponse.schema>>;

/** `GET dataset/{id}/use_privacy_mode`. */
export const DatasetPrivacyModeResponse = createCodec(z.looseObject({ use_privacy_mode: z.boolean() }));
/** Whether a dataset is in privacy mode. */
export type DatasetPrivacyModeResponse = Camelize<z.output<typeof DatasetPrivacyModeResponse.schema>>;

/**
 * Append responses. `dataset_id` echoes the dataset; `error_payload` lists the items that
 * failed and is absent on success.
 */
export const AppendItemsResponse = createCodec(
  z.looseObject({
    dataset_id: z.string(),
    new_items: z.int().min(0),
    updated_items: z.int().min(0),
    ignored_items: z.int().min(0),
    upload_errors: z.int().min(0),
    error_payload: z.array(DatasetItemSchema.loose()).optional(),
    error_codes: z.record(z.string(), z.unknown()).optional(),
  }),
);
/** Response of an append. */
export type AppendItemsResponse = Camelize<z.output<typeof AppendItemsResponse.schema>>;

/** Annotate responses; `errors` names each entry that failed. */
export const AnnotateResponse = createCodec(
  z.looseObject({
    dataset_id: z.string(),
    annotations_processed: z.int().min(0),
    annotations_ignored: z.int().min(0),
    errors: z.array(z.string()).optional(),
  }),
);
/** Response of an annotate request. */
export type AnnotateResponse = Camelize<z.output<typeof AnnotateResponse.schema>>;

/** Predict and uploadPredictions responses. */
export const PredictResponse = createCodec(
  z.looseObject({
    dataset_id: z.string().optional(),
    model_run_id: z.string(),
    predictions_processed: z.int().min(0),
    predictions_ignored: z.int().min(0),
    errors: z.array(z.string()).optional(),
  }),
);
/** Response of a predict request. */
export type PredictResponse = Camelize<z.output<typeof PredictResponse.schema>>;

/** `GET dataset/{id}/iloc|refloc|loc/...`: one item with its ground truth. */
export const ItemResponse = createCodec(
  z.looseObject({ item: DatasetItemRecordSchema, annotations: AnnotationGroupsSchema }),
);
/** One item with its ground truth. */
export type ItemResponse = Camelize<z.output<typeof ItemResponse.schema>>;

/** `GET modelRun/{id}/iloc|refloc|loc/...`: the predictions of one item. */
export const ItemPredictionsResponse = createCodec(z.looseObject({ annotations: PredictionGroupsSchema }));
/** The predictions of one item. */
export type ItemPredictionsResponse = Camelize<z.output<typeof ItemPredictionsResponse.schema>>;

/** `GET dataset/{id}/datasetItems`. */
export const DatasetItemsResponse = createCodec(
  z.looseObject({ dataset_items: z.array(DatasetItemRecordSchema) }),
);
/** Every item of a dataset. */
export type DatasetItemsResponse = Camelize<z.output<typeof DatasetItemsResponse.schema>>;

/** A page of items: `nextPageToken` is `null` on the last page. */
export const ItemsPageResponse = createCodec(
  z.looseObject({ items: z.array(DatasetItemRecordSchema), nextPageToken: z.string().nullable() }),
);
/** A page of items. */
export type ItemsPageResponse = Camelize<z.output<typeof ItemsPageResponse.schema>>;

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

/** `GET dataset/{id}/exportForTraining`. */
export const ExportResponse = createCodec(z.looseObject({ exportedRows: z.array(ExportRowSchema) }));
/** A whole export. */
export type ExportResponse = Camelize<z.output<typeof ExportResponse.schema>>;

/** `POST dataset/{id}/exportForTrainingPage`. */
export const ExportPageResponse = createCodec(
  z.looseObject({ data: z.array(ExportRowSchema), nextPageToken: z.string().nullable() }),
);
/** A page of an export. */
export type ExportPageResponse = Camelize<z.output<typeof ExportPageResponse.schema>>;

/** `POST models/add`. */
export const CreateModelResponse = createCodec(z.looseObject({ model_id: z.string() }));
/** Response of a model creation. */
export type CreateModelResponse = Camelize<z.output<typeof CreateModelResponse.schema>>;

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

/** `GET models/`. */
export const ModelListResponse = createCodec(z.looseObject({ models: z.array(ModelSchema) }));
/** Every model of the key. */
export type ModelListResponse = Camelize<z.output<typeof ModelListResponse.schema>>;

/** `POST dataset/{id}/modelRun/create`. */
export const CreateModelRunResponse = createCodec(z.looseObject({ model_run_id: z.string() }));
/** Response of a model run creation. */
export type CreateModelRunResponse = Camelize<z.output<typeof CreateModelRunResponse.schema>>;

/** `GET modelRun/{id}/info`. `status` is `Started` until commit, then `Committed`. */
export const ModelRunInfoResponse = createCodec(
  z.looseObject({
    model_run_id: z.string().optional(),
    model_id: z.string(),
    dataset_id: z.string().optional(),
    name: z.string(),
    status: z.string(),
    metadata: MetadataSchema.nullish(),
  }),
);
/** Model run info. */
export type ModelRunInfoResponse = Camelize<z.output<typeof ModelRunInfoResponse.schema>>;

/** `POST modelRun/{id}/commit`. */
export const CommitModelRunResponse = createCodec(z.looseObject({ model_run_id: z.string() }));
/** Response of a commit. */
export type CommitModelRunResponse = Camelize<z.output<typeof CommitModelRunResponse.schema>>;

/** `POST dataset/{id}/create_slice`. */
export const CreateSliceResponse = createCodec(z.looseObject({ slice_id: z.string() }));
/** Response of a slice creation. */
export type CreateSliceResponse = Camelize<z.output<typeof CreateSliceResponse.schema>>;

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

/** `GET slice/{id}/info`: the slice plus `slice_id` and `tags`. */
export const SliceInfoResponse = createCodec(
  SliceSchema.extend({ slice_id: z.string(), tags: z.array(z.string()) }).loose(),
);
/** Slice info. */
export type SliceInfoResponse = Camelize<z.output<typeof SliceInfoResponse.schema>>;

/** `POST slice/{id}/append`: `new_items` lists the reference ids that were not in the slice yet. */
export const SliceAppendResponse = createCodec(
  z.looseObject({ slice_id: z.string(), new_items: z.array(z.string()) }),
);
/** Response of a slice append. */
export type SliceAppendResponse = Camelize<z.output<typeof SliceAppendResponse.schema>>;

/** `GET slice/{id}`: the slice's items. */
export const SliceItemsResponse = createCodec(z.looseObject({ items: z.array(DatasetItemRecordSchema) }));
/** The items of a slice. */
export type SliceItemsResponse = Camelize<z.output<typeof SliceItemsResponse.schema>>;

/** `GET dataset/{id}/signedUrl/{requestId}`: where to PUT the NDJSON of an async upload. */
export const SignedUrlResponse = createCodec(z.looseObject({ signed_url: z.string() }));
/** A signed upload URL. */
export type SignedUrlResponse = Camelize<z.output<typeof SignedUrlResponse.schema>>;

/** The body of DELETE responses: `{}`, or a message (`message` for datasets, `msg` for models). */
export const DeleteResponse = createCodec(
  z.looseObject({ message: z.string().optional(), msg: z.string().optional() }),
);
/** Response of a deletion. */
export type DeleteResponse = Camelize<z.output<typeof DeleteResponse.schema>>;

/** The body of every error response. */
export const ErrorResponse = createCodec(z.looseObject({ error: z.string() }));
/** An error body. */
export type ErrorResponse = Camelize<z.output<typeof ErrorResponse.schema>>;

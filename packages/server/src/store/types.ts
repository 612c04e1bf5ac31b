import type { AnnotationWire, DatasetItemWire, PredictionWire } from "@nucleus/schemas";

/** A tenant: the hash of one API key. Every object belongs to exactly one. */
export type Tenant = string;

/** A dataset row. */
export interface DatasetRow {
  id: string;
  tenant: Tenant;
  name: string;
  is_scene: number;
  use_privacy_mode: number;
  annotation_metadata_schema: string | null;
  item_metadata_schema: string | null;
  tags: string;
  created_at: string;
}

/** A dataset item row. */
export interface ItemRow {
  seq: number;
  id: string;
  dataset_id: string;
  reference_id: string;
  image_url: string;
  media_key: string | null;
  metadata: string;
  width: number | null;
  height: number | null;
  embedding_info: string | null;
}

/** An annotation or prediction row; `payload` is the stored wire JSON. */
export interface LabelRow {
  id: string;
  item_id: string;
  kind: string;
  payload: string;
}

/** A model row. */
export interface ModelRow {
  id: string;
  tenant: Tenant;
  name: string;
  reference_id: string;
  metadata: string | null;
  tags: string;
  trained_slice_ids: string;
  bundle_name: string | null;
  created_at: string;
}

/** A model run row. */
export interface ModelRunRow {
  id: string;
  tenant: Tenant;
  model_id: string;
  dataset_id: string;
  name: string;
  metadata: string | null;
  status: "Started" | "Committed";
  commit_options: string | null;
  implicit: number;
  created_at: string;
}

/** A slice row. */
export interface SliceRow {
  id: string;
  tenant: Tenant;
  dataset_id: string;
  name: string;
  type: string;
  description: string | null;
  tags: string;
  created_at: string;
}

/** A job row. */
export interface JobRow {
  id: string;
  tenant: Tenant;
  dataset_id: string | null;
  type: string;
  status: string;
  message: string | null;
  completed_steps: number;
  total_steps: number;
  errors: string;
  spec: string;
  created_at: string;
}

/** An item to insert or update; `media_key` is set for uploaded files. */
export type ItemInput = DatasetItemWire & { media_key?: string | null };

/** Counts of an item upsert. */
export interface ItemUpsertResult {
  newItems: number;
  updatedItems: number;
  ignoredItems: number;
}

/** Counts of an annotation or prediction upsert; `errors` names each entry that was refused. */
export interface LabelUpsertResult {
  processed: number;
  ignored: number;
  errors: string[];
}

/** Where labels go: a dataset's ground truth or a model run's predictions. */
export type LabelTarget =
  | { kind: "annotations"; datasetId: string }
  | { kind: "predictions"; datasetId: string; runId: string };

/** A label as uploaded. */
export type LabelInput = AnnotationWire | PredictionWire;

/** An evaluation of a model run: COCO metrics against the dataset's ground truth. */
export interface EvaluationRow {
  id: string;
  tenant: Tenant;
  run_id: string;
  dataset_id: string;
  name: string | null;
  status: "pending" | "computing" | "succeeded" | "failed";
  options: string;
  results: string | null;
  error_message: string | null;
  created_at: string;
}

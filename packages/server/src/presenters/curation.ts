/** Wire forms of query results, facets, the metadata schema, tags, reviews and subset evaluations. */
import type { ContractResponse, DatasetItemRecordWire, routes, StoredLabel, WireOf } from "@nucleus/schemas";
import {
  type EvaluationMetrics,
  EvaluationMetricsDocument,
  type FacetsRecord,
  type ItemRecord,
  type MatchRowRecord,
  type MetadataKeyRecord,
  type MetadataSchemaDefinition,
  type ObjectRecord,
  type ReviewRecord,
} from "../store/index.js";
import { itemWire } from "./items.js";
import { labelWire } from "./labels.js";
import type { MediaUrl } from "./media.js";

/** A match row as `queryObjectsPage` lists it (§4.13), with its confidence, type and item. */
export function matchRowWire(row: MatchRowRecord, runId: string) {
  return {
    model_run_id: runId,
    model_prediction_id: row.predictionId,
    ground_truth_annotation_id: row.annotationId,
    iou: row.iou,
    dataset_item_id: row.itemId,
    reference_id: row.referenceId,
    true_positive: row.matchType === "TP",
    match_type: row.matchType,
    model_prediction_label: row.predLabel,
    ground_truth_annotation_label: row.gtLabel,
    model_prediction_annotation_id: row.predAnnotationId,
    ground_truth_annotation_annotation_id: row.gtAnnotationId,
    confidence: row.score,
    box: row.box ? { x: row.box[0], y: row.box[1], width: row.box[2], height: row.box[3] } : null,
  };
}

/** An object of `queryObjectsPage`: a stored label with its item, or a match row. */
export function objectWire(record: ObjectRecord, mediaUrl: MediaUrl, runId: string | null) {
  if (record.kind === "match") return matchRowWire(record.match, runId ?? "");
  // Set on the label's wire, not spread into a new object: see `labelWire` for why.
  const wire = labelWire(record.label, mediaUrl) as LabelObjectWire;
  wire.reference_id = record.referenceId;
  wire.dataset_item_id = record.label.itemId;
  if (runId) wire.model_run_id = runId;
  return wire;
}

/** A stored label of `queryObjectsPage` with its item's ids (and the run of a prediction). */
export type LabelObjectWire = WireOf<typeof StoredLabel> & {
  reference_id: string;
  dataset_item_id: string;
  model_run_id?: string;
};

/** Facets (`FacetsResponseSchema`). */
export function facetsWire(facets: FacetsRecord): ContractResponse<typeof routes.facets> {
  const labels = (list: FacetsRecord["annotations"]) => list.map((l) => ({ ...l }));
  return {
    count: facets.count,
    annotations: labels(facets.annotations),
    predictions: facets.predictions.map((p) => ({ model_run_id: p.runId, labels: labels(p.labels) })),
    metadata: facets.metadata.map((m) => ({
      key: m.key,
      type: m.type,
      items: m.items,
      ...(m.values ? { values: m.values.map((v) => ({ ...v })) } : {}),
      ...(m.histogram ? { histogram: { edges: m.histogram.edges, counts: m.histogram.counts } } : {}),
    })),
    tags: facets.tags.map((t) => ({ ...t })),
  };
}

/**
 * The protocol's `item_metadata_schema` of inferred keys: numbers as `number`, texts with few
 * distinct values as `category` (with their choices when known), other texts as `text`, the
 * rest as `json`. A schema given when the dataset was made wins for the keys it names.
 */
export function inferredSchema(
  keys: readonly MetadataKeyRecord[],
  declared: MetadataSchemaDefinition | null,
): MetadataSchemaDefinition {
  const schema: MetadataSchemaDefinition = {};
  for (const key of keys) {
    if (key.type === "number") schema[key.key] = { type: "number" };
    else if (key.type === "string")
      schema[key.key] = { type: key.distinctValues > 0 && key.distinctValues <= 50 ? "category" : "text" };
    else schema[key.key] = { type: "json" };
  }
  return { ...schema, ...(declared ?? {}) };
}

/** The metadata schema (`MetadataSchemaResponseSchema`). */
export function metadataSchemaWire(
  keys: readonly MetadataKeyRecord[],
  declared: MetadataSchemaDefinition | null,
): ContractResponse<typeof routes.metadataSchema> {
  return {
    keys: keys.map((key) => ({
      key: key.key,
      type: key.type,
      types: key.types,
      items: key.items,
      distinct_values: key.distinctValues,
      ...(key.min !== undefined ? { min: key.min } : {}),
      ...(key.max !== undefined ? { max: key.max } : {}),
    })),
    item_metadata_schema: inferredSchema(keys, declared),
  };
}

/** One review (`ReviewListResponseSchema`). */
export function reviewWire(review: ReviewRecord) {
  return {
    item_id: review.itemId,
    reference_id: review.referenceId,
    annotation_id: review.annotationId,
    status: review.status,
    reviewer: review.reviewer,
    comment: review.comment,
    created_at: review.createdAt,
  };
}

/** An item with its tags and review status, for grids of items. */
export function curationItemWire(
  item: ItemRecord,
  tags: readonly string[],
  mediaUrl: MediaUrl,
): DatasetItemRecordWire & { tags: string[]; review_status: string | null } {
  const status = item.metadata.review_status;
  return {
    ...itemWire(item, mediaUrl),
    tags: [...tags],
    review_status: typeof status === "string" ? status : null,
  };
}

/** COCO metrics as the server reports them (snake_case). */
export function metricsWire(metrics: EvaluationMetrics) {
  return EvaluationMetricsDocument.toWire(metrics);
}

/**
 * The 400 body of a query that does not hold: the message names the position and what was
 * expected; `query_error` gives them as fields, for a query bar to underline.
 */
export function queryErrorBody(error: {
  message: string;
  position?: number;
  found?: string;
  expected?: string;
}) {
  return {
    error: error.message,
    ...(error.position !== undefined
      ? { query_error: { position: error.position, found: error.found, expected: error.expected } }
      : {}),
  };
}

/** Metadata of the items and predictions of a page of examples, by id. */
export interface ExampleMetadata {
  items: ReadonlyMap<string, Record<string, unknown>>;
  predictions: ReadonlyMap<string, Record<string, unknown>>;
}

/** One Evaluations V2 example (`EvaluationExampleSchema`); `position` is its place in the whole selection. */
export function exampleRowWire(
  evaluationId: string,
  row: MatchRowRecord,
  position: number,
  matchType: string | null | undefined,
  metadata: ExampleMetadata,
) {
  return {
    id: `${evaluationId}:${matchType ?? "ALL"}:${position}`,
    evaluation_id: evaluationId,
    dataset_item_id: row.itemId,
    model_prediction_id: row.predictionId,
    ground_truth_annotation_id: row.annotationId,
    pred_canonical_label: row.predLabel,
    gt_canonical_label: row.gtLabel,
    pred_raw_label: row.predLabel,
    gt_raw_label: row.gtLabel,
    iou: row.iou,
    confidence: row.score,
    true_positive: row.matchType === "TP",
    match_type: row.matchType,
    gt_area: row.gtArea,
    // Some official client versions require both objects, so they are never left out.
    item_metadata: metadata.items.get(row.itemId) ?? {},
    prediction_metadata: row.predictionId === null ? {} : (metadata.predictions.get(row.predictionId) ?? {}),
  };
}

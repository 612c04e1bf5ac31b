/** The Evaluations V2 examples: selecting, sorting and paging match rows, and their wire rows. */
import type { MatchRow } from "@nucleus/metrics";

/** Which examples to list, and how. */
export interface ExamplesQuery {
  /** One kind, or every kind when left out. */
  matchType?: "TP" | "FP" | "FN" | null | undefined;
  /** `confidence`, `iou` or `dataset_item_id`; match order otherwise. */
  sortBy?: string | null | undefined;
  /** Descending unless `asc`. */
  sortOrder?: "asc" | "desc" | null | undefined;
  offset: number;
  limit: number;
}

/** The rows of one page of examples, and how many match the query in all. */
export function selectExamples(rows: readonly MatchRow[], query: ExamplesQuery) {
  const selected = query.matchType ? rows.filter((r) => r.kind === query.matchType) : [...rows];
  const sign = query.sortOrder === "asc" ? 1 : -1;
  if (query.sortBy === "confidence" || query.sortBy === "iou") {
    const key = query.sortBy === "confidence" ? "score" : "iou";
    selected.sort((a, b) => sign * ((a[key] ?? -1) - (b[key] ?? -1)));
  } else if (query.sortBy === "dataset_item_id") {
    selected.sort((a, b) => sign * String(a.itemId).localeCompare(String(b.itemId)));
  }
  return { page: selected.slice(query.offset, query.offset + query.limit), total: selected.length };
}

/** Metadata of the items and predictions of a page, by id. */
export interface ExampleMetadata {
  items: ReadonlyMap<string, Record<string, unknown>>;
  predictions: ReadonlyMap<string, Record<string, unknown>>;
}

/** One example row (`EvaluationExampleSchema`); `position` is its place in the whole selection. */
export function exampleWire(
  evaluationId: string,
  row: MatchRow,
  position: number,
  query: Pick<ExamplesQuery, "matchType">,
  metadata: ExampleMetadata,
) {
  return {
    id: `${evaluationId}:${query.matchType ?? "ALL"}:${position}`,
    evaluation_id: evaluationId,
    dataset_item_id: String(row.itemId),
    model_prediction_id: row.predictionId === undefined ? null : String(row.predictionId),
    ground_truth_annotation_id: row.groundTruthId === undefined ? null : String(row.groundTruthId),
    pred_canonical_label: row.predictionLabel ?? null,
    gt_canonical_label: row.groundTruthLabel ?? null,
    pred_raw_label: row.predictionLabel ?? null,
    gt_raw_label: row.groundTruthLabel ?? null,
    iou: row.iou,
    confidence: row.score ?? null,
    true_positive: row.kind === "TP",
    match_type: row.kind,
    // Some official client versions require both objects, so they are never left out.
    item_metadata: metadata.items.get(String(row.itemId)) ?? {},
    prediction_metadata:
      row.predictionId === undefined ? {} : (metadata.predictions.get(String(row.predictionId)) ?? {}),
  };
}

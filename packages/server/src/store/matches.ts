/**
 * Stored match rows: the outcome of matching a run's predictions to its dataset's ground truth,
 * one set per (evaluation, IoU threshold), written by the evaluation job and read by object
 * queries, Evaluations V2 charts and examples, and evaluations of subsets.
 */

/** A match row's kind: a true positive pair, a false positive prediction, a missed ground truth. */
export type MatchType = "TP" | "FP" | "FN";

/**
 * How one prediction fared in COCO's matching within one area range, over COCO's ten IoU
 * thresholds (0.50, 0.55, ... 0.95): bit `t` is set when it was a true positive at threshold
 * `t`, bit `10 + t` when it was ignored there (matched to ground truth outside the range, or
 * unmatched and outside the range itself); otherwise it was a false positive.
 */
export type CocoOutcome = number;

/** One match row. */
export interface MatchRow {
  matchType: MatchType;
  /** `box` or `polygon`: only objects of one shape are matched together. */
  shape: "box" | "polygon";
  /** The server's id of the prediction (TP, FP). */
  predictionId: string | null;
  /** The server's id of the ground-truth annotation (TP, FN). */
  annotationId: string | null;
  /** The annotation ids clients gave (or were given). */
  predAnnotationId: string | null;
  gtAnnotationId: string | null;
  predLabel: string | null;
  gtLabel: string | null;
  /** IoU of the pair; for an unmatched object, its best IoU with any object of the other side. */
  iou: number;
  score: number | null;
  /** The prediction's box (the ground truth's for FN): `[x, y, width, height]`. */
  box: [number, number, number, number] | null;
  /** The prediction's area (the ground truth's for FN). */
  area: number | null;
  /** The ground truth's area, for COCO's size ranges. */
  gtArea: number | null;
  /** The prediction's place among its item's predictions of its class, by score (COCO's maxDets). */
  rank: number | null;
  /** COCO outcomes of the prediction: area all, small, medium, large; null outside box metrics. */
  coco: [CocoOutcome, CocoOutcome, CocoOutcome, CocoOutcome] | null;
  /** For the confusion matrix: the label of the ground truth the prediction matched regardless of labels. */
  agnosticLabel: string | null;
  /** For the confusion matrix: whether the ground truth was matched by a prediction of any label. */
  agnosticMatched: boolean | null;
}

/** A stored match row with its item. */
export interface MatchRowRecord extends MatchRow {
  itemId: string;
  referenceId: string;
}

/** The label versions a set was computed at: ground truth of the dataset, predictions of the run. */
export interface LabelVersions {
  labels: number;
  run: number;
}

/** A set of match rows. */
export interface MatchSetRecord {
  /** The store's handle of the set. */
  key: number;
  evaluationId: string;
  iouThreshold: number;
  versions: LabelVersions;
  createdAt: string;
}

/** Match rows of evaluations. */
export interface MatchStore {
  /** The current label versions of a dataset's ground truth and a run's predictions. */
  versions(datasetId: string, runId: string): Promise<LabelVersions>;
  /** The set of an evaluation at a threshold, if one was stored. */
  find(evaluationId: string, iouThreshold: number): Promise<MatchSetRecord | undefined>;
  /** Starts a new, empty set (replacing one at the same threshold) at these versions. */
  begin(evaluationId: string, iouThreshold: number, versions: LabelVersions): Promise<MatchSetRecord>;
  /** Appends the rows of some items to a set; each item's rows in order. */
  append(setKey: number, items: readonly { itemId: string; rows: readonly MatchRow[] }[]): Promise<void>;
  /** Deletes a set and its rows. */
  drop(setKey: number): Promise<void>;
}

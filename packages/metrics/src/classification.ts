import type { MatchRow } from "./match.js";

/** Counts and rates of one class (or of all classes together). */
export interface PrecisionRecall {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

function rates(tp: number, fp: number, fn: number): PrecisionRecall {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * Precision, recall and F1 per class and overall, from match rows (see `matchDetections`).
 * A TP counts for its ground-truth label, an FP for its prediction label, an FN for its
 * ground-truth label.
 *
 * @example
 * ```ts
 * const { overall, perClass } = precisionRecall(matchDetections(gts, preds, { iouThreshold: 0.5, minScore: 0.3 }));
 * ```
 */
export function precisionRecall(rows: readonly MatchRow[]): {
  overall: PrecisionRecall;
  perClass: Record<string, PrecisionRecall>;
} {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const at = (label: string) => {
    let c = counts.get(label);
    if (!c) {
      c = { tp: 0, fp: 0, fn: 0 };
      counts.set(label, c);
    }
    return c;
  };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const row of rows) {
    if (row.kind === "TP") {
      at(row.groundTruthLabel as string).tp += 1;
      tp += 1;
    } else if (row.kind === "FP") {
      at(row.predictionLabel as string).fp += 1;
      fp += 1;
    } else {
      at(row.groundTruthLabel as string).fn += 1;
      fn += 1;
    }
  }
  const perClass: Record<string, PrecisionRecall> = {};
  for (const [label, c] of [...counts].sort(([a], [b]) => a.localeCompare(b)))
    perClass[label] = rates(c.tp, c.fp, c.fn);
  return { overall: rates(tp, fp, fn), perClass };
}

/** A point of a precision-recall curve, at the confidence it starts at. */
export interface CurvePoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * The precision-recall curve of one class from match rows (matched at a fixed IoU with no score
 * cut): one point per distinct confidence, highest first.
 */
export function precisionRecallCurve(rows: readonly MatchRow[], label?: string): CurvePoint[] {
  const relevant = rows.filter(
    (r) => label === undefined || (r.kind === "FP" ? r.predictionLabel : r.groundTruthLabel) === label,
  );
  const positives = relevant.filter((r) => r.kind !== "FP").length;
  const scored = relevant.filter((r) => r.kind !== "FN").sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  const points: CurvePoint[] = [];
  let tp = 0;
  let fp = 0;
  scored.forEach((row, i) => {
    if (row.kind === "TP") tp += 1;
    else fp += 1;
    const next = scored[i + 1];
    if (next && next.score === row.score) return;
    const { precision, recall, f1 } = rates(tp, fp, positives - tp);
    points.push({ threshold: row.score ?? 0, precision, recall, f1 });
  });
  return points;
}

/** The confidence that maximises F1 for a class, with that F1 (threshold 0 when there is no prediction). */
export function bestF1Threshold(rows: readonly MatchRow[], label?: string): CurvePoint {
  let best: CurvePoint = { threshold: 0, precision: 0, recall: 0, f1: 0 };
  for (const point of precisionRecallCurve(rows, label)) if (point.f1 > best.f1) best = point;
  return best;
}

/** The label of the "no prediction" column and of the "no ground truth" row of a confusion matrix. */
export const MISSING = "missing";
/** The label of the row of predictions that match no ground truth. */
export const BACKGROUND = "background";

/**
 * A confusion matrix from class-agnostic match rows: `matrix[groundTruthLabel][predictionLabel]`
 * counts matched pairs, `[label][MISSING]` missed ground truth, `[BACKGROUND][label]` predictions
 * on nothing.
 *
 * @example
 * ```ts
 * const cm = confusionMatrix(matchDetections(gts, preds, { classAgnostic: true }));
 * cm.car?.bus; // cars predicted as buses
 * ```
 */
export function confusionMatrix(rows: readonly MatchRow[]): Record<string, Record<string, number>> {
  const matrix: Record<string, Record<string, number>> = {};
  const add = (gt: string, pred: string) => {
    const row = matrix[gt] ?? {};
    row[pred] = (row[pred] ?? 0) + 1;
    matrix[gt] = row;
  };
  for (const row of rows) {
    if (row.kind === "TP") add(row.groundTruthLabel as string, row.predictionLabel as string);
    else if (row.kind === "FP") add(BACKGROUND, row.predictionLabel as string);
    else add(row.groundTruthLabel as string, MISSING);
  }
  return matrix;
}

/** Accuracy and F1 averages of a classification. */
export interface CategorizationMetrics {
  accuracy: number;
  macroF1: number;
  microF1: number;
  weightedF1: number;
  perClass: Record<string, PrecisionRecall & { support: number }>;
}

/**
 * Metrics of item-level categories: pairs of (ground-truth label, predicted label), one per item.
 *
 * @example
 * ```ts
 * categorizationMetrics([["day", "day"], ["night", "day"]]).accuracy; // 0.5
 * ```
 */
export function categorizationMetrics(pairs: readonly (readonly [string, string])[]): CategorizationMetrics {
  const labels = [...new Set(pairs.flat())].sort();
  const perClass: CategorizationMetrics["perClass"] = {};
  let correct = 0;
  for (const [g, p] of pairs) if (g === p) correct += 1;
  let macro = 0;
  let weighted = 0;
  for (const label of labels) {
    const tp = pairs.filter(([g, p]) => g === label && p === label).length;
    const fp = pairs.filter(([g, p]) => g !== label && p === label).length;
    const fn = pairs.filter(([g, p]) => g === label && p !== label).length;
    const support = tp + fn;
    perClass[label] = { ...rates(tp, fp, fn), support };
    macro += (perClass[label] as PrecisionRecall).f1;
    weighted += (perClass[label] as PrecisionRecall).f1 * support;
  }
  const n = pairs.length;
  return {
    accuracy: n > 0 ? correct / n : 0,
    macroF1: labels.length > 0 ? macro / labels.length : 0,
    // With one label per item, micro precision = micro recall = accuracy.
    microF1: n > 0 ? correct / n : 0,
    weightedF1: n > 0 ? weighted / n : 0,
    perClass,
  };
}

/**
 * The Evaluations V2 charts, as pure functions of an evaluation's metrics and its match rows.
 * Each returns its part of the wire object (`EvaluationChartsSchema`, camelCase on the wire).
 */
import { type MatchRow, precisionRecallCurve } from "@nucleus/metrics";
import { NO_OBJECT_LABEL } from "@nucleus/schemas";
import type { EvaluationMetrics } from "../store/index.js";
import type { Matches } from "./matches.js";

/** The index of the value nearest to `target` (the first one on a tie). */
export function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  values.forEach((value, i) => {
    if (Math.abs(value - target) < Math.abs((values[best] as number) - target)) best = i;
  });
  return best;
}

/** mAP at 0.5, 0.75 and over 0.5:0.95. */
export function mapSummary(metrics: EvaluationMetrics) {
  return { mapAt50: metrics.map50, mapAt75: metrics.map75, mapAt5095: metrics.map };
}

/** Each class's AP at the computed IoU threshold nearest to `iouThreshold`. */
export function perClassAp(metrics: EvaluationMetrics, iouThreshold: number) {
  const t = nearestIndex(metrics.iouThresholds, iouThreshold);
  return metrics.perClass.map((k) => ({ classLabel: k.label, ap: k.apByIou[t] ?? k.ap50 }));
}

/**
 * Confusion-matrix cells of class-agnostic match rows, in first-seen order. The empty side of a
 * false positive or negative is NO_OBJECT_LABEL: the official client's model needs strings.
 */
export function confusionCells(rows: readonly MatchRow[]) {
  const cells = new Map<string, { gtLabel: string; predLabel: string; count: number }>();
  for (const row of rows) {
    const gtLabel = row.kind === "FP" ? NO_OBJECT_LABEL : (row.groundTruthLabel ?? NO_OBJECT_LABEL);
    const predLabel = row.kind === "FN" ? NO_OBJECT_LABEL : (row.predictionLabel ?? NO_OBJECT_LABEL);
    const key = JSON.stringify([gtLabel, predLabel]);
    const cell = cells.get(key);
    if (cell) cell.count += 1;
    else cells.set(key, { gtLabel, predLabel, count: 1 });
  }
  return [...cells.values()];
}

/** Confidence scores in ten buckets of 0.1; the last one also holds scores of 1 (and above). */
export function scoreHistogram(scores: readonly number[]) {
  return Array.from({ length: 10 }, (_, b) => ({
    bucketMin: b / 10,
    bucketMax: (b + 1) / 10,
    count: scores.filter((s) => (b === 9 ? s >= b / 10 : s >= b / 10 && s < (b + 1) / 10)).length,
  }));
}

/** How many true positives, false positives and false negatives, and predictions with a score. */
export function totalCounts(rows: readonly MatchRow[], scores: readonly number[]) {
  return {
    tp: rows.filter((r) => r.kind === "TP").length,
    fp: rows.filter((r) => r.kind === "FP").length,
    fn: rows.filter((r) => r.kind === "FN").length,
    predsWithConfidence: scores.length,
  };
}

/** The precision-recall curve of each class, one point per distinct confidence. */
export function prCurve(metrics: EvaluationMetrics, rows: readonly MatchRow[]) {
  return metrics.perClass.flatMap((k) =>
    precisionRecallCurve(rows, k.label).map((point) => ({
      classLabel: k.label,
      recall: point.recall,
      precision: point.precision,
    })),
  );
}

/**
 * A coarse TIDE attribution from match rows: each false positive by how much it overlaps ground
 * truth (background under 0.1, localisation below the threshold, classification at or above it
 * with the wrong label), each false negative as missed.
 */
export function tideAttribution(rows: readonly MatchRow[], iouThreshold: number) {
  const fps = rows.filter((r) => r.kind === "FP");
  return {
    truePositive: rows.filter((r) => r.kind === "TP").length,
    localization: fps.filter((r) => r.iou >= 0.1 && r.iou < iouThreshold).length,
    classification: fps.filter((r) => r.iou >= iouThreshold).length,
    both: 0,
    duplicate: 0,
    background: fps.filter((r) => r.iou < 0.1).length,
    missed: rows.filter((r) => r.kind === "FN").length,
  };
}

/** Every chart of an evaluation at one IoU threshold. */
export function buildCharts(metrics: EvaluationMetrics, matches: Matches, iouThreshold: number) {
  const scores = matches.predictions.map((p) => p.score).filter((s): s is number => s !== undefined);
  return {
    mapSummary: mapSummary(metrics),
    perClassAp: perClassAp(metrics, iouThreshold),
    confusionMatrix: confusionCells(matches.agnostic),
    scoreHistogram: scoreHistogram(scores),
    computedIouRanges: metrics.iouThresholds,
    totalCounts: totalCounts(matches.rows, scores),
    apBySize: metrics.apBySize,
    prCurve: prCurve(metrics, matches.rows),
    tideAttribution: tideAttribution(matches.rows, iouThreshold),
  };
}

/**
 * The Evaluations V2 charts of a set of stored match rows (all of an evaluation's, or a
 * subset's), computed as the rows stream by: counts, confusion, score histogram, PR curves and
 * error attribution; mAP and per-class AP come from the same rows through COCO's accumulation.
 */
import { NO_OBJECT_LABEL } from "@nucleus/schemas";
import type { EvaluationMetrics, MatchRow } from "../store/index.js";
import { CocoAccumulator } from "./coco-accumulate.js";

type Row = Pick<
  MatchRow,
  | "matchType"
  | "shape"
  | "predLabel"
  | "gtLabel"
  | "score"
  | "rank"
  | "coco"
  | "gtArea"
  | "iou"
  | "agnosticLabel"
  | "agnosticMatched"
>;

/** One class's scored rows for its PR curve. */
interface Curve {
  scores: number[];
  truePositive: boolean[];
  positives: number;
}

/** The index of the value nearest to `target` (the first one on a tie). */
function nearest(values: readonly number[], target: number): number {
  let best = 0;
  values.forEach((value, i) => {
    if (Math.abs(value - target) < Math.abs((values[best] as number) - target)) best = i;
  });
  return best;
}

/**
 * Accumulates match rows (in item order) into Evaluations V2 charts and COCO metrics.
 *
 * @example
 * ```ts
 * const charts = new RowCharts({ classAgnostic: false });
 * for (const row of rows) charts.add(row);
 * const { metrics, charts: wire } = charts.result(itemCount, 0.5);
 * ```
 */
export class RowCharts {
  private readonly coco: CocoAccumulator;
  private readonly cells = new Map<string, { gtLabel: string; predLabel: string; count: number }>();
  private readonly histogram = new Array<number>(10).fill(0);
  private readonly curves = new Map<string, Curve>();
  private readonly counts = { tp: 0, fp: 0, fn: 0, predsWithConfidence: 0 };
  private readonly tide = { localization: 0, classification: 0, background: 0 };

  constructor(options: { classAgnostic?: boolean | undefined } = {}) {
    this.coco = new CocoAccumulator(options);
  }

  private curve(label: string): Curve {
    let curve = this.curves.get(label);
    if (!curve) {
      curve = { scores: [], truePositive: [], positives: 0 };
      this.curves.set(label, curve);
    }
    return curve;
  }

  private cell(gtLabel: string, predLabel: string): void {
    const key = JSON.stringify([gtLabel, predLabel]);
    const cell = this.cells.get(key);
    if (cell) cell.count += 1;
    else this.cells.set(key, { gtLabel, predLabel, count: 1 });
  }

  add(row: Row, iouThreshold: number): void {
    this.coco.add(row);
    const type = row.matchType;
    if (type === "TP") this.counts.tp += 1;
    else if (type === "FP") this.counts.fp += 1;
    else this.counts.fn += 1;
    if (type !== "FN" && row.score !== null) {
      this.counts.predsWithConfidence += 1;
      const bucket = Math.min(9, Math.max(0, Math.floor(row.score * 10)));
      this.histogram[bucket] = (this.histogram[bucket] as number) + 1;
    }
    // The confusion matrix counts matches made regardless of labels.
    if (type !== "FN" && row.predLabel !== null)
      this.cell(row.agnosticLabel ?? NO_OBJECT_LABEL, row.predLabel);
    if (type !== "FP" && row.gtLabel !== null && row.agnosticMatched === false)
      this.cell(row.gtLabel, NO_OBJECT_LABEL);
    // PR curves at the rows' threshold: a TP and an FN count for the ground truth's class.
    if (type === "FP") {
      const curve = this.curve(row.predLabel ?? "");
      curve.scores.push(row.score ?? 0);
      curve.truePositive.push(false);
      if (row.iou < 0.1) this.tide.background += 1;
      else if (row.iou < iouThreshold) this.tide.localization += 1;
      else this.tide.classification += 1;
    } else {
      const curve = this.curve(row.gtLabel ?? "");
      curve.positives += 1;
      if (type === "TP") {
        curve.scores.push(row.score ?? 0);
        curve.truePositive.push(true);
      }
    }
  }

  /** {@link result}, with the COCO metrics computed a step at a time between event-loop turns. */
  async resultInTurns(
    items: number,
    iouThreshold: number,
  ): Promise<{ metrics: EvaluationMetrics; charts: Record<string, unknown> }> {
    return this.result(items, iouThreshold, await this.coco.metricsInTurns(items));
  }

  /**
   * The metrics and charts of the rows added, over `items` items, at the rows' threshold;
   * `metrics`, when given, are the COCO metrics of those rows computed already.
   */
  result(
    items: number,
    iouThreshold: number,
    metrics: EvaluationMetrics = this.coco.metrics(items),
  ): { metrics: EvaluationMetrics; charts: Record<string, unknown> } {
    const t = nearest(metrics.iouThresholds, iouThreshold);
    const prCurve = metrics.perClass.flatMap((k) => {
      const curve = this.curves.get(k.label);
      if (!curve) return [];
      const order = curve.scores
        .map((_, i) => i)
        .sort((a, b) => (curve.scores[b] as number) - (curve.scores[a] as number));
      const points: { classLabel: string; recall: number; precision: number }[] = [];
      let tp = 0;
      let fp = 0;
      order.forEach((i, n) => {
        if (curve.truePositive[i]) tp += 1;
        else fp += 1;
        const next = order[n + 1];
        if (next !== undefined && curve.scores[next] === curve.scores[i]) return;
        points.push({
          classLabel: k.label,
          recall: curve.positives > 0 ? tp / curve.positives : 0,
          precision: tp + fp > 0 ? tp / (tp + fp) : 0,
        });
      });
      return points;
    });
    return {
      metrics,
      charts: {
        mapSummary: { mapAt50: metrics.map50, mapAt75: metrics.map75, mapAt5095: metrics.map },
        perClassAp: metrics.perClass.map((k) => ({ classLabel: k.label, ap: k.apByIou[t] ?? k.ap50 })),
        confusionMatrix: [...this.cells.values()],
        scoreHistogram: this.histogram.map((count, b) => ({
          bucketMin: b / 10,
          bucketMax: (b + 1) / 10,
          count,
        })),
        computedIouRanges: metrics.iouThresholds,
        totalCounts: { ...this.counts },
        apBySize: metrics.apBySize,
        prCurve,
        tideAttribution: {
          truePositive: this.counts.tp,
          localization: this.tide.localization,
          classification: this.tide.classification,
          both: 0,
          duplicate: 0,
          background: this.tide.background,
          missed: this.counts.fn,
        },
      },
    };
  }
}

import type { MatchRow } from "@nucleus/metrics";
import { NO_OBJECT_LABEL } from "@nucleus/schemas";
import { describe, expect, it } from "vitest";
import type { EvaluationMetrics } from "../store/index.js";
import {
  buildCharts,
  confusionCells,
  mapSummary,
  nearestIndex,
  perClassAp,
  prCurve,
  scoreHistogram,
  tideAttribution,
  totalCounts,
} from "./charts.js";

const tp = (label: string, score: number, iou = 0.8): MatchRow => ({
  kind: "TP",
  itemId: "i",
  predictionId: `p${score}`,
  groundTruthId: `g${score}`,
  predictionLabel: label,
  groundTruthLabel: label,
  iou,
  score,
});
const fp = (label: string, score: number, iou: number, groundTruthLabel?: string): MatchRow => ({
  kind: "FP",
  itemId: "i",
  predictionId: `p${score}`,
  predictionLabel: label,
  ...(groundTruthLabel ? { groundTruthLabel } : {}),
  iou,
  score,
});
const fn = (label: string): MatchRow => ({
  kind: "FN",
  itemId: "i",
  groundTruthId: `g-${label}`,
  groundTruthLabel: label,
  iou: 0,
});

const metrics: EvaluationMetrics = {
  iouType: "bbox",
  stats: [0.4, 0.6, 0.3],
  map: 0.4,
  map50: 0.6,
  map75: 0.3,
  apBySize: { small: -1, medium: 0.2, large: 0.5 },
  ar100: 0.5,
  iouThresholds: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75],
  perClass: [
    { label: "car", ap: 0.4, ap50: 0.6, ap75: 0.3, ar100: 0.5, apByIou: [0.6, 0.55, 0.5, 0.45, 0.4, 0.3] },
    { label: "bus", ap: 0.2, ap50: 0.25, ap75: 0.1, ar100: 0.3, apByIou: [] },
  ],
  counts: { items: 2, groundTruth: 4, predictions: 5 },
};

describe("Evaluations V2 charts", () => {
  it("pick the computed IoU threshold nearest to the one asked for (the first on a tie)", () => {
    expect(nearestIndex([0.5, 0.55, 0.6], 0.5)).toBe(0);
    expect(nearestIndex([0.5, 0.55, 0.6], 0.58)).toBe(2);
    expect(nearestIndex([1, 3], 2)).toBe(0);
    expect(nearestIndex([0.5, 0.55, 0.6], 0.9)).toBe(2);
  });

  it("summarise mAP and give each class's AP at the nearest threshold, AP50 when it has none", () => {
    expect(mapSummary(metrics)).toEqual({ mapAt50: 0.6, mapAt75: 0.3, mapAt5095: 0.4 });
    expect(perClassAp(metrics, 0.75)).toEqual([
      { classLabel: "car", ap: 0.3 },
      { classLabel: "bus", ap: 0.25 },
    ]);
  });

  it("count confusion cells in first-seen order, the empty side of FPs and FNs as the no-object label", () => {
    const rows = [tp("car", 0.9), fp("car", 0.3, 0), fn("bus"), tp("car", 0.8), fp("bus", 0.6, 0.7, "car")];
    expect(confusionCells(rows)).toEqual([
      { gtLabel: "car", predLabel: "car", count: 2 },
      { gtLabel: NO_OBJECT_LABEL, predLabel: "car", count: 1 },
      { gtLabel: "bus", predLabel: NO_OBJECT_LABEL, count: 1 },
      { gtLabel: NO_OBJECT_LABEL, predLabel: "bus", count: 1 },
    ]);
  });

  it("bucket scores by tenths, the last bucket closed at 1", () => {
    const histogram = scoreHistogram([0, 0.05, 0.1, 0.55, 0.9, 0.95, 1]);
    expect(histogram).toHaveLength(10);
    expect(histogram[0]).toEqual({ bucketMin: 0, bucketMax: 0.1, count: 2 });
    expect(histogram[1]?.count).toBe(1);
    expect(histogram[5]?.count).toBe(1);
    expect(histogram[9]).toEqual({ bucketMin: 0.9, bucketMax: 1, count: 3 });
    expect(histogram.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(7);
  });

  it("count TP, FP, FN and scored predictions", () => {
    const rows = [tp("car", 0.9), fp("car", 0.3, 0), fn("bus")];
    expect(totalCounts(rows, [0.9, 0.3])).toEqual({ tp: 1, fp: 1, fn: 1, predsWithConfidence: 2 });
  });

  it("attribute false positives by overlap and false negatives as missed", () => {
    const rows = [
      tp("car", 0.9),
      fp("car", 0.2, 0.05),
      fp("car", 0.3, 0.3),
      fp("bus", 0.4, 0.6, "car"),
      fn("bus"),
    ];
    expect(tideAttribution(rows, 0.5)).toEqual({
      truePositive: 1,
      localization: 1,
      classification: 1,
      both: 0,
      duplicate: 0,
      background: 1,
      missed: 1,
    });
  });

  it("draw each class's precision-recall curve from its own rows", () => {
    const rows = [tp("car", 0.9), fp("car", 0.8, 0), tp("car", 0.7), fn("car")];
    const curve = prCurve(metrics, rows);
    const car = curve.filter((point) => point.classLabel === "car");
    expect(car.map((point) => [point.recall, point.precision])).toEqual([
      [1 / 3, 1],
      [1 / 3, 1 / 2],
      [2 / 3, 2 / 3],
    ]);
    expect(curve.filter((point) => point.classLabel === "bus")).toEqual([]);
  });

  it("put every chart together", () => {
    const rows = [tp("car", 0.9), fn("bus")];
    const charts = buildCharts(
      metrics,
      {
        rows,
        agnostic: rows,
        predictions: [{ id: "p", itemId: "i", label: "car", box: [0, 0, 1, 1], score: 0.9 }],
      },
      0.5,
    );
    expect(Object.keys(charts)).toEqual([
      "mapSummary",
      "perClassAp",
      "confusionMatrix",
      "scoreHistogram",
      "computedIouRanges",
      "totalCounts",
      "apBySize",
      "prCurve",
      "tideAttribution",
    ]);
    expect(charts.totalCounts).toEqual({ tp: 1, fp: 0, fn: 1, predsWithConfidence: 1 });
    expect(charts.computedIouRanges).toEqual(metrics.iouThresholds);
  });
});

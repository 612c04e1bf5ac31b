import { describe, expect, it } from "vitest";
import {
  bestF1Threshold,
  categorizationMetrics,
  confusionMatrix,
  precisionRecall,
  precisionRecallCurve,
} from "./classification.js";
import { type MatchObject, matchDetections } from "./match.js";

const gts: MatchObject[] = [
  { id: "g1", itemId: 1, label: "car", box: [0, 0, 10, 10] },
  { id: "g2", itemId: 1, label: "bus", box: [50, 50, 20, 20] },
  { id: "g3", itemId: 2, label: "car", box: [0, 0, 10, 10] },
];
const preds: MatchObject[] = [
  { id: "p1", itemId: 1, label: "car", box: [1, 0, 10, 10], score: 0.9 },
  { id: "p2", itemId: 1, label: "car", box: [50, 50, 20, 20], score: 0.8 },
  { id: "p3", itemId: 1, label: "car", box: [0, 0, 10, 10], score: 0.4 },
  { id: "p4", itemId: 2, label: "car", box: [0, 1, 10, 10], score: 0.7 },
];

describe("matchDetections", () => {
  it("lists TP, FP and FN with ids and IoU, per label", () => {
    const rows = matchDetections(gts, preds);
    expect(rows.map((r) => [r.kind, r.predictionId ?? null, r.groundTruthId ?? null])).toEqual([
      ["TP", "p1", "g1"],
      ["FP", "p2", null],
      ["FP", "p3", null],
      ["FN", null, "g2"],
      ["TP", "p4", "g3"],
    ]);
    expect(rows[0]?.iou).toBeCloseTo(90 / 110, 12);
    expect(rows[1]?.iou).toBe(1); // overlaps the bus fully, but the label differs
  });

  it("matches across labels when class-agnostic or allowed", () => {
    expect(matchDetections(gts, preds, { classAgnostic: true }).filter((r) => r.kind === "TP")).toHaveLength(
      3,
    );
    const allowed = matchDetections(gts, preds, { allowedLabelMatches: [["bus", "car"]] });
    expect(allowed.find((r) => r.groundTruthId === "g2")?.predictionId).toBe("p2");
  });

  it("drops predictions under the confidence cut and rejects NaN scores", () => {
    expect(matchDetections(gts, preds, { minScore: 0.75 }).filter((r) => r.kind === "FN")).toHaveLength(2);
    expect(() =>
      matchDetections(gts, [{ id: "x", itemId: 1, label: "car", box: [0, 0, 1, 1], score: Number.NaN }]),
    ).toThrow("prediction x: score must be a finite number, got NaN");
  });
});

describe("precision, recall, F1 and confusion", () => {
  const rows = matchDetections(gts, preds);

  it("count per class and overall", () => {
    const { overall, perClass } = precisionRecall(rows);
    expect(overall).toMatchObject({ tp: 2, fp: 2, fn: 1, precision: 0.5, recall: 2 / 3 });
    expect(perClass.bus).toMatchObject({ tp: 0, fp: 0, fn: 1, recall: 0 });
    expect(perClass.car).toMatchObject({ tp: 2, fp: 2, fn: 0, precision: 0.5, recall: 1 });
  });

  it("draw the PR curve and find the F1-optimal confidence", () => {
    const curve = precisionRecallCurve(rows, "car");
    expect(curve.map((p) => p.threshold)).toEqual([0.9, 0.8, 0.7, 0.4]);
    expect(curve.map((p) => p.precision)).toEqual([1, 0.5, 2 / 3, 0.5]);
    expect(bestF1Threshold(rows, "car")).toMatchObject({ threshold: 0.7, f1: 0.8 });
  });

  it("put class confusions, misses and background in one matrix", () => {
    const cm = confusionMatrix(matchDetections(gts, preds, { classAgnostic: true }));
    expect(cm).toEqual({ car: { car: 2 }, bus: { car: 1 }, background: { car: 1 } });
  });

  it("score item categories", () => {
    const m = categorizationMetrics([
      ["day", "day"],
      ["day", "night"],
      ["night", "night"],
      ["dusk", "night"],
    ]);
    expect(m.accuracy).toBe(0.5);
    expect(m.perClass.night).toMatchObject({ tp: 1, fp: 2, fn: 0, support: 1 });
    expect(m.microF1).toBe(0.5);
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 12);
  });
});

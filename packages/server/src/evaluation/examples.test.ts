import type { MatchRow } from "@nucleus/metrics";
import { describe, expect, it } from "vitest";
import { exampleWire, selectExamples } from "./examples.js";

const row = (kind: MatchRow["kind"], itemId: string, iou: number, score?: number): MatchRow => ({
  kind,
  itemId,
  iou,
  ...(score === undefined ? {} : { score, predictionId: `p-${itemId}-${score}` }),
  ...(kind === "FP" ? {} : { groundTruthId: `g-${itemId}`, groundTruthLabel: "car" }),
  ...(kind === "FN" ? {} : { predictionLabel: "car" }),
});

const rows = [
  row("TP", "b", 0.9, 0.6),
  row("FP", "a", 0.2, 0.9),
  row("FN", "c", 0),
  row("TP", "a", 0.7, 0.3),
];

describe("Evaluations V2 examples", () => {
  it("select one kind or every kind, in match order unless sorted", () => {
    expect(selectExamples(rows, { matchType: "TP", offset: 0, limit: 10 })).toEqual({
      page: [rows[0], rows[3]],
      total: 2,
    });
    expect(selectExamples(rows, { offset: 1, limit: 2 })).toEqual({ page: [rows[1], rows[2]], total: 4 });
  });

  it("sort by confidence, IoU or item id, descending unless asc, unscored rows last", () => {
    const byScore = selectExamples(rows, { sortBy: "confidence", offset: 0, limit: 10 }).page;
    expect(byScore.map((r) => r.score)).toEqual([0.9, 0.6, 0.3, undefined]);
    const byIou = selectExamples(rows, { sortBy: "iou", sortOrder: "asc", offset: 0, limit: 10 }).page;
    expect(byIou.map((r) => r.iou)).toEqual([0, 0.2, 0.7, 0.9]);
    const byItem = selectExamples(rows, {
      sortBy: "dataset_item_id",
      sortOrder: "asc",
      offset: 0,
      limit: 10,
    }).page;
    expect(byItem.map((r) => r.itemId)).toEqual(["a", "a", "b", "c"]);
  });

  it("write a row with both metadata objects, empty when there is none", () => {
    const metadata = {
      items: new Map([["a", { weather: "rain" }]]),
      predictions: new Map<string, Record<string, unknown>>(),
    };
    expect(exampleWire("evalv2_1", rows[1] as MatchRow, 7, {}, metadata)).toEqual({
      id: "evalv2_1:ALL:7",
      evaluation_id: "evalv2_1",
      dataset_item_id: "a",
      model_prediction_id: "p-a-0.9",
      ground_truth_annotation_id: null,
      pred_canonical_label: "car",
      gt_canonical_label: null,
      pred_raw_label: "car",
      gt_raw_label: null,
      iou: 0.2,
      confidence: 0.9,
      true_positive: false,
      match_type: "FP",
      item_metadata: { weather: "rain" },
      prediction_metadata: {},
    });
    expect(exampleWire("evalv2_1", rows[2] as MatchRow, 0, { matchType: "FN" }, metadata)).toMatchObject({
      id: "evalv2_1:FN:0",
      model_prediction_id: null,
      confidence: null,
      item_metadata: {},
    });
  });
});

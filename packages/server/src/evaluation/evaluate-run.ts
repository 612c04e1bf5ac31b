import { evaluateBoxes } from "@nucleus/metrics";
import type { NucleusStore } from "../store/store.js";
import { loadRunObjects } from "./objects.js";

/** How a run is evaluated: per class (default) or class-agnostic, with extra allowed label pairs for matching. */
export interface EvaluationOptions {
  class_agnostic?: boolean;
  allowed_label_matches?: { ground_truth_label: string; model_prediction_label: string }[];
}

/** What an evaluation stores: COCO box metrics, overall and per class. */
export interface EvaluationResults {
  iou_type: "bbox";
  stats: number[];
  map: number;
  map50: number;
  map75: number;
  ap_by_size: { small: number; medium: number; large: number };
  ar100: number;
  iou_thresholds: number[];
  per_class: { label: string; ap: number; ap50: number; ap75: number; ar100: number; ap_by_iou: number[] }[];
  counts: { items: number; ground_truth: number; predictions: number };
}

/** Evaluates a run's box predictions against its dataset's box ground truth with `@nucleus/metrics`. */
export function evaluateRun(
  store: NucleusStore,
  datasetId: string,
  runId: string,
  options: EvaluationOptions,
): EvaluationResults {
  const objects = loadRunObjects(store, datasetId, runId);
  const result = evaluateBoxes(
    objects.items.map((item) => item.id),
    objects.groundTruth,
    objects.predictions,
    { classAgnostic: Boolean(options.class_agnostic) },
  );
  return {
    iou_type: "bbox",
    stats: result.stats,
    map: result.map,
    map50: result.map50,
    map75: result.map75,
    ap_by_size: result.apBySize,
    ar100: result.ar100,
    iou_thresholds: result.iouThresholds,
    per_class: result.perClass.map(({ apByIou, ...rest }) => ({ ...rest, ap_by_iou: apByIou })),
    counts: {
      items: result.counts.items,
      ground_truth: result.counts.groundTruth,
      predictions: result.counts.predictions,
    },
  };
}

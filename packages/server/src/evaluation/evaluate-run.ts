import { COCO_IOU_THRESHOLDS, evaluateCoco } from "@nucleus/metrics";
import type { NucleusStore } from "../store/store.js";
import { loadRunObjects, toCoco } from "./objects.js";

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
  const { groundTruth, detections, labels } = toCoco(objects);
  const coco = evaluateCoco(groundTruth, detections, { useCats: !options.class_agnostic });
  const stats = coco.stats;
  return {
    iou_type: "bbox",
    stats,
    map: stats[0] as number,
    map50: stats[1] as number,
    map75: stats[2] as number,
    ap_by_size: { small: stats[3] as number, medium: stats[4] as number, large: stats[5] as number },
    ar100: stats[8] as number,
    iou_thresholds: [...COCO_IOU_THRESHOLDS],
    per_class: labels.flatMap((label, i) => {
      const result = coco.perCategory[i + 1];
      return result
        ? [
            {
              label,
              ap: result.ap,
              ap50: result.ap50,
              ap75: result.ap75,
              ar100: result.ar100,
              ap_by_iou: result.apByIou,
            },
          ]
        : [];
    }),
    counts: {
      items: objects.items.length,
      ground_truth: groundTruth.annotations.length,
      predictions: detections.length,
    },
  };
}

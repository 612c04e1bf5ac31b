import { evaluateBoxes } from "@nucleus/metrics";
import type { EvaluationMetrics, EvaluationOptions } from "../store/index.js";
import type { RunObjects } from "./objects.js";

/** Evaluates a run's box predictions against its dataset's box ground truth with `@nucleus/metrics`. */
export function evaluateRun(objects: RunObjects, options: EvaluationOptions): EvaluationMetrics {
  const result = evaluateBoxes(
    objects.items.map((item) => item.id),
    objects.groundTruth,
    objects.predictions,
    { classAgnostic: Boolean(options.classAgnostic) },
  );
  return {
    iouType: "bbox",
    stats: result.stats,
    map: result.map,
    map50: result.map50,
    map75: result.map75,
    apBySize: result.apBySize,
    ar100: result.ar100,
    iouThresholds: result.iouThresholds,
    perClass: result.perClass.map(({ label, ap, ap50, ap75, ar100, apByIou }) => ({
      label,
      ap,
      ap50,
      ap75,
      ar100,
      apByIou,
    })),
    counts: {
      items: result.counts.items,
      groundTruth: result.counts.groundTruth,
      predictions: result.counts.predictions,
    },
  };
}

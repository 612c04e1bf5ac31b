import { type MatchObject, type MatchRow, matchDetections } from "@nucleus/metrics";
import type { EvaluationOptions } from "../store/index.js";
import type { RunObjects } from "./objects.js";

/** A run's match rows at one IoU threshold, per label and class-agnostic. */
export interface Matches {
  /** Matched per label (or as the evaluation's options say). */
  rows: MatchRow[];
  /** Matched whatever the labels: what the confusion matrix counts. */
  agnostic: MatchRow[];
  predictions: MatchObject[];
}

/** Matches a run's predictions to its ground truth at `iouThreshold`, per label and class-agnostic. */
export function matchRun(objects: RunObjects, options: EvaluationOptions, iouThreshold: number): Matches {
  const allowed = (options.allowedLabelMatches ?? []).map(
    (m) => [m.groundTruthLabel, m.modelPredictionLabel] as const,
  );
  const rows = matchDetections(objects.groundTruth, objects.predictions, {
    iouThreshold,
    classAgnostic: options.classAgnostic ?? false,
    allowedLabelMatches: allowed,
  });
  const agnostic = matchDetections(objects.groundTruth, objects.predictions, {
    iouThreshold,
    classAgnostic: true,
  });
  return { rows, agnostic, predictions: objects.predictions };
}

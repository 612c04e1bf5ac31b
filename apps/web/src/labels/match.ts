import { type MatchObject, matchDetections } from "@nucleus/metrics";
import type { Shape } from "./shapes.js";

/** How a shape fared when one run's predictions were matched to the ground truth. */
export interface MatchInfo {
  kind: "TP" | "FP" | "FN";
  /** IoU with the matched shape, or with the best overlapping one when unmatched. */
  iou: number;
  /** The key of the shape it matched. */
  partner?: string;
}

/** Options of {@link matchShapes}; the same as the server's evaluation uses. */
export interface MatchShapesOptions {
  iouThreshold: number;
  /** Predictions below this confidence are left out of the matching (and marked nothing). */
  minConfidence?: number;
  classAgnostic?: boolean;
  allowedLabelMatches?: readonly (readonly [string, string])[];
}

function objectOf(shape: Shape): MatchObject | undefined {
  const base = {
    id: shape.key,
    itemId: 0,
    label: shape.label,
    ...(shape.confidence !== undefined ? { score: shape.confidence } : {}),
  };
  if (shape.kind === "box") return { ...base, box: [shape.x, shape.y, shape.width, shape.height] };
  if (shape.kind === "polygon") return { ...base, polygon: shape.points.map((p) => [p.x, p.y] as const) };
  return undefined;
}

/**
 * Marks one item's boxes and polygons TP, FP or FN the way the server's Evaluations V2 matching
 * does (COCO: by descending confidence, the best unmatched ground truth of the same class at or
 * above the IoU threshold), with `@nucleus/metrics`' matcher. Keys are shape keys; shapes of
 * other kinds are left out.
 *
 * @example
 * ```ts
 * const marks = matchShapes(groundTruth, predictions, { iouThreshold: 0.5 });
 * marks.get(predictions[0].key)?.kind; // "TP"
 * ```
 */
export function matchShapes(
  groundTruth: readonly Shape[],
  predictions: readonly Shape[],
  options: MatchShapesOptions,
): Map<string, MatchInfo> {
  const gts = groundTruth.flatMap((s) => objectOf(s) ?? []);
  const preds = predictions
    .filter((s) => (s.confidence ?? 1) >= (options.minConfidence ?? 0))
    .flatMap((s) => objectOf(s) ?? []);
  const rows = matchDetections(gts, preds, {
    iouThreshold: options.iouThreshold,
    classAgnostic: options.classAgnostic ?? false,
    ...(options.allowedLabelMatches ? { allowedLabelMatches: options.allowedLabelMatches } : {}),
  });
  const marks = new Map<string, MatchInfo>();
  for (const row of rows) {
    const pred = row.predictionId === undefined ? undefined : String(row.predictionId);
    const gt = row.groundTruthId === undefined ? undefined : String(row.groundTruthId);
    if (row.kind === "TP" && pred && gt) {
      marks.set(pred, { kind: "TP", iou: row.iou, partner: gt });
      marks.set(gt, { kind: "TP", iou: row.iou, partner: pred });
    } else if (row.kind === "FP" && pred) marks.set(pred, { kind: "FP", iou: row.iou });
    else if (row.kind === "FN" && gt) marks.set(gt, { kind: "FN", iou: row.iou });
  }
  return marks;
}

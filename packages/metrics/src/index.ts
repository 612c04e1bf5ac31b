/**
 * `@nucleus/metrics`: IoU, matching and COCO AP/AR identical to pycocotools, for boxes and
 * masks. Pure TypeScript, no I/O: runs in Node and in browsers.
 *
 * @example
 * ```ts
 * import { evaluateCoco } from "@nucleus/metrics";
 *
 * const { stats, perCategory } = evaluateCoco(groundTruth, detections, { iouType: "bbox" });
 * console.log(`mAP ${stats[0]}`);
 * ```
 *
 * @packageDocumentation
 */

export {
  BACKGROUND,
  bestF1Threshold,
  type CategorizationMetrics,
  type CurvePoint,
  categorizationMetrics,
  confusionMatrix,
  MISSING,
  type PrecisionRecall,
  precisionRecall,
  precisionRecallCurve,
} from "./classification.js";
export { CocoInputError } from "./coco/errors.js";
export { evaluateCoco } from "./coco/evaluate.js";
export {
  COCO_AREA_LABELS,
  COCO_AREA_RANGES,
  COCO_IOU_THRESHOLDS,
  COCO_MAX_DETS,
  COCO_RECALL_THRESHOLDS,
  linspace,
  numpySum,
} from "./coco/params.js";
export { CocoResultsParser, parseCocoResults } from "./coco/results/parse.js";
export { type CocoResults, toCocoResults } from "./coco/results/results.js";
export type * from "./coco/types.js";
export { type Box, boxIou, boxIouMatrix } from "./geometry/box.js";
export { type Cuboid, cuboidBevIou, cuboidFootprint, cuboidIou } from "./geometry/cuboid.js";
export { boxToPolygon, type Point, polygonArea, polygonIou } from "./geometry/polygon.js";
export {
  type Polygon,
  type Rle,
  rleArea,
  rleDecode,
  rleEncode,
  rleFromPolygon,
  rleFromString,
  rleIou,
  rleIouMatrix,
  rleMerge,
  rleToBbox,
  rleToString,
} from "./geometry/rle.js";
export { type MatchObject, type MatchOptions, type MatchRow, matchDetections } from "./match.js";
export { type BoxEvaluation, type CocoFromObjects, cocoFromObjects, evaluateBoxes } from "./objects.js";

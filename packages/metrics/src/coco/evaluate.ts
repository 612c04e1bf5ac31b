import {
  type EngineInput,
  type EngineObjects,
  type EngineOutput,
  evaluateCategories,
} from "./engine/category.js";
import { gatherObjects, groupObjects } from "./engine/groups.js";
import { IdIndex } from "./engine/ids.js";
import { CocoInputError } from "./errors.js";
import { COCO_AREA_RANGES, COCO_IOU_THRESHOLDS, COCO_MAX_DETS, COCO_RECALL_THRESHOLDS } from "./params.js";
import { type PreparedObjects, prepareDetections, prepareGroundTruth, prepareResults } from "./prepare.js";
import { type CocoResults, isCocoResults } from "./results/results.js";
import { index4, index5, Means, type Shape, summaryStats } from "./summarize.js";
import type {
  CocoCategoryResult,
  CocoDetection,
  CocoEvaluateOptions,
  CocoEvaluation,
  CocoGroundTruth,
} from "./types.js";

/**
 * COCO detection evaluation, identical to pycocotools' `COCOeval` (`evaluate`, `accumulate`,
 * `summarize`): same thresholds, matching, ignore rules, sorting and means, so every number is
 * the same double.
 *
 * @param groundTruth - a COCO ground truth (`images`, `categories`, `annotations`)
 * @param detections - a COCO results array (`image_id`, `category_id`, `bbox` and/or
 *   `segmentation`, `score`), or the same as columns from {@link parseCocoResults} (fastest)
 *
 * @example
 * ```ts
 * import { evaluateCoco } from "@nucleus/metrics";
 *
 * const result = evaluateCoco(
 *   {
 *     images: [{ id: 1, width: 100, height: 100 }],
 *     categories: [{ id: 1, name: "car" }],
 *     annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 }],
 *   },
 *   [{ image_id: 1, category_id: 1, bbox: [11, 10, 20, 20], score: 0.9 }],
 * );
 * result.stats[1]; // AP@.50
 * ```
 */
export function evaluateCoco(
  groundTruth: CocoGroundTruth,
  detections: readonly CocoDetection[] | CocoResults,
  options: CocoEvaluateOptions = {},
): CocoEvaluation {
  const plan = planEvaluation(groundTruth, detections, options);
  const output = allocateOutput(plan.shape);
  evaluateCategories(plan.input, output, 0, plan.shape.K);
  return finishEvaluation(plan, output);
}

/** The options resolved to COCO's defaults and checked. */
interface Settings {
  iouType: "bbox" | "segm";
  iouThrs: number[];
  recThrs: number[];
  maxDets: number[];
  areaRanges: [number, number][];
  useCats: boolean;
  strict: boolean;
}

function resolveSettings(options: CocoEvaluateOptions): Settings {
  const iouType = options.iouType ?? "bbox";
  if (iouType !== "bbox" && iouType !== "segm")
    throw new CocoInputError(`iouType must be "bbox" or "segm", got ${String(iouType)}`);
  const maxDets = [...(options.maxDets ?? COCO_MAX_DETS)];
  const strict = options.strict ?? true;
  if (maxDets.length === 0) throw new CocoInputError("maxDets must not be empty");
  if (strict && maxDets.length < 3) {
    throw new CocoInputError(
      "strict mode reads maxDets[0..2] as pycocotools does: give three maxDets, or pass strict: false",
    );
  }
  return {
    iouType,
    iouThrs: [...(options.iouThresholds ?? COCO_IOU_THRESHOLDS)],
    recThrs: [...(options.recallThresholds ?? COCO_RECALL_THRESHOLDS)],
    maxDets,
    areaRanges: (options.areaRanges ?? COCO_AREA_RANGES).map(([lo, hi]) => [lo, hi] as [number, number]),
    useCats: options.useCats ?? true,
    strict,
  };
}

/** Inputs checked and grouped, ready for the per-category work (in this thread or in workers). */
export interface EvaluationPlan {
  input: EngineInput;
  shape: Shape;
  settings: Settings;
  imageIds: number[];
  categoryIds: number[];
  warnings: string[];
}

/**
 * Checks the inputs and orders both sides by category and image (in shared memory with
 * `shared`, for worker threads).
 */
export function planEvaluation(
  groundTruth: CocoGroundTruth,
  detections: readonly CocoDetection[] | CocoResults,
  options: CocoEvaluateOptions,
  shared = false,
): EvaluationPlan {
  const settings = resolveSettings(options);
  const warnings: string[] = [];
  const gt = prepareGroundTruth(groundTruth, settings.iouType, warnings);
  const dt = isCocoResults(detections)
    ? prepareResults(groundTruth, detections, settings.iouType, warnings)
    : prepareDetections(groundTruth, detections, settings.iouType, warnings);
  const imageIds = sortedUnique(options.imageIds ?? groundTruth.images.map((image) => image.id));
  const categoryIds = sortedUnique(
    options.categoryIds ?? groundTruth.categories.map((category) => category.id),
  );
  const shape: Shape = {
    T: settings.iouThrs.length,
    R: settings.recThrs.length,
    K: settings.useCats ? categoryIds.length : 1,
    A: settings.areaRanges.length,
    M: settings.maxDets.length,
  };
  const images = new IdIndex(imageIds);
  const categories = new IdIndex(categoryIds);
  const engineObjects = (objects: PreparedObjects): EngineObjects => {
    const imageOf = images.all(objects.imageIds, objects.count);
    const categoryOf = categories.all(objects.categoryIds, objects.count);
    const groups = groupObjects(imageOf, categoryOf, imageIds.length, categoryIds.length, settings.useCats);
    return gatherObjects(objects, imageOf, groups, shared);
  };
  const input: EngineInput = {
    gt: engineObjects(gt),
    dt: engineObjects(dt),
    iouThresholds: Float64Array.from(settings.iouThrs),
    recallThresholds: Float64Array.from(settings.recThrs),
    maxDets: Float64Array.from(settings.maxDets),
    areaRanges: Float64Array.from(settings.areaRanges.flat()),
    categories: shape.K,
  };
  return { input, shape, settings, imageIds, categoryIds, warnings };
}

/** `precision`, `recall` and `scores` filled with -1 ("no ground truth"), optionally in shared memory. */
export function allocateOutput(shape: Shape, shared = false): EngineOutput {
  const { T, R, K, A, M } = shape;
  const make = (n: number) =>
    shared ? new Float64Array(new SharedArrayBuffer(n * 8)).fill(-1) : new Float64Array(n).fill(-1);
  return { precision: make(T * R * K * A * M), recall: make(T * K * A * M), scores: make(T * R * K * A * M) };
}

/** The summaries and the result object, once every category has run. */
export function finishEvaluation(plan: EvaluationPlan, output: EngineOutput): CocoEvaluation {
  const { shape, settings, imageIds, categoryIds } = plan;
  const { iouThrs, maxDets, strict } = settings;
  const { precision, recall, scores } = output;
  const means = new Means();
  const summarize = (onlyCategory?: number) =>
    summaryStats(precision, recall, shape, iouThrs, maxDets, strict, means, onlyCategory);
  const perCategory: Record<number, CocoCategoryResult> = {};
  if (settings.useCats) {
    const all = 0;
    const at100 = maxDets.indexOf(100);
    categoryIds.forEach((id, k) => {
      const stats = summarize(k);
      perCategory[id] = {
        ap: stats[0] as number,
        ap50: stats[1] as number,
        ap75: stats[2] as number,
        ar100: stats[8] as number,
        stats,
        apByIou: iouThrs.map((_, t) => {
          if (at100 < 0) return -1;
          means.start();
          for (let r = 0; r < shape.R; r += 1)
            means.add(precision[index5(t, r, k, all, at100, shape)] as number);
          return means.mean();
        }),
        arByIou: iouThrs.map((_, t) =>
          at100 < 0 ? -1 : (recall[index4(t, k, all, at100, shape)] as number),
        ),
      };
    });
  }
  const { T, R, K, A, M } = shape;
  return {
    stats: summarize(),
    perCategory,
    precision: { data: precision, shape: [T, R, K, A, M] },
    recall: { data: recall, shape: [T, K, A, M] },
    scores: { data: scores, shape: [T, R, K, A, M] },
    params: {
      iouThresholds: iouThrs,
      recallThresholds: settings.recThrs,
      maxDets,
      areaRanges: settings.areaRanges,
      imageIds,
      categoryIds,
      useCats: settings.useCats,
      iouType: settings.iouType,
    },
    warnings: plan.warnings,
  };
}

function sortedUnique(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

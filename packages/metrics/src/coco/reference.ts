import { boxIouMatrix } from "../geometry/box.js";
import { type Rle, rleIouMatrix } from "../geometry/rle.js";
import { CocoInputError } from "./errors.js";
import {
  COCO_AREA_LABELS,
  COCO_AREA_RANGES,
  COCO_IOU_THRESHOLDS,
  COCO_MAX_DETS,
  COCO_RECALL_THRESHOLDS,
  meanOfValid,
} from "./params.js";
import { type PreparedObjects, prepareDetections, prepareGroundTruth } from "./prepare.js";
import type {
  CocoCategoryResult,
  CocoDetection,
  CocoEvaluateOptions,
  CocoEvaluation,
  CocoGroundTruth,
} from "./types.js";

/** numpy's `np.spacing(1)`: the epsilon in COCO's precision. */
const EPS = 2.220446049250313e-16;

/** Outcome of a detection at one (area range, IoU threshold). */
const FALSE_POSITIVE = 0;
const TRUE_POSITIVE = 1;
const IGNORED = 2;

/** The detections of one category across images, in image order, with their outcomes. */
interface CategoryDetections {
  scores: number[];
  /** Position of the detection within its image after sorting by score (for maxDets). */
  ranks: number[];
  /** Outcome per detection, area range and threshold: `[entry][area][threshold]`, flattened. */
  outcomes: number[];
  /** Ground truth not ignored, per area range. */
  npig: number[];
  /** Whether any image has ground truth or detections of this category. */
  seen: boolean;
}

/**
 * The evaluator written the plain way, step for step as pycocotools' `COCOeval` (`evaluate`,
 * `accumulate`, `summarize`): arrays of numbers, one sort per image. It is not exported; the
 * tests hold the optimized `evaluateCoco` (and its parallel and parsed-file paths) to it
 * on large generated datasets, where the golden fixtures are small.
 */
export function evaluateCocoReference(
  groundTruth: CocoGroundTruth,
  detections: readonly CocoDetection[],
  options: CocoEvaluateOptions = {},
): CocoEvaluation {
  const warnings: string[] = [];
  const iouType = options.iouType ?? "bbox";
  if (iouType !== "bbox" && iouType !== "segm")
    throw new CocoInputError(`iouType must be "bbox" or "segm", got ${String(iouType)}`);
  const iouThrs = [...(options.iouThresholds ?? COCO_IOU_THRESHOLDS)];
  const recThrs = [...(options.recallThresholds ?? COCO_RECALL_THRESHOLDS)];
  const maxDets = [...(options.maxDets ?? COCO_MAX_DETS)];
  const areaRanges = (options.areaRanges ?? COCO_AREA_RANGES).map(([lo, hi]) => [lo, hi] as [number, number]);
  const useCats = options.useCats ?? true;
  const strict = options.strict ?? true;
  if (maxDets.length === 0) throw new CocoInputError("maxDets must not be empty");
  if (strict && maxDets.length < 3) {
    throw new CocoInputError(
      "strict mode reads maxDets[0..2] as pycocotools does: give three maxDets, or pass strict: false",
    );
  }

  const gt = prepareGroundTruth(groundTruth, iouType, warnings);
  const dt = prepareDetections(groundTruth, detections, iouType, warnings);
  const imageIds = sortedUnique(options.imageIds ?? groundTruth.images.map((image) => image.id));
  const categoryIds = sortedUnique(
    options.categoryIds ?? groundTruth.categories.map((category) => category.id),
  );

  const T = iouThrs.length;
  const R = recThrs.length;
  const K = useCats ? categoryIds.length : 1;
  const A = areaRanges.length;
  const M = maxDets.length;
  const maxDetLast = maxDets[M - 1] as number;

  const gtGroups = group(gt, imageIds, categoryIds);
  const dtGroups = group(dt, imageIds, categoryIds);
  const categories: CategoryDetections[] = Array.from({ length: K }, () => ({
    scores: [],
    ranks: [],
    outcomes: [],
    npig: new Array(A).fill(0),
    seen: false,
  }));

  for (let k = 0; k < K; k += 1) {
    const target = categories[k] as CategoryDetections;
    for (let i = 0; i < imageIds.length; i += 1) {
      const gts = useCats
        ? (gtGroups.get(i * categoryIds.length + k) ?? [])
        : concatCategories(gtGroups, i, categoryIds.length);
      const dts = useCats
        ? (dtGroups.get(i * categoryIds.length + k) ?? [])
        : concatCategories(dtGroups, i, categoryIds.length);
      if (gts.length === 0 && dts.length === 0) continue;
      target.seen = true;
      evaluateImage(gt, dt, gts, dts, iouThrs, areaRanges, maxDetLast, target);
    }
  }

  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  for (let k = 0; k < K; k += 1) {
    accumulate(
      categories[k] as CategoryDetections,
      k,
      { T, R, K, A, M },
      recThrs,
      maxDets,
      precision,
      recall,
      scores,
    );
  }

  const shape = { T, R, K, A, M };
  const summarize = (restrictTo?: number) =>
    summaryStats(precision, recall, shape, iouThrs, maxDets, areaRanges.length, strict, restrictTo);
  const perCategory: Record<number, CocoCategoryResult> = {};
  if (useCats) {
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
          const values: number[] = [];
          for (let r = 0; r < R; r += 1) values.push(precision[index5(t, r, k, all, at100, shape)] as number);
          return meanOfValid(values);
        }),
        arByIou: iouThrs.map((_, t) =>
          at100 < 0 ? -1 : (recall[index4(t, k, all, at100, shape)] as number),
        ),
      };
    });
  }

  return {
    stats: summarize(),
    perCategory,
    precision: { data: precision, shape: [T, R, K, A, M] },
    recall: { data: recall, shape: [T, K, A, M] },
    scores: { data: scores, shape: [T, R, K, A, M] },
    params: {
      iouThresholds: iouThrs,
      recallThresholds: recThrs,
      maxDets,
      areaRanges,
      imageIds,
      categoryIds,
      useCats,
      iouType,
    },
    warnings,
  };
}

function sortedUnique(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Object indices per (image, category), in input order; objects outside the evaluated ids are left out. */
function group(objects: PreparedObjects, imageIds: number[], categoryIds: number[]): Map<number, number[]> {
  const imageIndex = new Map(imageIds.map((id, i) => [id, i]));
  const categoryIndex = new Map(categoryIds.map((id, k) => [id, k]));
  const groups = new Map<number, number[]>();
  for (let i = 0; i < objects.count; i += 1) {
    const image = imageIndex.get(objects.imageIds[i] as number);
    const category = categoryIndex.get(objects.categoryIds[i] as number);
    if (image === undefined || category === undefined) continue;
    const key = image * categoryIds.length + category;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  return groups;
}

function concatCategories(groups: Map<number, number[]>, image: number, K: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < K; k += 1) out.push(...(groups.get(image * K + k) ?? []));
  return out;
}

/**
 * Matches one image's detections of one category to its ground truth, once per area range and
 * IoU threshold, from one IoU matrix.
 */
function evaluateImage(
  gt: PreparedObjects,
  dt: PreparedObjects,
  gtIndices: number[],
  dtIndicesInOrder: number[],
  iouThrs: number[],
  areaRanges: [number, number][],
  maxDet: number,
  target: CategoryDetections,
): void {
  // Stable sort by descending score (Array.prototype.sort is stable), then keep the top maxDet.
  const dtIndices = [...dtIndicesInOrder]
    .sort((a, b) => (dt.scores[b] as number) - (dt.scores[a] as number))
    .slice(0, maxDet);
  const D = dtIndices.length;
  const G = gtIndices.length;
  const ious = iouMatrix(gt, dt, gtIndices, dtIndices);
  const T = iouThrs.length;
  const A = areaRanges.length;
  const base = target.scores.length;
  for (let d = 0; d < D; d += 1) {
    target.scores.push(dt.scores[dtIndices[d] as number] as number);
    target.ranks.push(d);
  }
  const outcomes = new Array<number>(D * A * T).fill(FALSE_POSITIVE);
  const order = new Int32Array(G);
  const ignored = new Uint8Array(G);
  const crowd = new Uint8Array(G);
  const matched = new Uint8Array(G);
  for (let a = 0; a < A; a += 1) {
    const [lo, hi] = areaRanges[a] as [number, number];
    // Ground truth not ignored first, each group in input order (a stable sort on the flag).
    let next = 0;
    for (const pass of [0, 1]) {
      for (let g = 0; g < G; g += 1) {
        const index = gtIndices[g] as number;
        const area = gt.areas[index] as number;
        const ignore = gt.crowd[index] || area < lo || area > hi ? 1 : 0;
        if (ignore === pass) {
          order[next] = g;
          ignored[next] = ignore;
          crowd[next] = gt.crowd[index] as number;
          next += 1;
        }
      }
    }
    let notIgnored = 0;
    for (let g = 0; g < G; g += 1) if (!ignored[g]) notIgnored += 1;
    target.npig[a] = (target.npig[a] as number) + notIgnored;
    for (let t = 0; t < T; t += 1) {
      matched.fill(0);
      const threshold = Math.min(iouThrs[t] as number, 1 - 1e-10);
      for (let d = 0; d < D; d += 1) {
        let best = threshold;
        let m = -1;
        for (let g = 0; g < G; g += 1) {
          if (matched[g] && !crowd[g]) continue;
          if (m > -1 && !ignored[m] && ignored[g]) break;
          const iou = ious[d * G + (order[g] as number)] as number;
          if (iou < best) continue;
          best = iou;
          m = g;
        }
        let outcome: number;
        if (m === -1) {
          const area = dt.areas[dtIndices[d] as number] as number;
          outcome = area < lo || area > hi ? IGNORED : FALSE_POSITIVE;
        } else {
          matched[m] = 1;
          outcome = ignored[m] ? IGNORED : TRUE_POSITIVE;
        }
        outcomes[(d * A + a) * T + t] = outcome;
      }
    }
  }
  for (let i = 0; i < outcomes.length; i += 1) target.outcomes[base * A * T + i] = outcomes[i] as number;
}

function iouMatrix(
  gt: PreparedObjects,
  dt: PreparedObjects,
  gtIndices: number[],
  dtIndices: number[],
): Float64Array {
  const D = dtIndices.length;
  const G = gtIndices.length;
  if (D === 0 || G === 0) return new Float64Array(0);
  const crowd = new Uint8Array(G);
  gtIndices.forEach((g, j) => {
    crowd[j] = gt.crowd[g] as number;
  });
  if (gt.masks && dt.masks) {
    return rleIouMatrix(
      dtIndices.map((d) => (dt.masks as Rle[])[d] as Rle),
      gtIndices.map((g) => (gt.masks as Rle[])[g] as Rle),
      crowd,
    );
  }
  const dBoxes = new Float64Array(D * 4);
  for (const [j, d] of dtIndices.entries()) dBoxes.set(dt.boxes.subarray(d * 4, d * 4 + 4), j * 4);
  const gBoxes = new Float64Array(G * 4);
  for (const [j, g] of gtIndices.entries()) gBoxes.set(gt.boxes.subarray(g * 4, g * 4 + 4), j * 4);
  return boxIouMatrix(dBoxes, gBoxes, crowd);
}

interface Shape {
  T: number;
  R: number;
  K: number;
  A: number;
  M: number;
}

function index5(t: number, r: number, k: number, a: number, m: number, s: Shape): number {
  return (((t * s.R + r) * s.K + k) * s.A + a) * s.M + m;
}

function index4(t: number, k: number, a: number, m: number, s: Shape): number {
  return ((t * s.K + k) * s.A + a) * s.M + m;
}

/** Precision, recall and scores of one category, as pycocotools' `accumulate`. */
function accumulate(
  category: CategoryDetections,
  k: number,
  shape: Shape,
  recThrs: number[],
  maxDets: number[],
  precision: Float64Array,
  recall: Float64Array,
  scores: Float64Array,
): void {
  if (!category.seen) return;
  const { T, R, A, M } = shape;
  const N = category.scores.length;
  // Images are concatenated in id order; a stable sort keeps ties in that order.
  const order = Array.from({ length: N }, (_, i) => i).sort(
    (a, b) => (category.scores[b] as number) - (category.scores[a] as number),
  );
  const rc = new Float64Array(N);
  const pr = new Float64Array(N);
  const sortedScores = new Float64Array(N);
  for (let a = 0; a < A; a += 1) {
    const npig = category.npig[a] as number;
    if (npig === 0) continue;
    for (let m = 0; m < M; m += 1) {
      const maxDet = maxDets[m] as number;
      const kept: number[] = [];
      for (const entry of order) if ((category.ranks[entry] as number) < maxDet) kept.push(entry);
      const nd = kept.length;
      for (let j = 0; j < nd; j += 1) sortedScores[j] = category.scores[kept[j] as number] as number;
      for (let t = 0; t < T; t += 1) {
        let tp = 0;
        let fp = 0;
        for (let j = 0; j < nd; j += 1) {
          const outcome = category.outcomes[((kept[j] as number) * A + a) * T + t];
          if (outcome === TRUE_POSITIVE) tp += 1;
          else if (outcome === FALSE_POSITIVE) fp += 1;
          rc[j] = tp / npig;
          pr[j] = tp / (fp + tp + EPS);
        }
        recall[index4(t, k, a, m, shape)] = nd ? (rc[nd - 1] as number) : 0;
        for (let i = nd - 1; i > 0; i -= 1)
          if ((pr[i] as number) > (pr[i - 1] as number)) pr[i - 1] = pr[i] as number;
        for (let r = 0; r < R; r += 1) {
          // np.searchsorted(rc, threshold, side="left"), for each threshold on its own.
          const threshold = recThrs[r] as number;
          let p = 0;
          while (p < nd && (rc[p] as number) < threshold) p += 1;
          const at = index5(t, r, k, a, m, shape);
          if (p >= nd) {
            // pycocotools stops at the first index out of range: every later threshold gets 0.
            for (let rest = r; rest < R; rest += 1) {
              precision[index5(t, rest, k, a, m, shape)] = 0;
              scores[index5(t, rest, k, a, m, shape)] = 0;
            }
            break;
          }
          precision[at] = pr[p] as number;
          scores[at] = sortedScores[p] as number;
        }
      }
    }
  }
}

/** The 12 summary numbers, optionally of one category only. */
function summaryStats(
  precision: Float64Array,
  recall: Float64Array,
  shape: Shape,
  iouThrs: number[],
  maxDets: number[],
  areaCount: number,
  strict: boolean,
  onlyCategory?: number,
): number[] {
  const last = maxDets[maxDets.length - 1] as number;
  const third = strict ? (maxDets[2] as number) : last;
  const one = (ap: boolean, iouThr: number | undefined, area: string, maxDet: number): number => {
    const a = COCO_AREA_LABELS.indexOf(area);
    const m = maxDets.indexOf(maxDet);
    if (a < 0 || a >= areaCount || m < 0) return -1;
    const ts =
      iouThr === undefined
        ? iouThrs.map((_, t) => t)
        : iouThrs.flatMap((thr, t) => (thr === iouThr ? [t] : []));
    const ks = onlyCategory === undefined ? Array.from({ length: shape.K }, (_, k) => k) : [onlyCategory];
    const values: number[] = [];
    for (const t of ts) {
      if (ap) {
        for (let r = 0; r < shape.R; r += 1)
          for (const k of ks) values.push(precision[index5(t, r, k, a, m, shape)] as number);
      } else {
        for (const k of ks) values.push(recall[index4(t, k, a, m, shape)] as number);
      }
    }
    return meanOfValid(values);
  };
  return [
    one(true, undefined, "all", strict ? 100 : last),
    one(true, 0.5, "all", third),
    one(true, 0.75, "all", third),
    one(true, undefined, "small", third),
    one(true, undefined, "medium", third),
    one(true, undefined, "large", third),
    one(false, undefined, "all", maxDets[0] as number),
    one(false, undefined, "all", (maxDets[1] ?? last) as number),
    one(false, undefined, "all", third),
    one(false, undefined, "small", third),
    one(false, undefined, "medium", third),
    one(false, undefined, "large", third),
  ];
}

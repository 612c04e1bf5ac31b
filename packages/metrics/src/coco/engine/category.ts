import { boxPairIou } from "../../geometry/box.js";
import { type Rle, rleIouMatrix } from "../../geometry/rle.js";
import type { Groups } from "./groups.js";
import { sortDescending } from "./sort.js";

/** numpy's `np.spacing(1)`: the epsilon in COCO's precision. */
const EPS = 2.220446049250313e-16;

/** Outcome of a detection at one (area range, IoU threshold). */
const FALSE_POSITIVE = 0;
const TRUE_POSITIVE = 1;
const IGNORED = 2;

/** Ground truth or detections, prepared and grouped; typed arrays only, so workers can share them. */
export interface EngineObjects {
  /** `[x, y, w, h]` per object. */
  boxes: Float64Array;
  /** The COCO `area` (ground truth) or the box area (detections). */
  areas: Float64Array;
  /** 1 for crowd regions (ground truth). */
  crowd: Uint8Array;
  /** Scores (detections). */
  scores: Float64Array;
  /** Per object, its image's position among the evaluated images, or -1. */
  imageOf: Int32Array;
  groups: Groups;
  /** Masks, in segm mode. */
  masks?: Rle[] | undefined;
}

/** Everything the per-category work reads. */
export interface EngineInput {
  gt: EngineObjects;
  dt: EngineObjects;
  iouThresholds: Float64Array;
  recallThresholds: Float64Array;
  /** Detections per image, ascending. */
  maxDets: Float64Array;
  /** `[lo, hi]` per area range. */
  areaRanges: Float64Array;
  /** Category groups: the categories, or 1 without `useCats`. */
  categories: number;
}

/** pycocotools' `precision`, `recall` and `scores`, filled with -1 before any category runs. */
export interface EngineOutput {
  precision: Float64Array;
  recall: Float64Array;
  scores: Float64Array;
}

/** Growable buffers, reused across images and categories so the loops allocate nothing. */
class Scratch {
  dtSorted = new Int32Array(64);
  sortTemp = new Int32Array(64);
  ious = new Float64Array(256);
  gtOrder = new Int32Array(32);
  gtIgnored = new Uint8Array(32);
  gtCrowd = new Uint8Array(32);
  matched = new Uint8Array(32);
  // Per detection of the category (kept after maxDets), in image order.
  scores = new Float64Array(1024);
  ranks = new Int32Array(1024);
  /** Outcomes in planes, one per (area range, threshold): `outcomes[(a * T + t) * plane + entry]`. */
  outcomes = new Uint8Array(1024 * 40);
  plane = 1024;
  /** Per area range: which ground truth is ignored and which detections fall outside, as bits. */
  gtIgnoredBits = new Float64Array(8);
  dtOutsideBits = new Float64Array(8);
  order = new Int32Array(1024);
  orderTemp = new Int32Array(1024);
  kept = new Int32Array(1024);
  keptScores = new Float64Array(1024);
  recall = new Float64Array(1025);
  precision = new Float64Array(1025);

  forImage(detections: number, truths: number): void {
    if (this.dtSorted.length < detections) {
      this.dtSorted = new Int32Array(detections * 2);
      this.sortTemp = new Int32Array(detections * 2);
    }
    if (this.ious.length < detections * truths) this.ious = new Float64Array(detections * truths * 2);
    if (this.gtOrder.length < truths) {
      this.gtOrder = new Int32Array(truths * 2);
      this.gtIgnored = new Uint8Array(truths * 2);
      this.gtCrowd = new Uint8Array(truths * 2);
      this.matched = new Uint8Array(truths * 2);
    }
  }

  forCategory(detections: number, outcomesPerDetection: number): void {
    if (this.scores.length < detections) {
      const n = Math.max(detections, this.scores.length * 2);
      this.scores = new Float64Array(n);
      this.ranks = new Int32Array(n);
      this.order = new Int32Array(n);
      this.orderTemp = new Int32Array(n);
      this.kept = new Int32Array(n);
      this.keptScores = new Float64Array(n);
      // Indexed by true positive, 1-based.
      this.recall = new Float64Array(n + 1);
      this.precision = new Float64Array(n + 1);
    }
    this.plane = detections;
    if (this.outcomes.length < detections * outcomesPerDetection)
      this.outcomes = new Uint8Array(this.scores.length * outcomesPerDetection);
    if (this.gtIgnoredBits.length < outcomesPerDetection) {
      this.gtIgnoredBits = new Float64Array(outcomesPerDetection);
      this.dtOutsideBits = new Float64Array(outcomesPerDetection);
    }
  }
}

/**
 * Evaluates categories `from .. to - 1` and writes their precision, recall and scores: the work of
 * pycocotools' `evaluateImg` for each image and then `accumulate`, one category at a time.
 */
export function evaluateCategories(input: EngineInput, output: EngineOutput, from: number, to: number): void {
  const scratch = new Scratch();
  for (let k = from; k < to; k += 1) evaluateCategory(input, output, k, scratch);
}

function evaluateCategory(input: EngineInput, output: EngineOutput, k: number, scratch: Scratch): void {
  const { gt, dt } = input;
  const A = input.areaRanges.length / 2;
  const T = input.iouThresholds.length;
  const maxDet = input.maxDets[input.maxDets.length - 1] as number;
  const gtOrder = gt.groups.order;
  const dtOrder = dt.groups.order;
  let g = gt.groups.start[k] as number;
  const gEnd = gt.groups.start[k + 1] as number;
  let d = dt.groups.start[k] as number;
  const dEnd = dt.groups.start[k + 1] as number;
  if (g === gEnd && d === dEnd) return; // no image has anything of this category
  scratch.forCategory(dEnd - d, A * T);
  const npig = new Float64Array(A);
  let count = 0;
  // Both lists are sorted by image: walk them together, one image at a time.
  while (g < gEnd || d < dEnd) {
    const gImage = g < gEnd ? (gt.imageOf[gtOrder[g] as number] as number) : 0x7fffffff;
    const dImage = d < dEnd ? (dt.imageOf[dtOrder[d] as number] as number) : 0x7fffffff;
    const image = Math.min(gImage, dImage);
    let gNext = g;
    while (gNext < gEnd && gt.imageOf[gtOrder[gNext] as number] === image) gNext += 1;
    let dNext = d;
    while (dNext < dEnd && dt.imageOf[dtOrder[dNext] as number] === image) dNext += 1;
    count = evaluateImage(input, g, gNext, d, dNext, maxDet, npig, count, scratch);
    g = gNext;
    d = dNext;
  }
  accumulate(input, output, k, count, npig, scratch);
}

/**
 * Matches one image's detections of one category to its ground truth, once per area range and
 * IoU threshold, from one IoU matrix; appends the outcomes to the category's buffers.
 */
function evaluateImage(
  input: EngineInput,
  gFrom: number,
  gTo: number,
  dFrom: number,
  dTo: number,
  maxDet: number,
  npig: Float64Array,
  count: number,
  scratch: Scratch,
): number {
  const { gt, dt, iouThresholds, areaRanges } = input;
  const G = gTo - gFrom;
  scratch.forImage(dTo - dFrom, G);
  // Detections by descending score, stable, then the top maxDet.
  const sorted = scratch.dtSorted;
  const dtIndex = dt.groups.order;
  for (let i = dFrom; i < dTo; i += 1) sorted[i - dFrom] = dtIndex[i] as number;
  sortDescending(sorted, 0, dTo - dFrom, dt.scores, scratch.sortTemp);
  const D = Math.min(dTo - dFrom, maxDet);
  const gtIndex = gt.groups.order;
  const ious = scratch.ious;
  if (D > 0 && G > 0) {
    if (gt.masks && dt.masks) {
      const crowd = new Uint8Array(G);
      const gtMasks: Rle[] = [];
      const dtMasks: Rle[] = [];
      for (let j = 0; j < G; j += 1) {
        crowd[j] = gt.crowd[gtIndex[gFrom + j] as number] as number;
        gtMasks.push(gt.masks[gtIndex[gFrom + j] as number] as Rle);
      }
      for (let i = 0; i < D; i += 1) dtMasks.push(dt.masks[sorted[i] as number] as Rle);
      ious.set(rleIouMatrix(dtMasks, gtMasks, crowd));
    } else {
      for (let i = 0; i < D; i += 1) {
        const o = (sorted[i] as number) * 4;
        const b = dt.boxes;
        for (let j = 0; j < G; j += 1) {
          const index = gtIndex[gFrom + j] as number;
          ious[i * G + j] = boxPairIou(
            b[o] as number,
            b[o + 1] as number,
            b[o + 2] as number,
            b[o + 3] as number,
            gt.boxes,
            index * 4,
            gt.crowd[index] as number,
          );
        }
      }
    }
  }
  const T = iouThresholds.length;
  const A = areaRanges.length / 2;
  const outcomes = scratch.outcomes;
  const plane = scratch.plane;
  const order = scratch.gtOrder;
  const ignored = scratch.gtIgnored;
  const crowd = scratch.gtCrowd;
  const matched = scratch.matched;
  // Two area ranges that ignore the same ground truth and leave out the same detections give
  // the same outcomes (often "all" and the one size range everything here falls in).
  const gtBits = scratch.gtIgnoredBits;
  const dtBits = scratch.dtOutsideBits;
  const comparable = G <= 52 && D <= 52;
  for (let a = 0; a < A; a += 1) {
    const lo = areaRanges[2 * a] as number;
    const hi = areaRanges[2 * a + 1] as number;
    // Ground truth not ignored first, each part in input order (a stable sort on the flag).
    let next = 0;
    let gIgnored = 0;
    for (let pass = 0; pass < 2; pass += 1) {
      for (let j = 0; j < G; j += 1) {
        const index = gtIndex[gFrom + j] as number;
        const area = gt.areas[index] as number;
        const isCrowd = gt.crowd[index] as number;
        const ignore = isCrowd || area < lo || area > hi ? 1 : 0;
        if (ignore === pass) {
          order[next] = j;
          ignored[next] = ignore;
          crowd[next] = isCrowd;
          next += 1;
          if (ignore) gIgnored += 2 ** j;
        }
      }
      if (pass === 0) npig[a] = (npig[a] as number) + next;
    }
    let same = -1;
    if (comparable) {
      let dOutside = 0;
      for (let i = 0; i < D; i += 1) {
        const area = dt.areas[sorted[i] as number] as number;
        if (area < lo || area > hi) dOutside += 2 ** i;
      }
      gtBits[a] = gIgnored;
      dtBits[a] = dOutside;
      for (let b = 0; b < a && same < 0; b += 1)
        if (gtBits[b] === gIgnored && dtBits[b] === dOutside) same = b;
    }
    if (same >= 0) {
      for (let t = 0; t < T; t += 1) {
        const to = (a * T + t) * plane + count;
        const from = (same * T + t) * plane + count;
        for (let i = 0; i < D; i += 1) outcomes[to + i] = outcomes[from + i] as number;
      }
      continue;
    }
    if (G === 0) {
      // Nothing to match: a detection is a false positive, or ignored outside the area range.
      for (let i = 0; i < D; i += 1) {
        const area = dt.areas[sorted[i] as number] as number;
        const outcome = area < lo || area > hi ? IGNORED : FALSE_POSITIVE;
        for (let t = 0; t < T; t += 1) outcomes[(a * T + t) * plane + count + i] = outcome;
      }
      continue;
    }
    for (let t = 0; t < T; t += 1) {
      for (let j = 0; j < G; j += 1) matched[j] = 0;
      const threshold = Math.min(iouThresholds[t] as number, 1 - 1e-10);
      const at = (a * T + t) * plane + count;
      for (let i = 0; i < D; i += 1) {
        let best = threshold;
        let m = -1;
        for (let j = 0; j < G; j += 1) {
          if (matched[j] && !crowd[j]) continue;
          if (m > -1 && !ignored[m] && ignored[j]) break;
          const iou = ious[i * G + (order[j] as number)] as number;
          if (iou < best) continue;
          best = iou;
          m = j;
        }
        let outcome: number;
        if (m === -1) {
          const area = dt.areas[sorted[i] as number] as number;
          outcome = area < lo || area > hi ? IGNORED : FALSE_POSITIVE;
        } else {
          matched[m] = 1;
          outcome = ignored[m] ? IGNORED : TRUE_POSITIVE;
        }
        outcomes[at + i] = outcome;
      }
    }
  }
  for (let i = 0; i < D; i += 1) {
    scratch.scores[count + i] = dt.scores[sorted[i] as number] as number;
    scratch.ranks[count + i] = i;
  }
  return count + D;
}

/**
 * Precision, recall and scores of one category, as pycocotools' `accumulate`, visiting only the
 * true positives. Between two true positives the cumulative precision can only fall, and recall
 * stays put, so the right-to-left maximum of precision at any point and the first point reaching
 * a recall are both found at true positives (or at the first detection, where both are 0): the
 * same doubles as computing them for every detection, with a fraction of the work.
 */
function accumulate(
  input: EngineInput,
  output: EngineOutput,
  k: number,
  N: number,
  npig: Float64Array,
  scratch: Scratch,
): void {
  const T = input.iouThresholds.length;
  const R = input.recallThresholds.length;
  const K = input.categories;
  const A = input.areaRanges.length / 2;
  const M = input.maxDets.length;
  const recThrs = input.recallThresholds;
  const { precision, recall, scores } = output;
  const outcomes = scratch.outcomes;
  // Images are concatenated in order; a stable sort keeps ties in that order.
  const order = scratch.order;
  for (let i = 0; i < N; i += 1) order[i] = i;
  sortDescending(order, 0, N, scratch.scores, scratch.orderTemp);
  const kept = scratch.kept;
  const keptScores = scratch.keptScores;
  // Per true positive u (1-based): its position among the kept detections, then its precision.
  const tpAt = scratch.recall;
  const tpPrecision = scratch.precision;
  for (let m = 0; m < M; m += 1) {
    const maxDet = input.maxDets[m] as number;
    let nd = 0;
    for (let i = 0; i < N; i += 1) {
      const entry = order[i] as number;
      if ((scratch.ranks[entry] as number) < maxDet) {
        kept[nd] = entry;
        keptScores[nd] = scratch.scores[entry] as number;
        nd += 1;
      }
    }
    for (let a = 0; a < A; a += 1) {
      const gtCount = npig[a] as number;
      if (gtCount === 0) continue;
      for (let t = 0; t < T; t += 1) {
        // This (area range, threshold)'s plane: a few kilobytes, read in score order.
        const offset = (a * T + t) * scratch.plane;
        let tp = 0;
        let fp = 0;
        for (let j = 0; j < nd; j += 1) {
          const outcome = outcomes[offset + (kept[j] as number)];
          if (outcome === TRUE_POSITIVE) {
            tp += 1;
            tpAt[tp] = j;
            tpPrecision[tp] = tp / (fp + tp + EPS);
          } else if (outcome === FALSE_POSITIVE) fp += 1;
        }
        // Precision made monotone from the right (pycocotools' backward max loop).
        for (let u = tp - 1; u >= 1; u -= 1)
          if ((tpPrecision[u + 1] as number) > (tpPrecision[u] as number))
            tpPrecision[u] = tpPrecision[u + 1] as number;
        // Layout [T, K, A, M] and [T, R, K, A, M], last dimension fastest.
        recall[((t * K + k) * A + a) * M + m] = nd ? tp / gtCount : 0;
        // For each recall threshold, the first detection whose recall reaches it
        // (np.searchsorted(rc, recThrs, side="left")). pycocotools stops at the first threshold
        // out of reach: that one and every later one get 0.
        let u = 0;
        let previous = Number.NEGATIVE_INFINITY;
        let reached = nd > 0;
        for (let r = 0; r < R; r += 1) {
          const threshold = recThrs[r] as number;
          if (threshold < previous) u = 0;
          previous = threshold;
          while (u <= tp && u / gtCount < threshold) u += 1;
          if (u > tp) reached = false;
          const at = (((t * R + r) * K + k) * A + a) * M + m;
          if (!reached) {
            precision[at] = 0;
            scores[at] = 0;
          } else if (u === 0) {
            // Recall 0 is reached at the first detection; the best precision from there on.
            precision[at] = tp > 0 ? (tpPrecision[1] as number) : 0;
            scores[at] = keptScores[0] as number;
          } else {
            precision[at] = tpPrecision[u] as number;
            scores[at] = keptScores[tpAt[u] as number] as number;
          }
        }
      }
    }
  }
}

import { boxPairIou } from "../../geometry/box.js";
import { type Rle, rleIouMatrix } from "../../geometry/rle.js";
import { sortDescending } from "./sort.js";

/** numpy's `np.spacing(1)`: the epsilon in COCO's precision. */
const EPS = 2.220446049250313e-16;

/** Thresholds handled together in one accumulate pass; keeps its buffers near 8M entries. */
const PASS_ENTRIES = 1 << 23;

/**
 * Ground truth or detections in evaluation order (by category, then image, then input order),
 * so each category's objects sit together in memory; typed arrays only, so workers can share
 * them.
 */
export interface EngineObjects {
  /** `[x, y, w, h]` per object. */
  boxes: Float64Array;
  /** The COCO `area` (ground truth) or the box area (detections). */
  areas: Float64Array;
  /** 1 for crowd regions (ground truth). */
  crowd: Uint8Array;
  /** Scores (detections). */
  scores: Float64Array;
  /** Per object, its image's position among the evaluated images. */
  imageOf: Int32Array;
  /** Objects `start[k] .. start[k + 1] - 1` are those of category group k. */
  start: Int32Array;
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

/**
 * Growable buffers, reused across images and categories so the loops allocate nothing.
 *
 * A detection's outcome at each IoU threshold (true positive, false positive, or ignored) is
 * kept as two bit masks per area range, 32 thresholds to a word:
 * `truePositives[(a * words + w) * plane + entry]` and `falsePositives[...]`, so accumulate reads
 * each detection once per area range instead of once per threshold.
 */
class Scratch {
  dtSorted = new Int32Array(64);
  sortTemp = new Int32Array(64);
  ious = new Float64Array(256);
  gtOrder = new Int32Array(32);
  gtIgnored = new Uint8Array(32);
  gtCrowd = new Uint8Array(32);
  matched = new Uint8Array(32);
  /** Per detection of the image: 1 when its area is outside the current area range. */
  dtOutside = new Uint8Array(64);
  /** Per area range: which ground truth is ignored and which detections fall outside, as bits. */
  gtIgnoredBits = new Float64Array(8);
  dtOutsideBits = new Float64Array(8);
  // Per detection of the category (kept after maxDets), in image order.
  scores = new Float64Array(1024);
  ranks = new Int32Array(1024);
  truePositives = new Int32Array(1024 * 4);
  falsePositives = new Int32Array(1024 * 4);
  plane = 0;
  // Accumulate: detections by score, those kept at one maxDet, and per threshold of a pass
  // (1-based by true positive) where each true positive is and its precision.
  order = new Int32Array(1024);
  orderTemp = new Int32Array(1024);
  kept = new Int32Array(1024);
  keptScores = new Float64Array(1024);
  tpAt = new Int32Array(1024);
  tpPrecision = new Float64Array(1024);
  tpCount = new Int32Array(32);
  fpCount = new Float64Array(32);

  forImage(detections: number, truths: number): void {
    if (this.dtSorted.length < detections) {
      this.dtSorted = new Int32Array(detections * 2);
      this.sortTemp = new Int32Array(detections * 2);
      this.dtOutside = new Uint8Array(detections * 2);
    }
    if (this.ious.length < detections * truths) this.ious = new Float64Array(detections * truths * 2);
    if (this.gtOrder.length < truths) {
      this.gtOrder = new Int32Array(truths * 2);
      this.gtIgnored = new Uint8Array(truths * 2);
      this.gtCrowd = new Uint8Array(truths * 2);
      this.matched = new Uint8Array(truths * 2);
    }
  }

  forCategory(detections: number, masksPerDetection: number, areaRanges: number): void {
    if (this.scores.length < detections) {
      const n = Math.max(detections, this.scores.length * 2);
      this.scores = new Float64Array(n);
      this.ranks = new Int32Array(n);
      this.order = new Int32Array(n);
      this.orderTemp = new Int32Array(n);
      this.kept = new Int32Array(n);
      this.keptScores = new Float64Array(n);
    }
    this.plane = detections;
    if (this.truePositives.length < detections * masksPerDetection) {
      this.truePositives = new Int32Array(this.scores.length * masksPerDetection);
      this.falsePositives = new Int32Array(this.scores.length * masksPerDetection);
    }
    if (this.gtIgnoredBits.length < areaRanges) {
      this.gtIgnoredBits = new Float64Array(areaRanges);
      this.dtOutsideBits = new Float64Array(areaRanges);
    }
  }

  forPass(thresholds: number, detections: number): void {
    if (this.tpAt.length < thresholds * (detections + 1)) {
      this.tpAt = new Int32Array(thresholds * (detections + 1));
      this.tpPrecision = new Float64Array(thresholds * (detections + 1));
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
  const words = Math.ceil(input.iouThresholds.length / 32);
  const maxDet = input.maxDets[input.maxDets.length - 1] as number;
  let g = gt.start[k] as number;
  const gEnd = gt.start[k + 1] as number;
  let d = dt.start[k] as number;
  const dEnd = dt.start[k + 1] as number;
  if (g === gEnd && d === dEnd) return; // no image has anything of this category
  scratch.forCategory(dEnd - d, A * words, A);
  const npig = new Float64Array(A);
  let count = 0;
  // Both lists are sorted by image: walk them together, one image at a time.
  while (g < gEnd || d < dEnd) {
    const gImage = g < gEnd ? (gt.imageOf[g] as number) : 0x7fffffff;
    const dImage = d < dEnd ? (dt.imageOf[d] as number) : 0x7fffffff;
    const image = Math.min(gImage, dImage);
    let gNext = g;
    while (gNext < gEnd && gt.imageOf[gNext] === image) gNext += 1;
    let dNext = d;
    while (dNext < dEnd && dt.imageOf[dNext] === image) dNext += 1;
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
  for (let i = dFrom; i < dTo; i += 1) sorted[i - dFrom] = i;
  sortDescending(sorted, 0, dTo - dFrom, dt.scores, scratch.sortTemp);
  const D = Math.min(dTo - dFrom, maxDet);
  const ious = scratch.ious;
  if (D > 0 && G > 0) {
    if (gt.masks && dt.masks) {
      const crowd = new Uint8Array(G);
      const gtMasks: Rle[] = [];
      const dtMasks: Rle[] = [];
      for (let j = 0; j < G; j += 1) {
        crowd[j] = gt.crowd[gFrom + j] as number;
        gtMasks.push(gt.masks[gFrom + j] as Rle);
      }
      for (let i = 0; i < D; i += 1) dtMasks.push(dt.masks[sorted[i] as number] as Rle);
      ious.set(rleIouMatrix(dtMasks, gtMasks, crowd));
    } else {
      const b = dt.boxes;
      for (let i = 0; i < D; i += 1) {
        const o = (sorted[i] as number) * 4;
        for (let j = 0; j < G; j += 1) {
          const index = gFrom + j;
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
  const words = Math.ceil(T / 32);
  const plane = scratch.plane;
  const tpMasks = scratch.truePositives;
  const fpMasks = scratch.falsePositives;
  const order = scratch.gtOrder;
  const ignored = scratch.gtIgnored;
  const crowd = scratch.gtCrowd;
  const matched = scratch.matched;
  const outside = scratch.dtOutside;
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
    let gIgnored = 0; // bit j set when ground truth j is ignored
    for (let pass = 0; pass < 2; pass += 1) {
      for (let j = 0, bit = 1; j < G; j += 1, bit *= 2) {
        const index = gFrom + j;
        const area = gt.areas[index] as number;
        const isCrowd = gt.crowd[index] as number;
        const ignore = isCrowd || area < lo || area > hi ? 1 : 0;
        if (ignore === pass) {
          order[next] = j;
          ignored[next] = ignore;
          crowd[next] = isCrowd;
          next += 1;
          if (ignore) gIgnored += bit;
        }
      }
      if (pass === 0) npig[a] = (npig[a] as number) + next;
    }
    let dOutside = 0; // bit i set when detection i is outside the range
    for (let i = 0, bit = 1; i < D; i += 1, bit *= 2) {
      const area = dt.areas[sorted[i] as number] as number;
      const flag = area < lo || area > hi ? 1 : 0;
      outside[i] = flag;
      if (flag) dOutside += bit;
    }
    let same = -1;
    if (comparable) {
      gtBits[a] = gIgnored;
      dtBits[a] = dOutside;
      for (let b = 0; b < a && same < 0; b += 1)
        if (gtBits[b] === gIgnored && dtBits[b] === dOutside) same = b;
    }
    for (let w = 0; w < words; w += 1) {
      const at = (a * words + w) * plane + count;
      if (same >= 0) {
        const from = (same * words + w) * plane + count;
        for (let i = 0; i < D; i += 1) {
          tpMasks[at + i] = tpMasks[from + i] as number;
          fpMasks[at + i] = fpMasks[from + i] as number;
        }
        continue;
      }
      for (let i = 0; i < D; i += 1) {
        tpMasks[at + i] = 0;
        fpMasks[at + i] = 0;
      }
      const tFrom = w * 32;
      const tTo = Math.min(T, tFrom + 32);
      if (G === 0) {
        // Nothing to match: a false positive everywhere, or ignored outside the area range.
        const all = wordMask(tTo - tFrom);
        for (let i = 0; i < D; i += 1) if (!outside[i]) fpMasks[at + i] = all;
        continue;
      }
      for (let t = tFrom; t < tTo; t += 1) {
        const bit = 1 << (t - tFrom);
        for (let j = 0; j < G; j += 1) matched[j] = 0;
        const threshold = Math.min(iouThresholds[t] as number, 1 - 1e-10);
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
          if (m === -1) {
            // Unmatched: a false positive, unless outside the area range (ignored).
            if (!outside[i]) fpMasks[at + i] = (fpMasks[at + i] as number) | bit;
          } else {
            // Matched to ignored ground truth: ignored.
            matched[m] = 1;
            if (!ignored[m]) tpMasks[at + i] = (tpMasks[at + i] as number) | bit;
          }
        }
      }
    }
  }
  for (let i = 0; i < D; i += 1) {
    scratch.scores[count + i] = dt.scores[sorted[i] as number] as number;
    scratch.ranks[count + i] = i;
  }
  return count + D;
}

/** The bits of the first `n` (1..32) thresholds of a word. */
function wordMask(n: number): number {
  return n >= 32 ? -1 : (1 << n) - 1;
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
  const A = input.areaRanges.length / 2;
  const M = input.maxDets.length;
  const words = Math.ceil(T / 32);
  const plane = scratch.plane;
  // Images are concatenated in order; a stable sort keeps ties in that order.
  const order = scratch.order;
  for (let i = 0; i < N; i += 1) order[i] = i;
  sortDescending(order, 0, N, scratch.scores, scratch.orderTemp);
  const kept = scratch.kept;
  const keptScores = scratch.keptScores;
  // Thresholds per pass: all of a word, unless the buffers would grow too big.
  const perPass = Math.max(1, Math.min(32, Math.floor(PASS_ENTRIES / (N + 1))));
  scratch.forPass(Math.min(perPass, T), N);
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
      if (npig[a] === 0) continue;
      for (let w = 0; w < words; w += 1) {
        const tTo = Math.min(T, w * 32 + 32);
        for (let tFrom = w * 32; tFrom < tTo; tFrom += perPass) {
          const n = Math.min(perPass, tTo - tFrom);
          countPass(scratch, (a * words + w) * plane, tFrom - w * 32, n, nd);
          for (let l = 0; l < n; l += 1)
            writeThreshold(input, output, k, a, m, tFrom + l, l, npig[a] as number, nd, scratch);
        }
      }
    }
  }
}

/**
 * One pass over the kept detections in score order, for thresholds `shift .. shift + n - 1` of
 * a mask word: where each true positive falls and its precision, per threshold.
 */
function countPass(scratch: Scratch, base: number, shift: number, n: number, nd: number): void {
  const { kept, tpAt, tpPrecision, tpCount, fpCount } = scratch;
  const tpMasks = scratch.truePositives;
  const fpMasks = scratch.falsePositives;
  const stride = nd + 1;
  const bits = wordMask(n) << shift;
  for (let l = 0; l < n; l += 1) {
    tpCount[l] = 0;
    fpCount[l] = 0;
  }
  // False positives at every threshold of the pass (the common case), counted once for all.
  let fpEverywhere = 0;
  for (let j = 0; j < nd; j += 1) {
    const entry = kept[j] as number;
    const tp = (tpMasks[base + entry] as number) & bits;
    const fp = (fpMasks[base + entry] as number) & bits;
    if (tp === 0) {
      if (fp === bits) fpEverywhere += 1;
      else if (fp !== 0)
        for (let l = 0; l < n; l += 1) if (fp & (1 << (l + shift))) fpCount[l] = (fpCount[l] as number) + 1;
      continue;
    }
    for (let l = 0; l < n; l += 1) {
      const bit = 1 << (l + shift);
      if (tp & bit) {
        const u = (tpCount[l] as number) + 1;
        tpCount[l] = u;
        tpAt[l * stride + u] = j;
        // pycocotools: tp / (fp + tp + eps), in that order.
        tpPrecision[l * stride + u] = u / (fpEverywhere + (fpCount[l] as number) + u + EPS);
      } else if (fp & bit) fpCount[l] = (fpCount[l] as number) + 1;
    }
  }
}

/** Recall, precision and scores of one (threshold, area range, maxDet) from a counted pass. */
function writeThreshold(
  input: EngineInput,
  output: EngineOutput,
  k: number,
  a: number,
  m: number,
  t: number,
  l: number,
  gtCount: number,
  nd: number,
  scratch: Scratch,
): void {
  const R = input.recallThresholds.length;
  const K = input.categories;
  const A = input.areaRanges.length / 2;
  const M = input.maxDets.length;
  const recThrs = input.recallThresholds;
  const { precision, recall, scores } = output;
  const stride = nd + 1;
  const tpAt = scratch.tpAt;
  const tpPrecision = scratch.tpPrecision;
  const keptScores = scratch.keptScores;
  const base = l * stride;
  const tp = scratch.tpCount[l] as number;
  // Precision made monotone from the right (pycocotools' backward max loop).
  for (let u = tp - 1; u >= 1; u -= 1)
    if ((tpPrecision[base + u + 1] as number) > (tpPrecision[base + u] as number))
      tpPrecision[base + u] = tpPrecision[base + u + 1] as number;
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
      precision[at] = tp > 0 ? (tpPrecision[base + 1] as number) : 0;
      scores[at] = keptScores[0] as number;
    } else {
      precision[at] = tpPrecision[base + u] as number;
      scores[at] = keptScores[tpAt[base + u] as number] as number;
    }
  }
}

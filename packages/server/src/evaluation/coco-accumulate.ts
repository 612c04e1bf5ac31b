/**
 * COCO's `accumulate` and `summarize`, fed with stored match rows instead of boxes: each row
 * brings a prediction's outcome at every COCO threshold and size range (see `coco-matcher.ts`)
 * and a ground truth's area, so the metrics of a run, or of any subset of its items, are those
 * pycocotools gives for the same boxes, to the last bit.
 */

import { performance } from "node:perf_hooks";
import {
  COCO_AREA_RANGES,
  COCO_IOU_THRESHOLDS,
  COCO_MAX_DETS,
  COCO_RECALL_THRESHOLDS,
  numpySum,
} from "@nucleus/metrics";
import type { EvaluationMetrics, MatchRow } from "../store/index.js";

/** Thrown by {@link CocoAccumulator.metricsInTurns} when asked to stop before the end. */
export class MetricsStopped extends Error {
  constructor() {
    super("metrics stopped before the end");
    this.name = "MetricsStopped";
  }
}

/** numpy's `np.spacing(1)`, the epsilon in COCO's precision. */
const EPS = 2.220446049250313e-16;
const IGNORED_SHIFT = 10;

/** Growable columns of one class's detections. */
class Detections {
  n = 0;
  scores = new Float64Array(64);
  ranks = new Int32Array(64);
  outcomes = [new Int32Array(64), new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  /** Ground truth per size range (all, small, medium, large). */
  truths = [0, 0, 0, 0];

  push(score: number, rank: number, outcome: readonly number[]): void {
    if (this.n === this.scores.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.scores = grow(this.scores);
      this.ranks = grow(this.ranks);
      this.outcomes = this.outcomes.map(grow);
    }
    this.scores[this.n] = score;
    this.ranks[this.n] = rank;
    for (let a = 0; a < 4; a += 1) (this.outcomes[a] as Int32Array)[this.n] = outcome[a] as number;
    this.n += 1;
  }
}

/** Positions sorted in one step, and merged per step, by {@link byScore}. */
const SORT_STEP = 1 << 15;

/**
 * The positions `0..n-1` by descending score, ties by position (the order of a stable sort):
 * runs of {@link SORT_STEP} sorted, then merged pass by pass, pausing (yielding) between steps
 * so that millions of detections of one class are never sorted in one stretch.
 */
export function* byScore(scores: Float64Array, n: number): Generator<void, Int32Array, void> {
  const before = (a: number, b: number) => (scores[b] as number) - (scores[a] as number) || a - b;
  let from = Int32Array.from({ length: n }, (_, i) => i);
  for (let start = 0; start < n; start += SORT_STEP) {
    from.subarray(start, Math.min(n, start + SORT_STEP)).sort(before);
    yield;
  }
  let to = new Int32Array(n);
  for (let width = SORT_STEP; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const mid = Math.min(n, start + width);
      const end = Math.min(n, start + 2 * width);
      let i = start;
      let j = mid;
      let k = start;
      while (i < mid && j < end) {
        const a = from[i] as number;
        const b = from[j] as number;
        if (before(a, b) <= 0) {
          to[k++] = a;
          i += 1;
        } else {
          to[k++] = b;
          j += 1;
        }
      }
      while (i < mid) to[k++] = from[i++] as number;
      while (j < end) to[k++] = from[j++] as number;
      yield;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** Means as pycocotools takes them: values above -1, in numpy's order, summed pairwise. */
function mean(values: number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length === 0 ? -1 : numpySum(valid, 0, valid.length) / valid.length;
}

/**
 * Accumulates match rows, in item order (each item's rows in the order the matcher gave), and
 * gives COCO's box metrics: the 12 summary numbers and per-class AP and AR, as `evaluateBoxes`
 * of `@nucleus/metrics` gives them for the same objects.
 *
 * @example
 * ```ts
 * const accumulator = new CocoAccumulator({ classAgnostic: false });
 * for (const row of rows) accumulator.add(row);
 * const metrics = accumulator.metrics(itemCount);
 * ```
 */
export class CocoAccumulator {
  private readonly classes = new Map<string, Detections>();
  private groundTruth = 0;
  private predictions = 0;

  constructor(private readonly options: { classAgnostic?: boolean | undefined } = {}) {}

  private classOf(label: string): Detections {
    const key = this.options.classAgnostic ? "" : label;
    let entry = this.classes.get(key);
    if (!entry) {
      entry = new Detections();
      this.classes.set(key, entry);
    }
    return entry;
  }

  /** Adds one row: its prediction (TP, FP) and its ground truth (TP, FN), boxes only. */
  add(
    row: Pick<
      MatchRow,
      "matchType" | "shape" | "predLabel" | "gtLabel" | "score" | "rank" | "coco" | "gtArea"
    >,
  ): void {
    if (row.shape !== "box") return;
    if (row.matchType !== "FN" && row.predLabel !== null) {
      this.predictions += 1;
      // Ranked past COCO's 100 detections: counted, not evaluated.
      if (row.coco !== null && row.rank !== null)
        this.classOf(row.predLabel).push(row.score ?? 1, row.rank, row.coco);
      else this.classOf(row.predLabel);
    }
    if (row.matchType !== "FP" && row.gtLabel !== null && row.gtArea !== null) {
      this.groundTruth += 1;
      const truths = this.classOf(row.gtLabel).truths;
      COCO_AREA_RANGES.forEach(([lo, hi], a) => {
        if (!((row.gtArea as number) < lo || (row.gtArea as number) > hi))
          truths[a] = (truths[a] as number) + 1;
      });
    }
  }

  /** COCO's metrics of the rows added, over `items` items, computed in one go. */
  metrics(items: number): EvaluationMetrics {
    const steps = this.steps(items);
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  }

  /**
   * The same metrics, computed a step at a time: once the steps since the last turn have run
   * for `budgetMs`, it waits for the event loop to turn, so that a run of millions of
   * predictions never holds the loop for long. `stopped` is asked at each turn; when it says
   * so, the computation ends with {@link MetricsStopped}.
   */
  async metricsInTurns(
    items: number,
    budgetMs = 10,
    stopped: () => boolean = () => false,
  ): Promise<EvaluationMetrics> {
    const steps = this.steps(items);
    let since = performance.now();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (performance.now() - since < budgetMs) continue;
      await new Promise((resolve) => setImmediate(resolve));
      if (stopped()) throw new MetricsStopped();
      since = performance.now();
    }
  }

  /** The computation of {@link metrics}, pausing (yielding) between small steps. */
  private *steps(items: number): Generator<void, EvaluationMetrics, void> {
    const T = COCO_IOU_THRESHOLDS.length;
    const R = COCO_RECALL_THRESHOLDS.length;
    const A = COCO_AREA_RANGES.length;
    const M = COCO_MAX_DETS.length;
    const labels = [...this.classes.keys()].sort();
    const K = labels.length;
    const precision = new Float64Array(T * R * K * A * M).fill(-1);
    const recall = new Float64Array(T * K * A * M).fill(-1);
    const p5 = (t: number, r: number, k: number, a: number, m: number) =>
      (((t * R + r) * K + k) * A + a) * M + m;
    const p4 = (t: number, k: number, a: number, m: number) => ((t * K + k) * A + a) * M + m;

    for (let k = 0; k < K; k += 1) {
      const d = this.classes.get(labels[k] as string) as Detections;
      if (d.n === 0 && d.truths.every((n) => n === 0)) continue;
      // Images in order, then a stable sort by score: ties stay in item order.
      const order = yield* byScore(d.scores, d.n);
      let pr = new Float64Array(16);
      let rc = new Float64Array(16);
      for (let m = 0; m < M; m += 1) {
        const maxDet = COCO_MAX_DETS[m] as number;
        const kept = order.filter((i) => (d.ranks[i] as number) < maxDet);
        const nd = kept.length;
        if (pr.length < nd) {
          pr = new Float64Array(nd);
          rc = new Float64Array(nd);
        }
        for (let a = 0; a < A; a += 1) {
          const npig = d.truths[a] as number;
          if (npig === 0) continue;
          const outcomes = d.outcomes[a] as Int32Array;
          for (let t = 0; t < T; t += 1) {
            let tp = 0;
            let fp = 0;
            for (let i = 0; i < nd; i += 1) {
              const o = outcomes[kept[i] as number] as number;
              const isTp = (o >> t) & 1;
              const isIgnored = (o >> (t + IGNORED_SHIFT)) & 1;
              if (isTp && !isIgnored) tp += 1;
              else if (!isTp && !isIgnored) fp += 1;
              rc[i] = tp / npig;
              pr[i] = tp / (fp + tp + EPS);
            }
            recall[p4(t, k, a, m)] = nd ? (rc[nd - 1] as number) : 0;
            for (let i = nd - 1; i > 0; i -= 1)
              if ((pr[i] as number) > (pr[i - 1] as number)) pr[i - 1] = pr[i] as number;
            // np.searchsorted(rc, recThrs, "left"); past the end, pycocotools leaves zeros.
            let i = 0;
            for (let r = 0; r < R; r += 1) {
              const threshold = COCO_RECALL_THRESHOLDS[r] as number;
              while (i < nd && (rc[i] as number) < threshold) i += 1;
              precision[p5(t, r, k, a, m)] = i < nd ? (pr[i] as number) : 0;
            }
            yield;
          }
        }
      }
    }

    const summarize = (only?: number) => {
      const one = (ap: boolean, iouThr: number | undefined, a: number, maxDet: number) => {
        const m = COCO_MAX_DETS.indexOf(maxDet);
        const values: number[] = [];
        const kFrom = only ?? 0;
        const kTo = only === undefined ? K : only + 1;
        for (let t = 0; t < T; t += 1) {
          if (iouThr !== undefined && COCO_IOU_THRESHOLDS[t] !== iouThr) continue;
          if (ap) {
            for (let r = 0; r < R; r += 1)
              for (let k = kFrom; k < kTo; k += 1) values.push(precision[p5(t, r, k, a, m)] as number);
          } else for (let k = kFrom; k < kTo; k += 1) values.push(recall[p4(t, k, a, m)] as number);
        }
        return mean(values);
      };
      return [
        one(true, undefined, 0, 100),
        one(true, 0.5, 0, 100),
        one(true, 0.75, 0, 100),
        one(true, undefined, 1, 100),
        one(true, undefined, 2, 100),
        one(true, undefined, 3, 100),
        one(false, undefined, 0, 1),
        one(false, undefined, 0, 10),
        one(false, undefined, 0, 100),
        one(false, undefined, 1, 100),
        one(false, undefined, 2, 100),
        one(false, undefined, 3, 100),
      ];
    };
    const stats = summarize();
    const m100 = COCO_MAX_DETS.indexOf(100);
    return {
      iouType: "bbox",
      stats,
      map: stats[0] as number,
      map50: stats[1] as number,
      map75: stats[2] as number,
      apBySize: { small: stats[3] as number, medium: stats[4] as number, large: stats[5] as number },
      ar100: stats[8] as number,
      iouThresholds: [...COCO_IOU_THRESHOLDS],
      perClass: this.options.classAgnostic
        ? []
        : labels.map((label, k) => {
            const s = summarize(k);
            return {
              label,
              ap: s[0] as number,
              ap50: s[1] as number,
              ap75: s[2] as number,
              ar100: s[8] as number,
              apByIou: COCO_IOU_THRESHOLDS.map((_, t) => {
                const values: number[] = [];
                for (let r = 0; r < R; r += 1) values.push(precision[p5(t, r, k, 0, m100)] as number);
                return mean(values);
              }),
            };
          }),
      counts: { items, groundTruth: this.groundTruth, predictions: this.predictions },
    };
  }
}

import { COCO_AREA_LABELS, numpySum } from "./params.js";

/** Sizes of pycocotools' `precision` array `[T, R, K, A, M]`. */
export interface Shape {
  T: number;
  R: number;
  K: number;
  A: number;
  M: number;
}

/** Offset of `precision[t, r, k, a, m]` (and `scores`). */
export function index5(t: number, r: number, k: number, a: number, m: number, s: Shape): number {
  return (((t * s.R + r) * s.K + k) * s.A + a) * s.M + m;
}

/** Offset of `recall[t, k, a, m]`. */
export function index4(t: number, k: number, a: number, m: number, s: Shape): number {
  return ((t * s.K + k) * s.A + a) * s.M + m;
}

/**
 * Means as pycocotools takes them (`np.mean(s[s > -1])`, -1 when none is valid): the values are
 * gathered in numpy's C order into one reused buffer, then summed pairwise.
 */
export class Means {
  private buffer = new Float64Array(1024);
  private n = 0;

  start(): void {
    this.n = 0;
  }

  add(value: number): void {
    if (!(value > -1)) return;
    if (this.n === this.buffer.length) {
      const bigger = new Float64Array(this.n * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.n++] = value;
  }

  mean(): number {
    return this.n === 0 ? -1 : numpySum(this.buffer, 0, this.n) / this.n;
  }
}

/** The 12 summary numbers, optionally of one category only. */
export function summaryStats(
  precision: Float64Array,
  recall: Float64Array,
  shape: Shape,
  iouThrs: readonly number[],
  maxDets: readonly number[],
  strict: boolean,
  means: Means,
  onlyCategory?: number,
): number[] {
  const last = maxDets[maxDets.length - 1] as number;
  const third = strict ? (maxDets[2] as number) : last;
  const kFrom = onlyCategory ?? 0;
  const kTo = onlyCategory === undefined ? shape.K : onlyCategory + 1;
  const one = (ap: boolean, iouThr: number | undefined, area: string, maxDet: number): number => {
    const a = COCO_AREA_LABELS.indexOf(area);
    const m = maxDets.indexOf(maxDet);
    if (a < 0 || a >= shape.A || m < 0) return -1;
    means.start();
    // numpy's order: threshold, then recall threshold (AP), then category.
    for (let t = 0; t < shape.T; t += 1) {
      if (iouThr !== undefined && iouThrs[t] !== iouThr) continue;
      if (ap) {
        for (let r = 0; r < shape.R; r += 1)
          for (let k = kFrom; k < kTo; k += 1) means.add(precision[index5(t, r, k, a, m, shape)] as number);
      } else {
        for (let k = kFrom; k < kTo; k += 1) means.add(recall[index4(t, k, a, m, shape)] as number);
      }
    }
    return means.mean();
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

/**
 * `numpy.linspace(start, stop, num)`: `i * ((stop - start) / (num - 1)) + start`, the last
 * value set to `stop`. COCO's thresholds are these doubles, not decimals (0.8999999999999999).
 *
 * @example
 * ```ts
 * linspace(0.5, 0.95, 10)[8]; // 0.8999999999999999
 * ```
 */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** COCO's ten IoU thresholds 0.50:0.05:0.95. */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(
  0.5,
  0.95,
  Math.round((0.95 - 0.5) / 0.05) + 1,
);

/** COCO's 101 recall thresholds 0:0.01:1. */
export const COCO_RECALL_THRESHOLDS: readonly number[] = linspace(0, 1, Math.round((1 - 0) / 0.01) + 1);

/** COCO's detections per image: 1, 10, 100. */
export const COCO_MAX_DETS: readonly number[] = [1, 10, 100];

/** COCO's area ranges (all, small, medium, large), in square pixels, with bounds inclusive. */
export const COCO_AREA_RANGES: readonly (readonly [number, number])[] = [
  [0, 1e10],
  [0, 1024],
  [1024, 9216],
  [9216, 1e10],
];

/** The labels of {@link COCO_AREA_RANGES}. */
export const COCO_AREA_LABELS: readonly string[] = ["all", "small", "medium", "large"];

/**
 * A sum with numpy's pairwise summation (`np.sum`/`np.mean` on doubles), so means match
 * pycocotools to the last bit: blocks of 8,192 added left to right, each summed pairwise.
 */
export function numpySum(values: ArrayLike<number>, start = 0, end = values.length): number {
  let total = 0;
  for (let block = start; block < end; block += 8192)
    total += pairwise(values, block, Math.min(8192, end - block));
  return total;
}

function pairwise(a: ArrayLike<number>, offset: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i += 1) res += a[offset + i] as number;
    return res;
  }
  if (n <= 128) {
    // Eight interleaved accumulators, combined as numpy combines them.
    let r0 = a[offset] as number;
    let r1 = a[offset + 1] as number;
    let r2 = a[offset + 2] as number;
    let r3 = a[offset + 3] as number;
    let r4 = a[offset + 4] as number;
    let r5 = a[offset + 5] as number;
    let r6 = a[offset + 6] as number;
    let r7 = a[offset + 7] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      r0 += a[offset + i] as number;
      r1 += a[offset + i + 1] as number;
      r2 += a[offset + i + 2] as number;
      r3 += a[offset + i + 3] as number;
      r4 += a[offset + i + 4] as number;
      r5 += a[offset + i + 5] as number;
      r6 += a[offset + i + 6] as number;
      r7 += a[offset + i + 7] as number;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i += 1) res += a[offset + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, offset, n2) + pairwise(a, offset + n2, n - n2);
}

/** The mean of the entries above -1 (COCO's "no ground truth" marker), or -1 when there are none. */
export function meanOfValid(values: readonly number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length === 0 ? -1 : numpySum(valid) / valid.length;
}

/**
 * Box IoU exactly as COCO computes it (`bbIou` in pycocotools' mask API): boxes are
 * `[x, y, width, height]` with `x, y` the top-left corner; for a crowd ground truth the union
 * is the detection's own area.
 */

/** An axis-aligned box: `[x, y, width, height]`, top-left corner and size, in pixels. */
export type Box = readonly [x: number, y: number, width: number, height: number];

/**
 * IoU of every detection with every ground-truth box, into a row-major `D x G` array
 * (`out[d * G + g]`). Boxes are packed as `[x, y, w, h, x, y, w, h, ...]`.
 *
 * @param crowd - per ground-truth box, 1 when it is a crowd region (IoU = intersection / detection area)
 *
 * @example
 * ```ts
 * const iou = boxIouMatrix(new Float64Array([0, 0, 10, 10]), new Float64Array([5, 0, 10, 10]));
 * iou[0]; // 0.3333333333333333
 * ```
 */
export function boxIouMatrix(
  detections: ArrayLike<number>,
  groundTruth: ArrayLike<number>,
  crowd?: ArrayLike<number>,
  out?: Float64Array,
): Float64Array {
  const D = detections.length >> 2;
  const G = groundTruth.length >> 2;
  const result = out ?? new Float64Array(D * G);
  for (let d = 0; d < D; d += 1) {
    const dx = detections[d * 4] as number;
    const dy = detections[d * 4 + 1] as number;
    const dw = detections[d * 4 + 2] as number;
    const dh = detections[d * 4 + 3] as number;
    for (let g = 0; g < G; g += 1)
      result[d * G + g] = boxPairIou(dx, dy, dw, dh, groundTruth, g * 4, crowd?.[g]);
  }
  return result;
}

/**
 * IoU of the detection box `dx, dy, dw, dh` with the ground-truth box at `boxes[offset..]`:
 * the one formula behind every box IoU here, in COCO's operation order so the doubles are
 * identical.
 */
export function boxPairIou(
  dx: number,
  dy: number,
  dw: number,
  dh: number,
  boxes: ArrayLike<number>,
  offset: number,
  crowd: number | undefined,
): number {
  const gx = boxes[offset] as number;
  const gy = boxes[offset + 1] as number;
  const gw = boxes[offset + 2] as number;
  const gh = boxes[offset + 3] as number;
  const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
  if (!(w > 0)) return 0; // NaN too, as in COCO's `if (w > 0)`
  const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
  if (!(h > 0)) return 0;
  const i = w * h;
  const da = dw * dh;
  const u = crowd ? da : da + gw * gh - i;
  return i / u;
}

/**
 * IoU of two boxes (`[x, y, width, height]`).
 *
 * @example
 * ```ts
 * boxIou([0, 0, 10, 10], [0, 0, 10, 5]); // 0.5
 * ```
 */
export function boxIou(a: Box, b: Box, crowd = false): number {
  return boxIouMatrix(a, b, crowd ? [1] : undefined)[0] as number;
}

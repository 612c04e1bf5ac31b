/**
 * COCO run-length encoding, ported from pycocotools' mask API so that areas, boxes and IoUs
 * are the same numbers. Masks are column-major (Fortran order), as COCO stores them: runs
 * alternate 0s and 1s, starting with 0s.
 */

/** A run-length encoded binary mask: `size` is `[height, width]`, `counts` the run lengths. */
export interface Rle {
  size: [height: number, width: number];
  counts: Uint32Array;
}

/** A COCO polygon: `[x1, y1, x2, y2, ...]` in pixels. */
export type Polygon = readonly number[];

/**
 * Encodes a binary mask given in column-major order (`mask[x * height + y]`, as COCO does).
 *
 * @example
 * ```ts
 * const rle = rleEncode(new Uint8Array([0, 1, 1, 0]), 2, 2);
 * rleArea(rle); // 2
 * ```
 */
export function rleEncode(mask: ArrayLike<number>, height: number, width: number): Rle {
  const n = height * width;
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let i = 0; i < n; i += 1) {
    const value = mask[i] ? 1 : 0;
    if (value !== previous) {
      counts.push(run);
      run = 0;
      previous = value;
    }
    run += 1;
  }
  counts.push(run);
  return { size: [height, width], counts: Uint32Array.from(counts) };
}

/** Decodes an RLE into a column-major binary mask (`mask[x * height + y]`). */
export function rleDecode(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  const mask = new Uint8Array(h * w);
  let offset = 0;
  let value = 0;
  for (const run of rle.counts) {
    if (value) mask.fill(1, offset, offset + run);
    offset += run;
    value ^= 1;
  }
  return mask;
}

/** The number of pixels set. */
export function rleArea(rle: Rle): number {
  let area = 0;
  for (let i = 1; i < rle.counts.length; i += 2) area += rle.counts[i] as number;
  return area;
}

/** The tight bounding box `[x, y, width, height]` of the set pixels (zeros when empty). */
export function rleToBbox(rle: Rle): [number, number, number, number] {
  const [h, w] = rle.size;
  const m = Math.floor(rle.counts.length / 2) * 2;
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j += 1) {
    cc += rle.counts[j] as number;
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/**
 * Rasterises a polygon exactly as COCO does (`rleFrPoly`: 5x upsampling, then the same
 * rounding), so areas and IoUs match pycocotools.
 *
 * @example
 * ```ts
 * rleArea(rleFromPolygon([0, 0, 10, 0, 10, 10, 0, 10], 20, 20)); // 100
 * ```
 */
export function rleFromPolygon(polygon: Polygon, height: number, width: number): Rle {
  const scale = 5;
  const k = Math.floor(polygon.length / 2);
  const x = int32(raster.x, k + 1);
  raster.x = x;
  const y = int32(raster.y, k + 1);
  raster.y = y;
  for (let j = 0; j < k; j += 1) x[j] = Math.trunc(scale * (polygon[j * 2] as number) + 0.5);
  x[k] = x[0] as number;
  for (let j = 0; j < k; j += 1) y[j] = Math.trunc(scale * (polygon[j * 2 + 1] as number) + 0.5);
  y[k] = y[0] as number;
  let m = 0;
  for (let j = 0; j < k; j += 1) {
    m +=
      Math.max(
        Math.abs((x[j] as number) - (x[j + 1] as number)),
        Math.abs((y[j] as number) - (y[j + 1] as number)),
      ) + 1;
  }
  const u = int32(raster.u, m);
  raster.u = u;
  const v = int32(raster.v, m);
  raster.v = v;
  m = 0;
  for (let j = 0; j < k; j += 1) {
    let xs = x[j] as number;
    let xe = x[j + 1] as number;
    let ys = y[j] as number;
    let ye = y[j + 1] as number;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      const sx = xs;
      xs = xe;
      xe = sx;
      const sy = ys;
      ys = ye;
      ye = sy;
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    // t runs 0..n, or n..0 when flipped: the same points, in COCO's order.
    if (dx >= dy) {
      for (let d = 0; d <= dx; d += 1, m += 1) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = Math.trunc(ys + s * t + 0.5);
      }
    } else {
      for (let d = 0; d <= dy; d += 1, m += 1) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = Math.trunc(xs + s * t + 0.5);
      }
    }
  }
  // Points along the y-boundary, downsampled, as offsets in the column-major mask.
  const total = m;
  if (raster.offsets.length < total + 1) raster.offsets = new Float64Array(2 * (total + 1));
  const a = raster.offsets;
  let n = 0;
  for (let j = 1; j < total; j += 1) {
    if (u[j] === u[j - 1]) continue;
    let xd = (u[j] as number) < (u[j - 1] as number) ? (u[j] as number) : (u[j] as number) - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = Math.min(v[j] as number, v[j - 1] as number);
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > height) yd = height;
    yd = Math.ceil(yd);
    a[n++] = xd * height + yd;
  }
  a[n++] = height * width;
  const sorted = sortOffsets(a, n, height, width);
  let previous = 0;
  for (let j = 0; j < n; j += 1) {
    const t = sorted[j] as number;
    sorted[j] = t - previous;
    previous = t;
  }
  // Run lengths: the differences, with zero-length runs folded into the next. In place: the
  // write position never passes the read position.
  let runs = 0;
  let j = 0;
  sorted[runs++] = sorted[j++] as number;
  while (j < n) {
    if ((sorted[j] as number) > 0) sorted[runs++] = sorted[j++] as number;
    else {
      j += 1;
      if (j < n) sorted[runs - 1] = (sorted[runs - 1] as number) + (sorted[j++] as number);
    }
  }
  const counts = new Uint32Array(runs);
  for (let r = 0; r < runs; r += 1) counts[r] = sorted[r] as number;
  return { size: [height, width], counts };
}

/**
 * Sorts `n` whole-number mask offsets (`x * height + y`, y from 0 to height) ascending, as COCO's
 * qsort does: a counting sort by column, then insertion sort within each column, which holds a
 * few offsets (where the outline crosses it).
 */
function sortOffsets(a: Float64Array, n: number, height: number, width: number): Float64Array {
  const columns = width + 2;
  if (raster.start.length < columns + 1) raster.start = new Int32Array(2 * (columns + 1));
  if (raster.next.length < columns) raster.next = new Int32Array(2 * columns);
  if (raster.sorted.length < n) raster.sorted = new Float64Array(2 * n);
  const { start, next } = raster;
  const out = raster.sorted;
  start.fill(0, 0, columns + 1);
  for (let j = 0; j < n; j += 1) {
    const column = Math.floor((a[j] as number) / height) + 1;
    start[column] = (start[column] as number) + 1;
  }
  for (let c = 0; c < columns; c += 1) {
    start[c + 1] = (start[c + 1] as number) + (start[c] as number);
    next[c] = start[c] as number;
  }
  for (let j = 0; j < n; j += 1) {
    const value = a[j] as number;
    const column = Math.floor(value / height);
    const at = next[column] as number;
    out[at] = value;
    next[column] = at + 1;
  }
  for (let c = 0; c < columns; c += 1) {
    const to = start[c + 1] as number;
    for (let i = (start[c] as number) + 1; i < to; i += 1) {
      const value = out[i] as number;
      let k = i - 1;
      while (k >= (start[c] as number) && (out[k] as number) > value) {
        out[k + 1] = out[k] as number;
        k -= 1;
      }
      out[k + 1] = value;
    }
  }
  return out;
}

/**
 * Buffers reused by {@link rleFromPolygon} from one polygon to the next: it runs to the end
 * without yielding, and each worker thread has its own copy of this module.
 */
const raster = {
  x: new Int32Array(64),
  y: new Int32Array(64),
  u: new Int32Array(4096),
  v: new Int32Array(4096),
  offsets: new Float64Array(1024),
  sorted: new Float64Array(1024),
  start: new Int32Array(1024),
  next: new Int32Array(1024),
};

/** `buffer` if it holds `n` values, else a bigger one. */
function int32(buffer: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return buffer.length >= n ? buffer : new Int32Array(Math.max(n, 2 * buffer.length));
}

/**
 * The union (or, with `intersect`, the intersection) of masks of the same size.
 *
 * @example
 * ```ts
 * const both = rleMerge([rleFromPolygon(a, h, w), rleFromPolygon(b, h, w)]);
 * ```
 */
export function rleMerge(rles: readonly Rle[], intersect = false): Rle {
  const first = rles[0];
  if (!first) return { size: [0, 0], counts: new Uint32Array(0) };
  let [h, w] = first.size;
  if (rles.length === 1) return { size: [h, w], counts: first.counts.slice() }; // one mask: itself
  let counts = Array.from(first.counts);
  for (let i = 1; i < rles.length; i += 1) {
    const B = rles[i] as Rle;
    if (B.size[0] !== h || B.size[1] !== w) {
      h = 0;
      w = 0;
      counts = [];
      break;
    }
    const A = counts;
    const out: number[] = [];
    let ca = A[0] ?? 0;
    let cb = B.counts[0] ?? 0;
    let v = 0;
    let va = 0;
    let vb = 0;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    while (ct > 0) {
      const c = Math.min(ca, cb);
      cc += c;
      ct = 0;
      ca -= c;
      if (!ca && a < A.length) {
        ca = A[a++] as number;
        va ^= 1;
      }
      ct += ca;
      cb -= c;
      if (!cb && b < B.counts.length) {
        cb = B.counts[b++] as number;
        vb ^= 1;
      }
      ct += cb;
      const vp = v;
      v = intersect ? va & vb : va | vb;
      if (v !== vp || ct === 0) {
        out.push(cc);
        cc = 0;
      }
    }
    counts = out;
  }
  return { size: [h, w], counts: Uint32Array.from(counts) };
}

/**
 * IoU of every detection mask with every ground-truth mask, row-major `D x G`, exactly as
 * COCO computes it; for a crowd ground truth the union is the detection's area.
 */
export function rleIouMatrix(
  detections: readonly Rle[],
  groundTruth: readonly Rle[],
  crowd?: ArrayLike<number>,
): Float64Array {
  const D = detections.length;
  const G = groundTruth.length;
  const out = new Float64Array(D * G);
  const dBoxes = detections.map(rleToBbox);
  const gBoxes = groundTruth.map(rleToBbox);
  for (let g = 0; g < G; g += 1) {
    const gb = gBoxes[g] as number[];
    const ga = (gb[2] as number) * (gb[3] as number);
    const isCrowd = Boolean(crowd?.[g]);
    for (let d = 0; d < D; d += 1) {
      const db = dBoxes[d] as number[];
      const da = (db[2] as number) * (db[3] as number);
      const bw =
        Math.min((db[2] as number) + (db[0] as number), (gb[2] as number) + (gb[0] as number)) -
        Math.max(db[0] as number, gb[0] as number);
      if (bw <= 0) continue;
      const bh =
        Math.min((db[3] as number) + (db[1] as number), (gb[3] as number) + (gb[1] as number)) -
        Math.max(db[1] as number, gb[1] as number);
      if (bh <= 0) continue;
      const bi = bw * bh;
      if (bi / (isCrowd ? da : da + ga - bi) <= 0) continue;
      out[d * G + g] = pixelIou(detections[d] as Rle, groundTruth[g] as Rle, isCrowd);
    }
  }
  return out;
}

function pixelIou(dt: Rle, gt: Rle, crowd: boolean): number {
  if (dt.size[0] !== gt.size[0] || dt.size[1] !== gt.size[1]) return -1;
  let ca = dt.counts[0] ?? 0;
  let cb = gt.counts[0] ?? 0;
  let va = 0;
  let vb = 0;
  let a = 1;
  let b = 1;
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < dt.counts.length) {
      ca = dt.counts[a++] as number;
      va ^= 1;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < gt.counts.length) {
      cb = gt.counts[b++] as number;
      vb ^= 1;
    }
    ct += cb;
  }
  if (i === 0) u = 1;
  else if (crowd) u = rleArea(dt);
  return i / u;
}

/** IoU of two masks. */
export function rleIou(a: Rle, b: Rle, crowd = false): number {
  return rleIouMatrix([a], [b], crowd ? [1] : undefined)[0] as number;
}

/** COCO's compressed string form of an RLE's counts (as in COCO JSON `{"size", "counts": "..."}`). */
export function rleToString(rle: Rle): string {
  let out = "";
  for (let i = 0; i < rle.counts.length; i += 1) {
    let x = rle.counts[i] as number;
    if (i > 2) x -= rle.counts[i - 2] as number;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Reads COCO's compressed string form of RLE counts. */
export function rleFromString(counts: string, height: number, width: number): Rle {
  const out: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = counts.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p += 1;
      k += 1;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (out.length > 2) x += out[out.length - 2] as number;
    out.push(x);
  }
  return { size: [height, width], counts: Uint32Array.from(out) };
}

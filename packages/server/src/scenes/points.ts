/**
 * The points of a point cloud file, read for drawing: the JSON a lidar frame's item names
 * (`{"points": [{x, y, z, i?}, ...]}`, a bare list of such points, or `[x, y, z, i?]` rows),
 * taken down to a bounded number of points by an even stride through the file's order.
 */

/** A point cloud file that cannot be read as points: the message names the first bad field. */
export class PointCloudError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PointCloudError";
  }
}

/** Points to draw, as flat rows, with the extent of the whole cloud. */
export interface PointSample {
  /** Points in the file. */
  total: number;
  /** Points kept (at most the limit asked for). */
  count: number;
  /** True when every point has an intensity `i`. */
  intensity: boolean;
  /** `count` rows of `x, y, z` (and `i` when `intensity`), flattened, to the millimetre. */
  points: number[];
  /** The smallest and largest coordinates over all points (not only the kept ones); null for no points. */
  bounds: { min: [number, number, number]; max: [number, number, number] } | null;
}

type Row = [number, number, number, number | undefined];

/** One point of the file as numbers; `where` names it in errors. */
function rowOf(point: unknown, where: string): Row {
  if (Array.isArray(point)) {
    if (point.length < 3) throw new PointCloudError(`${where}: a point row needs x, y and z`);
    const [x, y, z, i] = point as unknown[];
    return [num(x, `${where}[0]`), num(y, `${where}[1]`), num(z, `${where}[2]`), opt(i, `${where}[3]`)];
  }
  if (point === null || typeof point !== "object")
    throw new PointCloudError(`${where}: a point is an object {x, y, z, i?} or a row [x, y, z, i?]`);
  const p = point as Record<string, unknown>;
  return [num(p.x, `${where}.x`), num(p.y, `${where}.y`), num(p.z, `${where}.z`), opt(p.i, `${where}.i`)];
}

function num(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new PointCloudError(`${where} must be a finite number, got ${JSON.stringify(value) ?? "nothing"}`);
  return value;
}

function opt(value: unknown, where: string): number | undefined {
  return value === undefined || value === null ? undefined : num(value, where);
}

/** To the millimetre, without a negative zero. */
const mm = (v: number) => Math.round(v * 1000) / 1000 + 0;

/** The list of points in a parsed file, and the field path that names it. */
function listOf(json: unknown): { list: unknown[]; path: string } {
  if (Array.isArray(json)) return { list: json, path: "" };
  if (json !== null && typeof json === "object" && Array.isArray((json as { points?: unknown }).points))
    return { list: (json as { points: unknown[] }).points, path: "points" };
  throw new PointCloudError('the file is neither {"points": [...]} nor a list of points');
}

/**
 * Reads a point cloud file and keeps at most `limit` of its points, evenly spread through the
 * file (the same points every time). Throws {@link PointCloudError} naming the first bad point.
 *
 * @example
 * ```ts
 * samplePoints(Buffer.from('{"points":[{"x":1,"y":2,"z":3}]}'), 10).points; // [1, 2, 3]
 * ```
 */
export function samplePoints(bytes: Uint8Array, limit: number): PointSample {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new PointCloudError(`the file is not JSON (${(error as Error).message})`);
  }
  const { list, path } = listOf(json);
  const total = list.length;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  let intensity = total > 0;
  for (let n = 0; n < total; n++) {
    const row = rowOf(list[n], `${path}[${n}]`);
    for (const a of [0, 1, 2] as const) {
      if (row[a] < min[a]) min[a] = row[a];
      if (row[a] > max[a]) max[a] = row[a];
    }
    if (row[3] === undefined) intensity = false;
  }
  const count = Math.min(total, Math.max(0, Math.floor(limit)));
  const stride = intensity ? 4 : 3;
  const points = new Array<number>(count * stride);
  for (let k = 0; k < count; k++) {
    const n = count === total ? k : Math.floor((k * total) / count);
    const row = rowOf(list[n], `${path}[${n}]`);
    const at = k * stride;
    points[at] = mm(row[0]);
    points[at + 1] = mm(row[1]);
    points[at + 2] = mm(row[2]);
    if (intensity) points[at + 3] = mm(row[3] as number);
  }
  return { total, count, intensity, points, bounds: total > 0 ? { min, max } : null };
}

/**
 * A lidar frame seen from above (bird's-eye view): the world's x to the right and y up, one scale
 * for both so shapes keep their proportions; cuboids as rectangles turned by their yaw; points
 * coloured along a ramp by height or intensity.
 */

/** World metres to canvas (CSS) pixels: `cx = x * scale + dx`, `cy = -y * scale + dy`. */
export interface View {
  scale: number;
  dx: number;
  dy: number;
}

/** An extent on the ground plane. */
export interface Extent {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** A cuboid label: centre, size (length along its heading, width, height) and yaw in radians about z. */
export interface Cuboid {
  /** Unique within the frame: the server's id, else the position in the list. */
  key: string;
  label: string;
  x: number;
  y: number;
  z: number;
  length: number;
  width: number;
  height: number;
  yaw: number;
  /** The track it follows. */
  track?: string;
}

/** A cuboid label as the API returns it, loosely. */
export interface StoredCuboidLike {
  id?: string;
  label?: string;
  trackReferenceId?: string | null;
  geometry?: {
    position?: { x?: number; y?: number; z?: number };
    dimensions?: { x?: number; y?: number; z?: number };
    yaw?: number;
  };
}

/**
 * The cuboids of an item's `cuboid` label group.
 *
 * @example
 * ```ts
 * cuboidsOf([{ id: "ann_1", label: "car", geometry: { position: { x: 1, y: 2, z: 0 }, dimensions: { x: 4, y: 2, z: 1.5 }, yaw: 0 } }]);
 * ```
 */
export function cuboidsOf(list: readonly StoredCuboidLike[] | null | undefined): Cuboid[] {
  return (list ?? []).map((c, i) => {
    const g = c.geometry ?? {};
    return {
      key: c.id ?? `cuboid/${i}`,
      label: c.label ?? "",
      x: g.position?.x ?? 0,
      y: g.position?.y ?? 0,
      z: g.position?.z ?? 0,
      length: g.dimensions?.x ?? 0,
      width: g.dimensions?.y ?? 0,
      height: g.dimensions?.z ?? 0,
      yaw: g.yaw ?? 0,
      ...(c.trackReferenceId ? { track: c.trackReferenceId } : {}),
    };
  });
}

/** A cuboid's four ground corners in world metres: front left, front right, back right, back left. */
export function cuboidCorners(c: Cuboid): [number, number][] {
  const cos = Math.cos(c.yaw);
  const sin = Math.sin(c.yaw);
  const l = c.length / 2;
  const w = c.width / 2;
  return (
    [
      [l, w],
      [l, -w],
      [-l, -w],
      [-l, w],
    ] as const
  ).map(([u, v]) => [c.x + u * cos - v * sin, c.y + u * sin + v * cos]);
}

/** The smallest extent around an extent (or none) and some cuboids. */
export function extentOf(base: Extent | null, cuboids: readonly Cuboid[]): Extent | null {
  let e = base ? { ...base } : null;
  for (const c of cuboids)
    for (const [x, y] of cuboidCorners(c)) {
      if (!e) e = { minX: x, maxX: x, minY: y, maxY: y };
      else {
        e.minX = Math.min(e.minX, x);
        e.maxX = Math.max(e.maxX, x);
        e.minY = Math.min(e.minY, y);
        e.maxY = Math.max(e.maxY, y);
      }
    }
  return e;
}

/**
 * The view that fits an extent into a `width` x `height` canvas with `margin` pixels around it,
 * centred, one scale for both axes (a flat or empty extent counts as at least a metre across).
 */
export function fitView(extent: Extent | null, width: number, height: number, margin = 24): View {
  const e = extent ?? { minX: -10, maxX: 10, minY: -10, maxY: 10 };
  const spanX = Math.max(e.maxX - e.minX, 1);
  const spanY = Math.max(e.maxY - e.minY, 1);
  const scale = Math.max(1e-6, Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY));
  const cx = (e.minX + e.maxX) / 2;
  const cy = (e.minY + e.maxY) / 2;
  return { scale, dx: width / 2 - cx * scale, dy: height / 2 + cy * scale };
}

/** A world point on the canvas. */
export const toCanvas = (v: View, x: number, y: number): [number, number] => [
  x * v.scale + v.dx,
  -y * v.scale + v.dy,
];

/** The view zoomed by `factor` about a canvas point, which stays where it is. */
export function zoomAt(v: View, factor: number, px: number, py: number): View {
  return { scale: v.scale * factor, dx: px - (px - v.dx) * factor, dy: py - (py - v.dy) * factor };
}

/** Colour stops of the ramp, low to high: blue, teal, green, yellow, orange. */
const RAMP: readonly [number, number, number][] = [
  [63, 94, 216],
  [31, 181, 196],
  [126, 217, 87],
  [245, 224, 75],
  [255, 122, 69],
];

/** The ramp's colour at `t` in [0, 1] (clamped), as `[r, g, b]`. */
export function rampColor(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(u));
  const f = u - i;
  const a = RAMP[i] as [number, number, number];
  const b = RAMP[i + 1] as [number, number, number];
  return [0, 1, 2].map((k) => Math.round((a[k] as number) + ((b[k] as number) - (a[k] as number)) * f)) as [
    number,
    number,
    number,
  ];
}

/** The ramp as a CSS gradient, for a legend. */
export const RAMP_GRADIENT = `linear-gradient(to right, ${RAMP.map((c) => `rgb(${c.join(",")})`).join(", ")})`;

/**
 * The range a colour ramp spans over some values: from the 2nd to the 98th percentile, so a few
 * stray points (a bird, a reflection) do not wash out the rest.
 */
export function rampRange(values: ArrayLike<number>): [number, number] {
  if (values.length === 0) return [0, 1];
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] as number;
  const lo = at(0.02);
  const hi = at(0.98);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

import { boundsOf, type Point, type Shape } from "./shapes.js";

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

function inside(p: Point, polygon: readonly Point[]): boolean {
  let result = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i] as Point;
    const b = polygon[j] as Point;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) result = !result;
  }
  return result;
}

/** How close a point (image pixels) is to a shape: 0 inside, else the distance to its outline. */
export function distanceTo(shape: Shape, p: Point): number {
  switch (shape.kind) {
    case "box":
      return (
        Math.max(shape.x - p.x, 0, p.x - (shape.x + shape.width)) +
        Math.max(shape.y - p.y, 0, p.y - (shape.y + shape.height))
      );
    case "polygon":
      if (inside(p, shape.points)) return 0;
      return Math.min(
        ...shape.points.map((a, i) =>
          distanceToSegment(p, a, shape.points[(i + 1) % shape.points.length] as Point),
        ),
      );
    case "line":
      return Math.min(
        ...shape.points.slice(1).map((b, i) => distanceToSegment(p, shape.points[i] as Point, b)),
      );
    case "keypoints":
      return Math.min(
        Infinity,
        ...shape.points.filter((k) => k.visible).map((k) => Math.hypot(k.x - p.x, k.y - p.y)),
      );
    default:
      return Infinity;
  }
}

/**
 * The shape under a point (image pixels), within `tolerance` pixels: among those that contain it,
 * the smallest, so a box inside another can still be picked.
 *
 * @example
 * ```ts
 * const hovered = shapeAt(shapes, { x: 12, y: 30 }, 4);
 * ```
 */
export function shapeAt(shapes: readonly Shape[], p: Point, tolerance: number): Shape | undefined {
  let best: Shape | undefined;
  let bestScore = Infinity;
  for (const shape of shapes) {
    const d = distanceTo(shape, p);
    if (d > tolerance) continue;
    const b = boundsOf(shape);
    // Closer first, then smaller: an outline hit beats a large box the point merely sits in.
    const score = d * 1e9 + (b ? b.width * b.height : 0);
    if (score < bestScore) {
      bestScore = score;
      best = shape;
    }
  }
  return best;
}

/** The geometry object queries read: a label's area from its stored JSON. */
import { type Point, polygonArea } from "@nucleus/metrics";

/**
 * The area of a stored label's shape: a box's width times height, a polygon's area; null for
 * other types (lines, keypoints, cuboids, categories, masks).
 *
 * @example
 * ```ts
 * labelArea({ type: "box", geometry: { x: 0, y: 0, width: 4, height: 5 } }); // 20
 * ```
 */
export function labelArea(payload: {
  type?: unknown;
  geometry?: { width?: unknown; height?: unknown; vertices?: unknown } | null;
}): number | null {
  const g = payload.geometry ?? {};
  if (payload.type === "box" && typeof g.width === "number" && typeof g.height === "number")
    return g.width * g.height;
  if (payload.type === "polygon" && Array.isArray(g.vertices))
    return polygonArea((g.vertices as { x: number; y: number }[]).map((v) => [v.x, v.y] as Point));
  return null;
}

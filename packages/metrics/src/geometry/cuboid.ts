import type { Point } from "./polygon.js";
import { polygonArea } from "./polygon.js";

/** A 3D box: centre, size (x length, y width, z height) and yaw in radians about Z. */
export interface Cuboid {
  position: { x: number; y: number; z: number };
  dimensions: { x: number; y: number; z: number };
  yaw: number;
}

/** The cuboid's footprint on the ground plane, counter-clockwise. */
export function cuboidFootprint(c: Cuboid): Point[] {
  const cos = Math.cos(c.yaw);
  const sin = Math.sin(c.yaw);
  const hx = c.dimensions.x / 2;
  const hy = c.dimensions.y / 2;
  return (
    [
      [-hx, -hy],
      [hx, -hy],
      [hx, hy],
      [-hx, hy],
    ] as const
  ).map(([x, y]) => [c.position.x + x * cos - y * sin, c.position.y + x * sin + y * cos] as Point);
}

/** Intersection of two convex polygons (Sutherland–Hodgman); both counter-clockwise. */
function clipConvex(subject: Point[], clip: Point[]): Point[] {
  let output = subject;
  for (let i = 0; i < clip.length && output.length > 0; i += 1) {
    const [ax, ay] = clip[i] as Point;
    const [bx, by] = clip[(i + 1) % clip.length] as Point;
    const inside = ([px, py]: Point) => (bx - ax) * (py - ay) - (by - ay) * (px - ax) >= 0;
    const input = output;
    output = [];
    for (let j = 0; j < input.length; j += 1) {
      const current = input[j] as Point;
      const previous = input[(j + input.length - 1) % input.length] as Point;
      const crossing = (): Point => {
        const [px, py] = previous;
        const [cx, cy] = current;
        const d = (px - cx) * (ay - by) - (py - cy) * (ax - bx);
        const t = ((px - ax) * (ay - by) - (py - ay) * (ax - bx)) / d;
        return [px + t * (cx - px), py + t * (cy - py)];
      };
      if (inside(current)) {
        if (!inside(previous)) output.push(crossing());
        output.push(current);
      } else if (inside(previous)) output.push(crossing());
    }
  }
  return output;
}

/**
 * Bird's-eye-view IoU of two cuboids: the IoU of their rotated footprints.
 *
 * @example
 * ```ts
 * const a = { position: { x: 0, y: 0, z: 0 }, dimensions: { x: 2, y: 2, z: 2 }, yaw: 0 };
 * cuboidBevIou(a, { ...a, position: { x: 1, y: 0, z: 0 } }); // 1/3
 * ```
 */
export function cuboidBevIou(a: Cuboid, b: Cuboid): number {
  const fa = cuboidFootprint(a);
  const fb = cuboidFootprint(b);
  const intersection = polygonArea(clipConvex(fa, fb));
  const union = polygonArea(fa) + polygonArea(fb) - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * 3D IoU of two cuboids: footprint intersection times vertical overlap, over the union of
 * volumes.
 */
export function cuboidIou(a: Cuboid, b: Cuboid): number {
  const intersectionArea = polygonArea(clipConvex(cuboidFootprint(a), cuboidFootprint(b)));
  const top = Math.min(a.position.z + a.dimensions.z / 2, b.position.z + b.dimensions.z / 2);
  const bottom = Math.max(a.position.z - a.dimensions.z / 2, b.position.z - b.dimensions.z / 2);
  const overlap = Math.max(0, top - bottom);
  const intersection = intersectionArea * overlap;
  const volume = (c: Cuboid) => c.dimensions.x * c.dimensions.y * c.dimensions.z;
  const union = volume(a) + volume(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

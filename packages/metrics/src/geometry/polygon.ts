import polygonClipping from "polygon-clipping";
import type { Box } from "./box.js";

/** A point `[x, y]`. */
export type Point = readonly [number, number];

/** The area of a simple polygon (shoelace formula), whatever its orientation. */
export function polygonArea(vertices: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < vertices.length; i += 1) {
    const [x1, y1] = vertices[i] as Point;
    const [x2, y2] = vertices[(i + 1) % vertices.length] as Point;
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

function multiPolygonArea(rings: [number, number][][][]): number {
  let area = 0;
  for (const polygon of rings) {
    polygon.forEach((ring, i) => {
      // The first ring is the outline, the others are holes.
      area += (i === 0 ? 1 : -1) * polygonArea(ring);
    });
  }
  return area;
}

const ring = (vertices: readonly Point[]): [number, number][] => vertices.map(([x, y]) => [x, y]);

/**
 * Exact IoU of two polygons (any simple polygons, convex or not), by geometric intersection:
 * the way Nucleus compares polygon annotations.
 *
 * @example
 * ```ts
 * polygonIou([[0, 0], [2, 0], [2, 2], [0, 2]], [[1, 0], [3, 0], [3, 2], [1, 2]]); // 1/3
 * ```
 */
export function polygonIou(a: readonly Point[], b: readonly Point[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  const intersection = multiPolygonArea(polygonClipping.intersection([ring(a)], [ring(b)]));
  if (intersection <= 0) return 0;
  const union = polygonArea(a) + polygonArea(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** The four corners of a box (`[x, y, width, height]`, top-left corner), clockwise. */
export function boxToPolygon([x, y, w, h]: Box): Point[] {
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
}

import { describe, expect, it } from "vitest";
import {
  cuboidCorners,
  cuboidsOf,
  extentOf,
  fitView,
  rampColor,
  rampRange,
  toCanvas,
  zoomAt,
} from "./bev.js";

describe("the view from above", () => {
  it("reads cuboids from the API's label group, with their tracks", () => {
    const [car] = cuboidsOf([
      {
        id: "ann_1",
        label: "car",
        trackReferenceId: "car-7",
        geometry: { position: { x: 1, y: 2, z: 0.5 }, dimensions: { x: 4, y: 2, z: 1.5 }, yaw: 0.3 },
      },
    ]);
    expect(car).toEqual({
      key: "ann_1",
      label: "car",
      x: 1,
      y: 2,
      z: 0.5,
      length: 4,
      width: 2,
      height: 1.5,
      yaw: 0.3,
      track: "car-7",
    });
  });

  it("turns a cuboid's corners by its yaw: a quarter turn puts its length along y", () => {
    const c = { key: "c", label: "car", x: 5, y: 2, z: 0, length: 4, width: 2, height: 1, yaw: Math.PI / 2 };
    const corners = cuboidCorners(c).map(([x, y]) => [Number(x.toFixed(9)) + 0, Number(y.toFixed(9)) + 0]);
    // Front left, front right, back right, back left.
    expect(corners).toEqual([
      [4, 4],
      [6, 4],
      [6, 0],
      [4, 0],
    ]);
    const e = extentOf(null, [c]);
    expect([e?.minX, e?.maxX, e?.minY, e?.maxY].map((v) => Number(v?.toFixed(9)) + 0)).toEqual([4, 6, 0, 4]);
  });

  it("fits an extent with one scale for both axes, centred, y up", () => {
    const v = fitView({ minX: -20, maxX: 20, minY: -10, maxY: 10 }, 448, 448, 24);
    expect(v.scale).toBe(10);
    expect(toCanvas(v, -20, 10)).toEqual([24, 124]);
    expect(toCanvas(v, 20, -10)).toEqual([424, 324]);
    // Zooming about a point keeps that point where it is.
    const z = zoomAt(v, 2, 100, 50);
    const before = [(100 - v.dx) / v.scale, -(50 - v.dy) / v.scale] as const;
    expect(toCanvas(z, ...before)).toEqual([100, 50]);
  });

  it("colours along a ramp over the 2nd to 98th percentile of the values", () => {
    expect(rampColor(0)).toEqual([63, 94, 216]);
    expect(rampColor(1)).toEqual([255, 122, 69]);
    expect(rampColor(2)).toEqual(rampColor(1));
    const values = Array.from({ length: 101 }, (_, i) => i);
    values.push(10_000);
    expect(rampRange(values)).toEqual([2, 98]);
    expect(rampRange([])).toEqual([0, 1]);
    expect(rampRange([3, 3, 3])).toEqual([3, 4]);
  });
});

import { describe, expect, it } from "vitest";
import { labelColor, PALETTE } from "./colors.js";
import { containTransform } from "./draw.js";
import { shapeAt } from "./hit.js";
import { matchShapes } from "./match.js";
import { boundsOf, type Shape, shapesOf } from "./shapes.js";
import { isShown, styleOf } from "./style.js";

const box = (
  key: string,
  label: string,
  x: number,
  y: number,
  w: number,
  h: number,
  extra: Partial<Shape> = {},
) => ({ kind: "box", key, label, source: "gt", x, y, width: w, height: h, ...extra }) as Shape;

describe("shapesOf", () => {
  it("flattens every group of an item into shapes of one source", () => {
    const shapes = shapesOf(
      {
        box: [{ id: "a1", label: "car", geometry: { x: 1, y: 2, width: 3, height: 4 }, confidence: 0.9 }],
        polygon: [
          {
            label: "road",
            geometry: {
              vertices: [
                { x: 0, y: 0 },
                { x: 4, y: 0 },
                { x: 0, y: 4 },
              ],
            },
          },
        ],
        line: [
          {
            label: "lane",
            geometry: {
              vertices: [
                { x: 0, y: 0 },
                { x: 9, y: 9 },
              ],
            },
          },
        ],
        keypoints: [
          {
            label: "pose",
            geometry: {
              keypoints: [
                { x: 1, y: 1, visible: true },
                { x: null, y: null, visible: false },
              ],
              names: ["nose", "ear"],
              skeleton: [[0, 1]],
            },
          },
        ],
        category: [{ label: "day" }],
        multicategory: [{ labels: ["sunny", "dry"] }],
        segmentation: { maskUrl: "https://x/m.png", annotations: [{ label: "sky", index: 1 }] },
      },
      "run:r1",
    );
    expect(shapes.map((s) => [s.kind, s.label])).toEqual([
      ["box", "car"],
      ["polygon", "road"],
      ["line", "lane"],
      ["keypoints", "pose"],
      ["category", "day"],
      ["category", "sunny, dry"],
      ["mask", "mask"],
    ]);
    expect(shapes[0]).toMatchObject({ key: "a1", id: "a1", confidence: 0.9, source: "run:r1" });
    expect(shapes[1]?.key).toBe("run:r1/polygon/0");
    const pose = shapes[3] as Extract<Shape, { kind: "keypoints" }>;
    expect(pose.points.map((p) => p.visible)).toEqual([true, false]);
    expect(boundsOf(pose)).toEqual({ x: 1, y: 1, width: 0, height: 0 });
  });
});

describe("matchShapes", () => {
  const gt = [box("g1", "car", 0, 0, 10, 10), box("g2", "person", 50, 50, 10, 20)];
  it("marks TP, FP and FN as the server's matching does", () => {
    const preds = [
      box("p1", "car", 1, 0, 10, 10, { source: "run:r", confidence: 0.9 }),
      box("p2", "car", 80, 80, 5, 5, { source: "run:r", confidence: 0.8 }),
    ];
    const marks = matchShapes(gt, preds, { iouThreshold: 0.5 });
    expect(marks.get("p1")).toMatchObject({ kind: "TP", partner: "g1" });
    expect(marks.get("g1")).toMatchObject({ kind: "TP", partner: "p1" });
    expect(marks.get("p2")?.kind).toBe("FP");
    expect(marks.get("g2")?.kind).toBe("FN");
  });
  it("leaves predictions under the confidence floor out, and needs the IoU", () => {
    const preds = [box("p1", "car", 2, 0, 10, 10, { source: "run:r", confidence: 0.3 })];
    expect(matchShapes(gt, preds, { iouThreshold: 0.5, minConfidence: 0.5 }).has("p1")).toBe(false);
    expect(matchShapes(gt, preds, { iouThreshold: 0.5 }).get("p1")?.kind).toBe("TP");
    expect(matchShapes(gt, preds, { iouThreshold: 0.75 }).get("p1")?.kind).toBe("FP");
  });
});

describe("drawing helpers", () => {
  it("fits an image into a box like object-fit: contain", () => {
    expect(containTransform(200, 100, 100, 100)).toEqual({ scale: 0.5, dx: 0, dy: 25 });
  });
  it("picks the smallest shape under a point", () => {
    const shapes = [box("big", "car", 0, 0, 100, 100), box("small", "sign", 10, 10, 5, 5)];
    expect(shapeAt(shapes, { x: 12, y: 12 }, 2)?.key).toBe("small");
    expect(shapeAt(shapes, { x: 50, y: 50 }, 2)?.key).toBe("big");
    expect(shapeAt(shapes, { x: 300, y: 300 }, 2)).toBeUndefined();
  });
  it("gives a class the same colour every time", () => {
    expect(labelColor("car")).toBe(labelColor("car"));
    expect(PALETTE).toContain(labelColor("person"));
    expect(new Set(["car", "person", "sign"].map(labelColor)).size).toBe(3);
  });
  it("hides classes, low-confidence predictions and, on request, the ground truth", () => {
    const pred = box("p", "car", 0, 0, 1, 1, { source: "run:r", confidence: 0.2 });
    const g = box("g", "car", 0, 0, 1, 1);
    expect(isShown(pred, { hidden: new Set(), minConfidence: 0.5 })).toBe(false);
    expect(isShown(g, { hidden: new Set(), minConfidence: 0.5 })).toBe(true);
    expect(isShown(g, { hidden: new Set(["car"]), minConfidence: 0 })).toBe(false);
    expect(isShown(g, { hidden: new Set(), minConfidence: 0, groundTruth: false })).toBe(false);
  });
  it("draws predictions dashed, and FP red and FN amber in match mode", () => {
    const pred = box("p", "car", 0, 0, 1, 1, { source: "run:r" });
    expect(styleOf(pred, { colorBy: "label", hidden: new Set(), minConfidence: 0 }).dash).toEqual([6, 4]);
    const marks = new Map([
      ["p", { kind: "FP" as const, iou: 0 }],
      ["g", { kind: "FN" as const, iou: 0 }],
    ]);
    const options = { colorBy: "match" as const, hidden: new Set<string>(), minConfidence: 0, marks };
    expect(styleOf(pred, options).color).toBe("#ef4444");
    expect(styleOf(box("g", "car", 0, 0, 1, 1), options).color).toBe("#f59e0b");
  });
});

import type { QueriedObject } from "@nucleus/core";
import { describe, expect, it } from "vitest";
import { sortCrops, toCrop } from "./objects.js";

const row = (fields: Record<string, unknown>) => fields as unknown as QueriedObject;

describe("objects as crops", () => {
  it("reads a match row: its box, the label of its side, confidence and IoU", () => {
    const fp = toCrop(
      row({
        datasetItemId: "di_1",
        referenceId: "img_1",
        matchType: "FP",
        modelPredictionLabel: "sign",
        groundTruthAnnotationLabel: null,
        confidence: 0.7,
        iou: 0,
        box: { x: 4, y: 5, width: 10, height: 20 },
      }),
      0,
    );
    expect(fp).toMatchObject({ label: "sign", matchType: "FP", area: 200, confidence: 0.7, iou: 0 });
    const fn = toCrop(
      row({ matchType: "FN", groundTruthAnnotationLabel: "person", modelPredictionLabel: null }),
      1,
    );
    expect(fn).toMatchObject({ label: "person", box: undefined, area: undefined });
  });
  it("reads a stored annotation's geometry", () => {
    const gt = toCrop(row({ id: "ann_1", label: "car", geometry: { x: 0, y: 0, width: 3, height: 4 } }), 0);
    expect(gt).toMatchObject({ key: "ann_1", label: "car", area: 12, matchType: undefined });
  });
  it("keeps a polygon's shape, with the box around it", () => {
    const polygon = toCrop(
      row({
        id: "ann_2",
        type: "polygon",
        label: "road",
        geometry: {
          vertices: [
            { x: 2, y: 3 },
            { x: 12, y: 3 },
            { x: 7, y: 13 },
          ],
        },
      }),
      0,
    );
    expect(polygon.box).toEqual({ x: 2, y: 3, width: 10, height: 10 });
    expect(polygon.shape).toMatchObject({ kind: "polygon", label: "road", source: "gt" });
    expect(toCrop(row({ id: "ann_3", type: "box", label: "car" }), 0).shape).toBeUndefined();
  });
  it("sorts either way with missing values last", () => {
    const crops = [0.2, undefined, 0.9, 0.5].map((confidence, i) => ({
      ...toCrop(row({ id: `o${i}`, label: "x" }), i),
      confidence,
    }));
    expect(sortCrops(crops, "confidence", true).map((c) => c.confidence)).toEqual([0.9, 0.5, 0.2, undefined]);
    expect(sortCrops(crops, "confidence", false).map((c) => c.confidence)).toEqual([
      0.2,
      0.5,
      0.9,
      undefined,
    ]);
  });
});

import { Annotation, type Annotation as AnnotationType, Prediction } from "@nucleus/schemas";
import { describe, expect, it } from "vitest";
import { box, category, cuboid, keypoints, line, polygon, segmentation } from "./builders.js";

describe("builders", () => {
  it("make valid annotations from flat fields", () => {
    const made = [
      box({ referenceId: "img", label: "car", x: 1, y: 2, width: 3, height: 4, annotationId: "b" }),
      polygon({
        referenceId: "img",
        label: "road",
        vertices: [
          [0, 0],
          [4, 0],
          [4, 4],
        ],
      }),
      line({
        referenceId: "img",
        label: "lane",
        vertices: [
          [0, 0],
          [4, 4],
        ],
      }),
      keypoints({
        referenceId: "img",
        label: "person",
        points: { head: [1, 1], tail: null },
        skeleton: [[0, 1]],
      }),
      cuboid({ referenceId: "pc", label: "car", position: [0, 0, 0], dimensions: [4, 2, 1], yaw: 0.5 }),
      category({ referenceId: "img", label: "day", taxonomyName: "time" }),
      segmentation({ referenceId: "img", maskUrl: "s3://m.png", segments: { road: 1, sky: 2 } }),
    ];
    for (const annotation of made) expect(Annotation.check(Annotation.toWire(annotation)).ok).toBe(true);
    expect(Annotation.toWire(made[0] as AnnotationType)).toEqual({
      type: "box",
      label: "car",
      reference_id: "img",
      annotation_id: "b",
      geometry: { x: 1, y: 2, width: 3, height: 4 },
    });
    expect(Annotation.toWire(made[3] as AnnotationType)).toMatchObject({
      geometry: {
        names: ["head", "tail"],
        keypoints: [
          { x: 1, y: 1, visible: true },
          { x: null, y: null, visible: false },
        ],
      },
    });
  });

  it("make predictions when given a confidence", () => {
    const prediction = box({
      referenceId: "img",
      label: "car",
      x: 0,
      y: 0,
      width: 1,
      height: 1,
      confidence: 0.7,
      classPdf: { car: 0.7, bus: 0.3 },
    });
    expect(Prediction.encode(prediction)).toMatchObject({
      confidence: 0.7,
      class_pdf: { car: 0.7, bus: 0.3 },
    });
    expect(
      Prediction.check(
        Prediction.toWire(
          box({ referenceId: "i", label: "c", x: 0, y: 0, width: 1, height: 1, confidence: 3 }),
        ),
      ).ok,
    ).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { evaluateCoco } from "./evaluate.js";
import { CocoInputError } from "./prepare.js";
import type { CocoAnnotation, CocoGroundTruth } from "./types.js";

const image = (id: number) => ({ id, width: 100, height: 100 });
const gtBox = (
  id: number,
  imageId: number,
  bbox: number[],
  extra: Partial<CocoAnnotation> = {},
): CocoAnnotation => ({
  id,
  image_id: imageId,
  category_id: 1,
  bbox,
  area: (bbox[2] as number) * (bbox[3] as number),
  iscrowd: 0,
  ...extra,
});
const truth = (annotations: CocoAnnotation[], images = [image(1)]): CocoGroundTruth => ({
  images,
  categories: [{ id: 1, name: "thing" }],
  annotations,
});

describe("evaluateCoco edge cases", () => {
  it("empty ground truth and no detections: every stat is -1", () => {
    const result = evaluateCoco(truth([]), []);
    expect(result.stats).toEqual(new Array(12).fill(-1));
    expect(result.perCategory[1]?.ap).toBe(-1);
  });

  it("one perfect detection on one image: AP 1 at every threshold, recall 1", () => {
    const result = evaluateCoco(truth([gtBox(1, 1, [10, 10, 40, 40])]), [
      { image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 0.5 },
    ]);
    expect(result.stats[0]).toBeCloseTo(1, 12);
    expect(result.stats[8]).toBe(1);
    expect(result.stats[3]).toBe(-1); // no small objects
    expect(result.stats[4]).toBeCloseTo(1, 12); // 1600 px is medium
  });

  it("ground truth but no detections: AP and AR 0", () => {
    const result = evaluateCoco(truth([gtBox(1, 1, [10, 10, 40, 40])]), []);
    expect(result.stats[0]).toBe(0);
    expect(result.stats[8]).toBe(0);
  });

  it("detections but no ground truth: -1 (nothing to find)", () => {
    const result = evaluateCoco(truth([]), [{ image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], score: 1 }]);
    expect(result.stats[0]).toBe(-1);
  });

  it("counts a match to annotation id 0, and warns that pycocotools would not", () => {
    const result = evaluateCoco(truth([gtBox(0, 1, [10, 10, 40, 40])]), [
      { image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 0.5 },
    ]);
    expect(result.stats[8]).toBe(1);
    expect(result.warnings.join()).toMatch(/id 0/);
  });

  it("rejects a detection on an image the ground truth does not have", () => {
    expect(() =>
      evaluateCoco(truth([]), [{ image_id: 9, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }]),
    ).toThrow(new CocoInputError("detections[0]: image_id 9 is not one of the ground truth's images"));
  });

  it("rejects NaN scores with the detection's index", () => {
    expect(() =>
      evaluateCoco(truth([]), [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: Number.NaN }]),
    ).toThrow("detections[0]: score must be a finite number, got NaN");
  });

  it("rejects negative boxes, in ground truth and detections", () => {
    expect(() => evaluateCoco(truth([gtBox(1, 1, [0, 0, -5, 5])]), [])).toThrow(
      "annotations[0] (id 1): bbox width and height must be >= 0, got [0,0,-5,5]",
    );
    expect(() =>
      evaluateCoco(truth([]), [{ image_id: 1, category_id: 1, bbox: [0, 0, 5, -1], score: 1 }]),
    ).toThrow("detections[0]: bbox width and height must be >= 0");
  });

  it("requires area, and reads a missing iscrowd as 0 like pycocotools", () => {
    const { area: _area, ...noArea } = gtBox(1, 1, [0, 0, 5, 5]);
    expect(() => evaluateCoco(truth([noArea as CocoAnnotation]), [])).toThrow(
      "annotations[0] (id 1): area is required",
    );
    const { iscrowd: _crowd, ...noCrowd } = gtBox(1, 1, [10, 10, 40, 40]);
    const result = evaluateCoco(truth([noCrowd as CocoAnnotation]), [
      { image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 1 },
    ]);
    expect(result.stats[8]).toBe(1);
  });

  it("leaves out detections of categories the ground truth lacks, with a warning", () => {
    const gt = truth([gtBox(1, 1, [10, 10, 40, 40])]);
    const with7 = evaluateCoco(gt, [
      { image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 0.5 },
      { image_id: 1, category_id: 7, bbox: [50, 50, 10, 10], score: 0.9 },
    ]);
    const without = evaluateCoco(gt, [{ image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 0.5 }]);
    expect(with7.stats).toEqual(without.stats);
    expect(with7.warnings.join()).toMatch(/not in the ground truth/);
  });

  it("reports the ground-truth entry of an annotation on an unknown image", () => {
    expect(() => evaluateCoco(truth([gtBox(4, 3, [0, 0, 5, 5])]), [])).toThrow(
      "annotations[0] (id 4): image_id 3 is not one of the images",
    );
  });

  it("uses the last maxDets everywhere when strict is off", () => {
    const gt = truth([gtBox(1, 1, [10, 10, 40, 40])]);
    const dt = [{ image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 1 }];
    expect(() => evaluateCoco(gt, dt, { maxDets: [5] })).toThrow(/strict mode/);
    const loose = evaluateCoco(gt, dt, { maxDets: [5], strict: false });
    expect(loose.stats[0]).toBeCloseTo(1, 12);
    const strictOther = evaluateCoco(gt, dt, { maxDets: [1, 10, 50] });
    expect(strictOther.stats[0]).toBe(-1); // pycocotools reads AP at 100, which is not among them
    expect(strictOther.stats[1]).toBeCloseTo(1, 12);
  });

  it("ignores a detection absorbed by a crowd region", () => {
    const gt = truth([gtBox(1, 1, [10, 10, 40, 40]), gtBox(2, 1, [60, 60, 30, 30], { iscrowd: 1 })]);
    const dt = [
      { image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 0.9 },
      { image_id: 1, category_id: 1, bbox: [62, 62, 10, 10], score: 0.95 },
    ];
    expect(evaluateCoco(gt, dt).stats[0]).toBeCloseTo(1, 12);
  });
});

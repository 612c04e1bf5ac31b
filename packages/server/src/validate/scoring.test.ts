/**
 * The standard evaluation functions on small cases whose values are worked out by hand: the
 * one-to-one max-IoU matching (not greedy), label matching, confidence cuts, filters, VOC
 * average precision, cuboids and categories, and arguments refused with their name.
 */
import { describe, expect, it } from "vitest";
import { EvalFilterError } from "./filters.js";
import { STANDARD_FUNCTIONS, standardFunctionNamed } from "./functions.js";
import { maximumAssignment } from "./hungarian.js";
import { comparePixels, type DecodedMask, maskMetric, rasterOfMask, rasterOfShapes } from "./masks.js";
import { EvalArgumentError, type Label, scorerOf, settingsOf } from "./scoring.js";

const fn = (name: string) => {
  const found = standardFunctionNamed(name);
  if (!found) throw new Error(name);
  return found;
};
const b = (x: number, y: number, w: number, h: number, extra: Record<string, unknown> = {}): Label => ({
  type: "box",
  label: "car",
  geometry: { x, y, width: w, height: h },
  ...extra,
});
const score = (name: string, args: Record<string, unknown>, items: [Label[], Label[]][]) => {
  const scorer = scorerOf(fn(name), args);
  const perItem = items.map(([annotations, predictions]) => scorer.item(annotations, predictions));
  return { perItem, total: scorer.total() };
};

describe("maximumAssignment", () => {
  it("maximises the total, where taking the best pair first would not", () => {
    expect(
      maximumAssignment([
        [0.9, 0.8],
        [0.85, 0.1],
      ]),
    ).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
  it("assigns min(rows, columns) pairs of a rectangular matrix", () => {
    expect(maximumAssignment([[0.1], [0.7], [0.3]])).toEqual([[1, 0]]);
    expect(maximumAssignment([[0.2, 0.6, 0.4]])).toEqual([[0, 1]]);
    expect(maximumAssignment([])).toEqual([]);
  });
});

describe("standard functions", () => {
  it("have fixed ids, one per name", () => {
    expect(new Set(STANDARD_FUNCTIONS.map((f) => f.id)).size).toBe(STANDARD_FUNCTIONS.length);
    expect(fn("bbox_iou").id).toMatch(/^ef_[0-9a-v]{20}$/);
  });

  it("recall counts one-to-one matches: two predictions on one car are one hit", () => {
    const { perItem, total } = score("bbox_recall", {}, [
      [
        [b(0, 0, 10, 10), b(100, 0, 10, 10)],
        [b(0, 0, 10, 10), b(1, 0, 10, 10)],
      ],
    ]);
    expect(perItem).toEqual([{ value: 0.5, weight: 2 }]);
    expect(total).toBe(0.5);
  });

  it("precision weighs items by their predictions; items with none do not count", () => {
    const { total, perItem } = score("bbox_precision", {}, [
      [[b(0, 0, 10, 10)], [b(0, 0, 10, 10), b(50, 50, 10, 10), b(80, 80, 5, 5)]],
      [[b(0, 0, 10, 10)], [b(0, 0, 10, 10)]],
      [[b(0, 0, 10, 10)], []],
    ]);
    expect(perItem[2]).toEqual({ value: null, weight: 0 });
    // (1/3 * 3 + 1 * 1) / 4
    expect(total).toBeCloseTo(0.5, 12);
  });

  it("the confidence threshold drops predictions before matching", () => {
    const items: [Label[], Label[]][] = [[[b(0, 0, 10, 10)], [b(0, 0, 10, 10, { confidence: 0.3 })]]];
    expect(score("bbox_recall", { confidence_threshold: 0.5 }, items).total).toBe(0);
    expect(score("bbox_recall", { confidence_threshold: 0.2 }, items).total).toBe(1);
  });

  it("labels are ignored unless enforce_label_match is set", () => {
    const items: [Label[], Label[]][] = [[[b(0, 0, 10, 10)], [b(0, 0, 10, 10, { label: "truck" })]]];
    expect(score("bbox_recall", {}, items).total).toBe(1);
    expect(score("bbox_recall", { enforce_label_match: true }, items).total).toBe(0);
  });

  it("iou sums matched IoU over the larger count, matching at the threshold", () => {
    // IoU of [0,0,10,10] and [5,0,10,10] is 50/150.
    const items: [Label[], Label[]][] = [[[b(0, 0, 10, 10), b(40, 0, 10, 10)], [b(5, 0, 10, 10)]]];
    expect(score("bbox_iou", {}, items).total).toBeCloseTo(1 / 6, 12);
    expect(score("bbox_iou", { iou_threshold: 0.5 }, items).total).toBe(0);
  });

  it("poly functions compare boxes with polygons", () => {
    const square = {
      type: "polygon",
      label: "car",
      geometry: {
        vertices: [
          { x: 0, y: 0 },
          { x: 10, y: 0 },
          { x: 10, y: 10 },
          { x: 0, y: 10 },
        ],
      },
    };
    expect(score("poly_iou", {}, [[[square], [b(0, 0, 10, 10)]]]).total).toBeCloseTo(1, 12);
    // bbox_ functions read boxes only.
    expect(score("bbox_iou", {}, [[[square], [b(0, 0, 10, 10)]]]).total).toBe(0);
  });

  it("map is the mean over labels of VOC all-point AP, predictions by confidence", () => {
    // car: a miss at 0.9 then a hit at 0.8 -> precision 1/2 at recall 1 -> AP 0.5; bus: none found -> 0.
    const items: [Label[], Label[]][] = [
      [
        [b(0, 0, 10, 10), b(200, 0, 10, 10, { label: "bus" })],
        [b(100, 100, 10, 10, { confidence: 0.9 }), b(0, 0, 10, 10, { confidence: 0.8 })],
      ],
    ];
    expect(score("bbox_map", {}, items).total).toBeCloseTo(0.25, 12);
  });

  it("filters keep the labels they select, by field or metadata, as AND chains or OR of ANDs", () => {
    const annotations = [
      b(0, 0, 10, 10, { metadata: { occluded: true } }),
      b(50, 0, 10, 10, { label: "person" }),
    ];
    const predictions = [b(0, 0, 10, 10)];
    const only = (filters: unknown) =>
      score("bbox_recall", { annotation_filters: filters }, [[annotations, predictions]]).total;
    expect(only(null)).toBe(0.5);
    expect(only([["label", "==", "car"]])).toBe(1);
    expect(only([["occluded", "==", true, false, "metadata"]])).toBe(1);
    expect(only([[["label", "==", "person"]], [["label", "in", ["car"]]]])).toBe(0.5);
    expect(only([{ key: "label", op: "!=", value: "car" }])).toBe(0);
  });

  it("cuboid IoU in 3D and in bird's eye view", () => {
    const cube = (x: number, z = 0): Label => ({
      type: "cuboid",
      label: "truck",
      geometry: { position: { x, y: 0, z }, dimensions: { x: 2, y: 2, z: 2 }, yaw: 0 },
    });
    // Shifted by half its length: BEV IoU 1/3; shifted up by half its height as well: 3D IoU 1/7.
    expect(score("cuboid_iou_2d", {}, [[[cube(0)], [cube(1)]]]).total).toBeCloseTo(1 / 3, 12);
    expect(score("cuboid_iou_3d", {}, [[[cube(0)], [cube(1, 1)]]]).total).toBeCloseTo(1 / 7, 12);
    expect(score("cuboid_recall", { iou_threshold: 0.5 }, [[[cube(0)], [cube(1)]]]).total).toBe(0);
    expect(score("cuboid_precision", {}, [[[cube(0)], [cube(0), cube(30)]]]).total).toBe(0.5);
  });

  it("cat_f1 pools every item's pair per taxonomy into one F1", () => {
    const c = (label: string, taxonomy = "weather"): Label => ({
      type: "category",
      label,
      taxonomy_name: taxonomy,
    });
    const items: [Label[], Label[]][] = [
      [[c("sun")], [c("sun")]],
      [[c("sun")], [c("rain")]],
      [[c("rain")], [c("rain")]],
    ];
    // sun: P 1, R 1/2, F1 2/3; rain: P 1/2, R 1, F1 2/3.
    expect(score("cat_f1", {}, items).total).toBeCloseTo(2 / 3, 12);
    expect(score("cat_f1", { f1_method: "micro" }, items).total).toBeCloseTo(2 / 3, 12);
    expect(score("cat_f1", {}, [[[c("sun")], []]]).total).toBe(0);
  });

  it("refuses arguments it cannot use, naming them", () => {
    expect(() => settingsOf(fn("bbox_iou"), { iou_threshold: 1.5 })).toThrow(EvalArgumentError);
    expect(() => settingsOf(fn("bbox_iou"), { iou_threshold: 1.5 })).toThrow(/iou_threshold/);
    expect(() => settingsOf(fn("bbox_iou"), { enforce_label_match: "yes" })).toThrow(/enforce_label_match/);
    expect(() => settingsOf(fn("cat_f1"), { f1_method: "samples" })).toThrow(/f1_method/);
    expect(() => settingsOf(fn("bbox_iou"), { annotation_filters: [["label", "~", 1]] })).toThrow(
      EvalFilterError,
    );
    expect(() => settingsOf(fn("bbox_iou"), { annotation_filters: [["label", "in", "car"]] })).toThrow(
      /annotation_filters\[0\]: op "in" needs a list value/,
    );
    // Keys it does not know are kept and ignored, as the official client passes **kwargs.
    expect(settingsOf(fn("bbox_iou"), { something_new: 1 }).iouThreshold).toBe(0);
  });

  it("mask functions read the masks they are given, and say when one is missing", () => {
    const seg = (url: string, label = "road"): Label => ({
      type: "segmentation",
      mask_url: url,
      annotations: [{ label, index: 1 }],
    });
    // 2x2: ground truth all road; prediction road on the top row only.
    const masks = new Map<string, DecodedMask>([
      ["gt", { width: 2, height: 2, data: new Uint8Array([1, 1, 1, 1]) }],
      ["pred", { width: 2, height: 2, data: new Uint8Array([1, 1, 0, 0]) }],
    ]);
    const scorer = scorerOf(fn("seg_iou"), {}, (url) => masks.get(url));
    expect(scorer.item([seg("gt")], [seg("pred")])).toEqual({ value: 0.5, weight: 4 });
    expect(scorer.item([], [])).toEqual({ value: null, weight: 0 });
    expect(() => scorer.item([seg("elsewhere")], [])).toThrow(/mask elsewhere was not read/);
    const failing = scorerOf(fn("seg_recall"), {}, () => new Error("mask x: HTTP 404"));
    expect(() => failing.item([seg("x")], [])).toThrow(/HTTP 404/);
  });
});

describe("mask metrics", () => {
  it("compare labels pixel by pixel: IoU, precision, recall, frequency-weighted IoU, mAP", () => {
    // 4x1: ground truth road road car car; prediction road road road car.
    const truth = rasterOfMask({ width: 4, height: 1, data: new Uint8Array([1, 1, 2, 2]) }, [
      { label: "road", index: 1 },
      { label: "car", index: 2 },
    ]);
    const predicted = rasterOfMask({ width: 4, height: 1, data: new Uint8Array([5, 5, 5, 7]) }, [
      { label: "car", index: 7 },
      { label: "road", index: 5 },
    ]);
    const { counts, pixels } = comparePixels(truth, predicted);
    expect(pixels).toBe(4);
    expect(counts).toEqual([
      { label: "road", truth: 2, predicted: 3, both: 2 },
      { label: "car", truth: 2, predicted: 1, both: 1 },
    ]);
    expect(maskMetric("iou", counts)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(maskMetric("precision", counts)).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(maskMetric("recall", counts)).toBeCloseTo((1 + 1 / 2) / 2, 12);
    expect(maskMetric("fwavacc", counts)).toBeCloseTo(0.5 * (2 / 3) + 0.5 * 0.5, 12);
    // road reaches IoU 0.5..0.65 (4 of 10 thresholds), car 0.5 only (1 of 10).
    expect(maskMetric("map", counts)).toBeCloseTo((0.4 + 0.1) / 2, 12);
    expect(maskMetric("ap", counts, { iouThreshold: 0.6, label: "road" })).toBe(1);
    expect(maskMetric("ap", counts, { iouThreshold: 0.6, label: "car" })).toBe(0);
    expect(() => comparePixels(truth, rasterOfShapes([], 2, 2))).toThrow(/different sizes/);
  });

  it("rasterise boxes and polygons as COCO does, later shapes over earlier ones", () => {
    const raster = rasterOfShapes(
      [
        { type: "box", label: "car", geometry: { x: 0, y: 0, width: 2, height: 2 } },
        {
          type: "polygon",
          label: "bike",
          geometry: {
            vertices: [
              { x: 1, y: 1 },
              { x: 4, y: 1 },
              { x: 4, y: 4 },
              { x: 1, y: 4 },
            ],
          },
        },
      ],
      4,
      4,
    );
    expect(raster.labels).toEqual(["car", "bike"]);
    const rows = Array.from({ length: 4 }, (_, y) =>
      Array.from(raster.pixels.slice(y * 4, y * 4 + 4)).join(" "),
    );
    expect(rows).toEqual(["0 0 -1 -1", "0 1 1 1", "-1 1 1 1", "-1 1 1 1"]);
  });
});

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { boxIou, boxIouMatrix } from "./box.js";
import { cuboidBevIou, cuboidIou } from "./cuboid.js";
import { polygonIou } from "./polygon.js";
import {
  rleArea,
  rleDecode,
  rleEncode,
  rleFromPolygon,
  rleFromString,
  rleIouMatrix,
  rleMerge,
  rleToBbox,
  rleToString,
} from "./rle.js";

interface IouCase {
  image_id: number;
  category_id: number;
  dt_indices: number[];
  gt_ids: number[];
  gt_iscrowd: number[];
  iou: number[][];
}

function fixture(name: string) {
  return JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../../fixtures/coco-eval/${name}.json`, import.meta.url)),
      "utf8",
    ),
  );
}

describe("IoU kernels against pycocotools' own matrices", () => {
  it.each(["p02_iou_threshold_boundaries", "p05_crowd_regions", "p09_coco80_small"])(
    "box IoU of %s",
    (name) => {
      const f = fixture(name);
      for (const c of f.expected.bbox.ious as IouCase[]) {
        const gts = c.gt_ids.map((id) => f.gt.annotations.find((a: { id: number }) => a.id === id));
        const iou = boxIouMatrix(
          c.dt_indices.flatMap((i) => f.dt[i].bbox),
          gts.flatMap((g) => g.bbox),
          c.gt_iscrowd,
        );
        expect(Array.from(iou)).toEqual(c.iou.flat());
      }
    },
  );

  it("mask IoU of p10 (polygons rasterised as COCO does)", () => {
    const f = fixture("p10_segm_polygons");
    const size = (imageId: number) => {
      const image = f.gt.images.find((i: { id: number }) => i.id === imageId);
      return [image.height, image.width] as const;
    };
    const mask = (segmentation: number[][], imageId: number) => {
      const [h, w] = size(imageId);
      return rleMerge(segmentation.map((poly) => rleFromPolygon(poly, h, w)));
    };
    for (const c of f.expected.segm.ious as IouCase[]) {
      const gts = c.gt_ids.map((id) => f.gt.annotations.find((a: { id: number }) => a.id === id));
      const iou = rleIouMatrix(
        c.dt_indices.map((i) => mask(f.dt[i].segmentation, c.image_id)),
        gts.map((g) => mask(g.segmentation, c.image_id)),
        c.gt_iscrowd,
      );
      const expected = c.iou.flat();
      for (const [i, value] of Array.from(iou).entries()) {
        expect(Math.abs(value - (expected[i] as number))).toBeLessThanOrEqual(1e-15);
      }
    }
  });
});

describe("RLE", () => {
  it("encodes, decodes and measures column-major masks", () => {
    const mask = new Uint8Array([0, 1, 1, 0, 1, 1]);
    const rle = rleEncode(mask, 3, 2);
    expect(Array.from(rle.counts)).toEqual([1, 2, 1, 2]);
    expect(Array.from(rleDecode(rle))).toEqual(Array.from(mask));
    expect(rleArea(rle)).toBe(4);
    expect(rleToBbox(rle)).toEqual([0, 1, 2, 2]);
  });

  it("round-trips COCO's compressed string form", () => {
    const rle = rleEncode(
      Uint8Array.from({ length: 400 }, (_, i) => (i % 37 < 11 ? 1 : 0)),
      20,
      20,
    );
    const text = rleToString(rle);
    expect(Array.from(rleFromString(text, 20, 20).counts)).toEqual(Array.from(rle.counts));
  });

  it("rasterises a square polygon to its pixels and merges and intersects masks", () => {
    const square = rleFromPolygon([2, 2, 6, 2, 6, 6, 2, 6], 10, 10);
    expect(rleArea(square)).toBe(16);
    const other = rleFromPolygon([4, 2, 8, 2, 8, 6, 4, 6], 10, 10);
    expect(rleArea(rleMerge([square, other]))).toBe(24);
    expect(rleArea(rleMerge([square, other], true))).toBe(8);
    expect(rleIouMatrix([square], [other])[0]).toBeCloseTo(8 / 24, 15);
  });
});

describe("box, polygon and cuboid IoU", () => {
  it("box IoU uses the detection area for crowd regions", () => {
    expect(boxIou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(1 / 3, 15);
    expect(boxIou([0, 0, 10, 10], [0, 0, 20, 20], true)).toBe(1);
    expect(boxIou([0, 0, 10, 10], [10, 0, 10, 10])).toBe(0);
  });

  it("polygon IoU is exact for convex and concave shapes", () => {
    expect(
      polygonIou(
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
        ],
        [
          [1, 0],
          [3, 0],
          [3, 2],
          [1, 2],
        ],
      ),
    ).toBeCloseTo(1 / 3, 12);
    const lShape: [number, number][] = [
      [0, 0],
      [4, 0],
      [4, 1],
      [1, 1],
      [1, 4],
      [0, 4],
    ];
    expect(
      polygonIou(lShape, [
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
      ]),
    ).toBeCloseTo(7 / 16, 12);
    expect(
      polygonIou(lShape, [
        [2, 2],
        [3, 2],
        [3, 3],
      ]),
    ).toBe(0);
  });

  it("cuboid IoU in bird's-eye view and in volume", () => {
    const a = { position: { x: 0, y: 0, z: 0 }, dimensions: { x: 2, y: 2, z: 2 }, yaw: 0 };
    expect(cuboidBevIou(a, { ...a, position: { x: 1, y: 0, z: 0 } })).toBeCloseTo(1 / 3, 12);
    expect(cuboidIou(a, { ...a, position: { x: 0, y: 0, z: 1 } })).toBeCloseTo(1 / 3, 12);
    expect(cuboidBevIou(a, { ...a, yaw: Math.PI / 2 })).toBeCloseTo(1, 12);
    const rotated = cuboidBevIou(a, { ...a, yaw: Math.PI / 4 });
    const octagon = 8 * (Math.SQRT2 - 1); // intersection of a 2x2 square and itself turned 45 degrees
    expect(rotated).toBeCloseTo(octagon / (8 - octagon), 12);
  });
});

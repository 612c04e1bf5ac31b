import { type Rle, rleArea, rleFromPolygon, rleFromString, rleMerge, rleToBbox } from "../geometry/rle.js";
import { CocoInputError } from "./errors.js";
import type { CocoResults } from "./results/results.js";
import type { CocoAnnotation, CocoDetection, CocoGroundTruth, CocoSegmentation } from "./types.js";

export { CocoInputError };

/** Ground truth and detections as flat arrays, validated, ready for matching. */
export interface PreparedObjects {
  /** `[x, y, w, h]` per object. */
  boxes: Float64Array;
  /** The COCO `area` (ground truth) or box area (detections). */
  areas: Float64Array;
  crowd: Uint8Array;
  scores: Float64Array;
  imageIds: Int32Array | Float64Array;
  categoryIds: Float64Array;
  /** Masks, in segm mode only. */
  masks: Rle[] | undefined;
  count: number;
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

function checkBox(box: unknown, where: string): number[] {
  if (!Array.isArray(box) || box.length !== 4 || !box.every(isFiniteNumber)) {
    throw new CocoInputError(
      `${where}: bbox must be [x, y, width, height] of finite numbers, got ${JSON.stringify(box)}`,
    );
  }
  if ((box[2] as number) < 0 || (box[3] as number) < 0) {
    throw new CocoInputError(`${where}: bbox width and height must be >= 0, got ${JSON.stringify(box)}`);
  }
  return box;
}

function toMask(segmentation: CocoSegmentation, height: number, width: number, where: string): Rle {
  if (Array.isArray(segmentation)) {
    if (segmentation.some((poly) => !Array.isArray(poly) || poly.length < 6 || !poly.every(isFiniteNumber))) {
      throw new CocoInputError(`${where}: segmentation polygons need at least 3 points of finite numbers`);
    }
    return rleMerge(segmentation.map((poly) => rleFromPolygon(poly, height, width)));
  }
  if (segmentation && Array.isArray(segmentation.size)) {
    const [h, w] = segmentation.size;
    if (typeof segmentation.counts === "string") return rleFromString(segmentation.counts, h, w);
    if (Array.isArray(segmentation.counts))
      return { size: [h, w], counts: Uint32Array.from(segmentation.counts) };
  }
  throw new CocoInputError(`${where}: segmentation must be polygons or an RLE {size, counts}`);
}

/** Image sizes by id, for rasterising polygons. */
function imageSizes(gt: CocoGroundTruth): Map<number, [number, number]> {
  const sizes = new Map<number, [number, number]>();
  for (const image of gt.images) sizes.set(image.id, [Number(image.height ?? 0), Number(image.width ?? 0)]);
  return sizes;
}

function sizeOf(sizes: Map<number, [number, number]>, imageId: number, where: string): [number, number] {
  const size = sizes.get(imageId);
  if (!size || !(size[0] > 0) || !(size[1] > 0)) {
    throw new CocoInputError(
      `${where}: image ${imageId} needs a width and height to rasterise its polygons (segm)`,
    );
  }
  return size;
}

function emptyObjects(n: number, iouType: "bbox" | "segm"): PreparedObjects {
  return {
    boxes: new Float64Array(n * 4),
    areas: new Float64Array(n),
    crowd: new Uint8Array(n),
    scores: new Float64Array(n),
    imageIds: new Float64Array(n),
    categoryIds: new Float64Array(n),
    masks: iouType === "segm" ? [] : undefined,
    count: n,
  };
}

/** Validates the ground truth's annotations. */
export function prepareGroundTruth(
  gt: CocoGroundTruth,
  iouType: "bbox" | "segm",
  warnings: string[],
): PreparedObjects {
  if (!gt || !Array.isArray(gt.images) || !Array.isArray(gt.categories) || !Array.isArray(gt.annotations)) {
    throw new CocoInputError("ground truth: needs images, categories and annotations arrays");
  }
  const imageIds = new Set(gt.images.map((image) => image.id));
  const out = emptyObjects(gt.annotations.length, iouType);
  const sizes = iouType === "segm" ? imageSizes(gt) : undefined;
  let zeroId = false;
  gt.annotations.forEach((a: CocoAnnotation, i) => {
    const where = `annotations[${i}] (id ${a?.id})`;
    if (!isFiniteNumber(a?.id)) throw new CocoInputError(`annotations[${i}]: id must be a number`);
    if (!imageIds.has(a.image_id))
      throw new CocoInputError(`${where}: image_id ${a.image_id} is not one of the images`);
    if (!isFiniteNumber(a.category_id)) throw new CocoInputError(`${where}: category_id must be a number`);
    if (!isFiniteNumber(a.area)) {
      throw new CocoInputError(
        `${where}: area is required (COCO sorts objects into size ranges by this field)`,
      );
    }
    if (iouType === "bbox" || a.bbox !== undefined) out.boxes.set(checkBox(a.bbox, where), i * 4);
    out.areas[i] = a.area;
    out.crowd[i] = a.iscrowd ? 1 : 0;
    out.imageIds[i] = a.image_id;
    out.categoryIds[i] = a.category_id;
    if (a.id === 0) zeroId = true;
    if (sizes && out.masks) {
      if (a.segmentation === undefined)
        throw new CocoInputError(`${where}: segmentation is required for segm evaluation`);
      const [h, w] = sizeOf(sizes, a.image_id, where);
      out.masks.push(toMask(a.segmentation, h, w, where));
    }
  });
  if (zeroId) {
    warnings.push(
      "a ground-truth annotation has id 0: pycocotools never counts a match to it (it stores matches as ids in zero-filled arrays); this evaluator matches by position and counts it",
    );
  }
  return out;
}

/** Validates detections as pycocotools' `loadRes` would read them. */
export function prepareDetections(
  gt: CocoGroundTruth,
  dt: readonly CocoDetection[],
  iouType: "bbox" | "segm",
  warnings: string[],
): PreparedObjects {
  if (!Array.isArray(dt)) throw new CocoInputError("detections: must be an array of results");
  const imageIds = new Set(gt.images.map((image) => image.id));
  const categoryIds = new Set(gt.categories.map((category) => category.id));
  const out = emptyObjects(dt.length, iouType);
  const sizes = iouType === "segm" ? imageSizes(gt) : undefined;
  let unknownCategories = 0;
  dt.forEach((d, i) => {
    const where = `detections[${i}]`;
    if (!imageIds.has(d?.image_id)) {
      throw new CocoInputError(`${where}: image_id ${d?.image_id} is not one of the ground truth's images`);
    }
    if (!isFiniteNumber(d.score))
      throw new CocoInputError(`${where}: score must be a finite number, got ${String(d.score)}`);
    if (!isFiniteNumber(d.category_id)) throw new CocoInputError(`${where}: category_id must be a number`);
    if (!categoryIds.has(d.category_id)) unknownCategories += 1;
    out.scores[i] = d.score;
    out.imageIds[i] = d.image_id;
    out.categoryIds[i] = d.category_id;
    const hasBox = Array.isArray(d.bbox) && d.bbox.length > 0;
    if (hasBox) {
      const box = checkBox(d.bbox, where);
      out.boxes.set(box, i * 4);
      out.areas[i] = (box[2] as number) * (box[3] as number);
    } else if (iouType === "bbox") {
      throw new CocoInputError(`${where}: bbox is required for bbox evaluation`);
    }
    if (sizes && out.masks) {
      const [h, w] = sizeOf(sizes, d.image_id, where);
      let segmentation = d.segmentation;
      if (segmentation === undefined && hasBox) {
        // loadRes turns a box into a rectangle polygon when a result has no segmentation.
        const [x, y, bw, bh] = d.bbox as [number, number, number, number];
        segmentation = [[x, y, x, y + bh, x + bw, y + bh, x + bw, y]];
      }
      if (segmentation === undefined)
        throw new CocoInputError(`${where}: segmentation or bbox is required for segm evaluation`);
      const mask = toMask(segmentation, h, w, where);
      out.masks.push(mask);
      if (!hasBox) {
        out.areas[i] = rleArea(mask);
        out.boxes.set(rleToBbox(mask), i * 4);
      }
    }
  });
  if (unknownCategories > 0) {
    warnings.push(
      `${unknownCategories} detection(s) name a category that is not in the ground truth; they are left out, as pycocotools does`,
    );
  }
  return out;
}

/**
 * Validates detections given as columns ({@link CocoResults}), in the same order and with the
 * same messages as {@link prepareDetections}. The columns are used as they are (not copied),
 * except the boxes in segm mode, which masks may fill in.
 */
export function prepareResults(
  gt: CocoGroundTruth,
  results: CocoResults,
  iouType: "bbox" | "segm",
  warnings: string[],
): PreparedObjects {
  const n = results.length;
  const { imageIds, categoryIds, scores, hasBox } = results;
  if (imageIds.length < n || categoryIds.length < n || scores.length < n || hasBox.length < n)
    throw new CocoInputError("detections: every column must hold `length` values");
  if (results.boxes.length < n * 4)
    throw new CocoInputError("detections: boxes must hold 4 numbers per result");
  const knownImages = new Set(gt.images.map((image) => image.id));
  const knownCategories = new Set(gt.categories.map((category) => category.id));
  const sizes = iouType === "segm" ? imageSizes(gt) : undefined;
  const boxes = sizes ? results.boxes.slice(0, n * 4) : results.boxes;
  const areas = new Float64Array(n);
  const masks: Rle[] | undefined = sizes ? [] : undefined;
  let unknownCategories = 0;
  let lastImage = Number.NaN;
  let lastCategory = Number.NaN;
  let lastKnown = false;
  for (let i = 0; i < n; i += 1) {
    const imageId = imageIds[i] as number;
    // Results come grouped by image: skip the lookup while the id repeats.
    if (imageId !== lastImage) {
      if (!knownImages.has(imageId)) {
        throw new CocoInputError(
          `detections[${i}]: image_id ${imageId} is not one of the ground truth's images`,
        );
      }
      lastImage = imageId;
    }
    const score = scores[i] as number;
    if (!Number.isFinite(score))
      throw new CocoInputError(`detections[${i}]: score must be a finite number, got ${String(score)}`);
    const categoryId = categoryIds[i] as number;
    if (categoryId !== lastCategory) {
      if (!Number.isFinite(categoryId))
        throw new CocoInputError(`detections[${i}]: category_id must be a number`);
      lastCategory = categoryId;
      lastKnown = knownCategories.has(categoryId);
    }
    if (!lastKnown) unknownCategories += 1;
    if (hasBox[i]) {
      const x = boxes[i * 4] as number;
      const y = boxes[i * 4 + 1] as number;
      const w = boxes[i * 4 + 2] as number;
      const h = boxes[i * 4 + 3] as number;
      if (!Number.isFinite(x + y + w + h) || w < 0 || h < 0) {
        checkBox([x, y, w, h], `detections[${i}]`);
      }
      areas[i] = w * h;
    } else if (iouType === "bbox") {
      throw new CocoInputError(`detections[${i}]: bbox is required for bbox evaluation`);
    }
    if (sizes && masks) {
      const where = `detections[${i}]`;
      const [height, width] = sizeOf(sizes, imageId, where);
      let segmentation = results.segmentations?.[i];
      if (segmentation === undefined && hasBox[i]) {
        // loadRes turns a box into a rectangle polygon when a result has no segmentation.
        const x = boxes[i * 4] as number;
        const y = boxes[i * 4 + 1] as number;
        const bw = boxes[i * 4 + 2] as number;
        const bh = boxes[i * 4 + 3] as number;
        segmentation = [[x, y, x, y + bh, x + bw, y + bh, x + bw, y]];
      }
      if (segmentation === undefined)
        throw new CocoInputError(`${where}: segmentation or bbox is required for segm evaluation`);
      const mask = toMask(segmentation, height, width, where);
      masks.push(mask);
      if (!hasBox[i]) {
        areas[i] = rleArea(mask);
        boxes.set(rleToBbox(mask), i * 4);
      }
    }
  }
  if (unknownCategories > 0) {
    warnings.push(
      `${unknownCategories} detection(s) name a category that is not in the ground truth; they are left out, as pycocotools does`,
    );
  }
  return {
    boxes,
    areas,
    crowd: new Uint8Array(n),
    scores,
    imageIds,
    categoryIds,
    masks,
    count: n,
  };
}

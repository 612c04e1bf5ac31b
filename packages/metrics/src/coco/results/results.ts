import { CocoInputError } from "../errors.js";
import type { CocoDetection, CocoSegmentation } from "../types.js";

/**
 * A COCO results list as typed columns: what {@link parseCocoResults} reads from a results file,
 * and what {@link evaluateCoco} evaluates fastest. Result `i` is
 * `{ image_id: imageIds[i], category_id: categoryIds[i], score: scores[i], bbox: boxes[4i..4i+3] }`.
 * Values are checked when evaluated, with the same messages as for a results array.
 */
export interface CocoResults {
  /** The number of results. */
  length: number;
  imageIds: Float64Array;
  categoryIds: Float64Array;
  scores: Float64Array;
  /** `[x, y, width, height]` per result, 4 numbers each (zeros where `hasBox` is 0). */
  boxes: Float64Array;
  /** 1 where the result has a bbox. */
  hasBox: Uint8Array;
  /** Each result's `segmentation`, when any result has one. */
  segmentations?: (CocoSegmentation | undefined)[] | undefined;
}

/** Columns with room for `capacity` results (`length` 0), to be filled by {@link packResult}. */
export function allocateResults(capacity: number): CocoResults {
  return {
    length: 0,
    imageIds: new Float64Array(capacity),
    categoryIds: new Float64Array(capacity),
    scores: new Float64Array(capacity),
    boxes: new Float64Array(capacity * 4),
    hasBox: new Uint8Array(capacity),
  };
}

/** The same columns with room for at least `capacity` results. */
export function growResults(results: CocoResults, capacity: number): CocoResults {
  const bigger = allocateResults(capacity);
  bigger.length = results.length;
  bigger.imageIds.set(results.imageIds.subarray(0, results.length));
  bigger.categoryIds.set(results.categoryIds.subarray(0, results.length));
  bigger.scores.set(results.scores.subarray(0, results.length));
  bigger.boxes.set(results.boxes.subarray(0, results.length * 4));
  bigger.hasBox.set(results.hasBox.subarray(0, results.length));
  bigger.segmentations = results.segmentations;
  return bigger;
}

/** Views of the first `length` results (no copy). */
export function trimResults(results: CocoResults): CocoResults {
  const n = results.length;
  return {
    length: n,
    imageIds: results.imageIds.subarray(0, n),
    categoryIds: results.categoryIds.subarray(0, n),
    scores: results.scores.subarray(0, n),
    boxes: results.boxes.subarray(0, n * 4),
    hasBox: results.hasBox.subarray(0, n),
    segmentations: results.segmentations && [...results.segmentations.slice(0, n)],
  };
}

/** Whether `value` is a {@link CocoResults} (and not a results array). */
export function isCocoResults(value: unknown): value is CocoResults {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as CocoResults).scores instanceof Float64Array
  );
}

/**
 * Appends one result to the columns (which must have room), refusing fields of the wrong type
 * with the messages {@link evaluateCoco} gives for them.
 */
export function packResult(results: CocoResults, d: CocoDetection): void {
  const i = results.length;
  const where = `detections[${i}]`;
  if (typeof d?.image_id !== "number")
    throw new CocoInputError(`${where}: image_id ${String(d?.image_id)} is not a number`);
  if (typeof d.score !== "number")
    throw new CocoInputError(`${where}: score must be a finite number, got ${String(d.score)}`);
  if (typeof d.category_id !== "number") throw new CocoInputError(`${where}: category_id must be a number`);
  results.imageIds[i] = d.image_id;
  results.scores[i] = d.score;
  results.categoryIds[i] = d.category_id;
  if (Array.isArray(d.bbox) && d.bbox.length > 0) {
    if (d.bbox.length !== 4 || !d.bbox.every((v) => typeof v === "number")) {
      throw new CocoInputError(
        `${where}: bbox must be [x, y, width, height] of finite numbers, got ${JSON.stringify(d.bbox)}`,
      );
    }
    results.boxes.set(d.bbox, i * 4);
    results.hasBox[i] = 1;
  } else {
    results.boxes.fill(0, i * 4, i * 4 + 4);
    results.hasBox[i] = 0;
  }
  if (d.segmentation !== undefined) {
    results.segmentations ??= [];
    results.segmentations[i] = d.segmentation;
  }
  results.length = i + 1;
}

/**
 * Packs a COCO results array into typed columns. Fields of the wrong type are refused here,
 * with the messages {@link evaluateCoco} gives for them; values (finite numbers, box sizes,
 * known images) are checked when evaluated.
 *
 * @example
 * ```ts
 * import { toCocoResults } from "@nucleus/metrics";
 *
 * const results = toCocoResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 }]);
 * results.scores[0]; // 0.9
 * ```
 */
export function toCocoResults(detections: readonly CocoDetection[]): CocoResults {
  if (!Array.isArray(detections)) throw new CocoInputError("detections: must be an array of results");
  const out = allocateResults(detections.length);
  for (const d of detections) packResult(out, d);
  return trimResults(out);
}

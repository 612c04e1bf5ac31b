/**
 * Objects for the objects view: a dataset's annotations, a run's predictions, or the match rows of
 * a run's evaluation (a patch mode), read through `queryObjects` and sorted in the browser.
 */
import type { NucleusClient, PatchMode, QueriedObject } from "@nucleus/core";
import { boundsOf, type LabelGroupsLike, type Shape, shapesOf } from "../labels/shapes.js";

/** What the objects view lists. */
export type ObjectMode = "ground_truth" | PatchMode;

/** An object as a crop shows it. */
export interface CropObject {
  key: string;
  itemId: string;
  referenceId: string;
  label: string;
  /** The box in image pixels, when the object has one (for other shapes, the box around them). */
  box: { x: number; y: number; width: number; height: number } | undefined;
  /** A stored label that is not a box (polygon, line, keypoints, mask): drawn over the crop. */
  shape: Shape | undefined;
  confidence: number | undefined;
  iou: number | undefined;
  matchType: "TP" | "FP" | "FN" | undefined;
  area: number | undefined;
  /**
   * The annotation's or prediction's server id, what a similarity search starts from: a match
   * row's prediction, or its annotation when it has no prediction (a false negative).
   */
  objectId: string | undefined;
  /**
   * Whether the object carries an `embedding_vector`: known for a stored label, undefined for a
   * match row (which does not say).
   */
  vector: boolean | undefined;
  /** Its distance to the example of a similarity search. */
  distance?: number;
}

/** What the crops can be sorted by. */
export type ObjectSort = "confidence" | "iou" | "area";

/** Objects read at most, so a sort stays quick; the view says when there are more. */
export const MAX_OBJECTS = 20_000;

function boxOf(value: unknown): CropObject["box"] {
  const b = value as { x?: unknown; y?: unknown; width?: unknown; height?: unknown } | null | undefined;
  if (!b || typeof b.x !== "number" || typeof b.y !== "number") return undefined;
  if (typeof b.width !== "number" || typeof b.height !== "number") return undefined;
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}

/** A queried object (a stored label or a match row) as a crop. */
export function toCrop(object: QueriedObject, index: number): CropObject {
  const o = object as QueriedObject & Record<string, unknown>;
  const matchType = o.matchType as CropObject["matchType"];
  const type = typeof o.type === "string" ? o.type : undefined;
  const shape =
    type && type !== "box"
      ? shapesOf(
          { [type]: [o] } as LabelGroupsLike,
          typeof o.modelRunId === "string" ? `run:${o.modelRunId}` : "gt",
        )[0]
      : undefined;
  const box = boxOf(o.box) ?? boxOf(o.geometry) ?? (shape ? boundsOf(shape) : undefined);
  const id = o.id ?? o.modelPredictionId ?? o.groundTruthAnnotationId;
  const embedding = o.embedding_vector ?? o.embeddingVector;
  const label =
    (matchType === "FN" ? o.groundTruthAnnotationLabel : o.modelPredictionLabel) ??
    o.groundTruthAnnotationLabel ??
    (o.label as string | undefined) ??
    "";
  return {
    key: String(o.id ?? `${o.modelPredictionId ?? ""}:${o.groundTruthAnnotationId ?? ""}:${index}`),
    itemId: String(o.datasetItemId ?? ""),
    referenceId: String(o.referenceId ?? ""),
    label: String(label),
    box,
    shape: shape && shape.kind !== "box" && shape.kind !== "category" ? shape : undefined,
    confidence: typeof o.confidence === "number" ? o.confidence : undefined,
    iou: typeof o.iou === "number" ? o.iou : undefined,
    matchType,
    area: box ? box.width * box.height : undefined,
    objectId: typeof id === "string" && id ? id : undefined,
    vector: matchType ? undefined : Array.isArray(embedding) && embedding.length > 0,
  };
}

/**
 * Sorts crops by a number, missing values last whichever the direction.
 *
 * @example
 * ```ts
 * sortCrops(crops, "confidence", true); // most confident first
 * ```
 */
export function sortCrops(crops: readonly CropObject[], by: ObjectSort, descending: boolean): CropObject[] {
  const sign = descending ? -1 : 1;
  return [...crops].sort((a, b) => {
    const x = a[by];
    const y = b[by];
    if (x === undefined) return y === undefined ? 0 : 1;
    if (y === undefined) return -1;
    return sign * (x - y);
  });
}

/** Reads the objects of a query (up to {@link MAX_OBJECTS}), reporting progress. */
export async function readObjects(
  client: NucleusClient,
  datasetId: string,
  options: { query: string; mode: ObjectMode; runId: string | undefined },
  onProgress: (read: number) => void,
  signal: AbortSignal,
): Promise<{ crops: CropObject[]; more: boolean }> {
  const crops: CropObject[] = [];
  const iterator = client.getDataset(datasetId).queryObjects(options.query, {
    pageSize: 1_000,
    signal,
    ...(options.mode === "ground_truth" ? {} : { patchMode: options.mode }),
    ...(options.runId ? { modelRun: options.runId } : {}),
  });
  for await (const page of iterator.pages()) {
    for (const object of page) crops.push(toCrop(object, crops.length));
    onProgress(crops.length);
    if (crops.length >= MAX_OBJECTS) return { crops: crops.slice(0, MAX_OBJECTS), more: true };
  }
  return { crops, more: false };
}

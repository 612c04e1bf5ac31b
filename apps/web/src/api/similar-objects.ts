/**
 * "More like this" for objects: the boxes and polygons whose `embedding_vector` is nearest to an
 * example object's, read through `Dataset.similarObjects` and shown as crops, nearest first. The
 * example is kept in the objects view's address (`like=<object id>`), beside its mode and run.
 */
import { APIError, type NucleusClient, type SimilarObject } from "@nucleus/core";
import { type LabelGroupsLike, shapesOf } from "../labels/shapes.js";
import { withQuery } from "../state/router.js";
import type { CropObject, ObjectMode } from "./objects.js";

/** Neighbours one search shows. */
export const SIMILAR_OBJECTS = 48;

/** The query parameter of the objects view that holds the example's object id. */
export const LIKE_PARAM = "like";

/** Which objects a search looks among: ground truth, or one run's predictions. */
export type SimilarScope = { source: "annotation" } | { modelRun: string };

/**
 * The objects a search from the objects view looks among: those of the source it lists, the
 * ground truth or the chosen run's predictions (every match mode lists a run's evaluation, so
 * it searches that run's predictions). Undefined while a run mode has no run.
 *
 * @example
 * ```ts
 * similarScope("ground_truth", undefined); // { source: "annotation" }
 * similarScope("false_positive", "run_1"); // { modelRun: "run_1" }
 * ```
 */
export function similarScope(mode: ObjectMode, runId: string | undefined): SimilarScope | undefined {
  if (mode === "ground_truth") return { source: "annotation" };
  return runId ? { modelRun: runId } : undefined;
}

/** What a neighbour is when named in words: the ground truth or a run's predictions. */
export function scopeName(scope: SimilarScope, runName: string | undefined): string {
  return "source" in scope ? "ground truth" : `the predictions of ${runName ?? scope.modelRun}`;
}

/**
 * The address of "more like this" for an object: the objects view's address with the example
 * set, its mode, run and query kept (so the way back is the list it came from).
 *
 * @example
 * ```ts
 * likeHref("/datasets/ds_1/objects", new URLSearchParams("mode=predictions_only"), "pred_7");
 * // "/datasets/ds_1/objects?mode=predictions_only&like=pred_7"
 * ```
 */
export function likeHref(pathname: string, search: URLSearchParams, objectId: string | null): string {
  return withQuery(pathname, search, { [LIKE_PARAM]: objectId });
}

/** A distance as each crop shows it. */
export const formatDistance = (distance: number): string => distance.toFixed(3);

/** A neighbour as a crop shows it: its box, a polygon drawn over it, its distance. */
export function similarToCrop(hit: SimilarObject): CropObject {
  const source = hit.modelRunId ? (`run:${hit.modelRunId}` as const) : ("gt" as const);
  const shape =
    hit.type === "polygon"
      ? shapesOf({ polygon: [{ ...hit, id: hit.objectId }] } as LabelGroupsLike, source)[0]
      : undefined;
  return {
    key: hit.objectId,
    itemId: hit.itemId,
    referenceId: hit.referenceId,
    label: hit.label,
    box: { ...hit.box },
    shape: shape?.kind === "polygon" ? shape : undefined,
    confidence: undefined,
    iou: undefined,
    matchType: undefined,
    area: hit.box.width * hit.box.height,
    objectId: hit.objectId,
    vector: true,
    distance: hit.distance,
  };
}

/** The objects nearest to an example (left out of them), nearest first, among a scope. */
export async function readSimilarObjects(
  client: NucleusClient,
  datasetId: string,
  options: { objectId: string; scope: SimilarScope; k?: number },
  signal: AbortSignal,
): Promise<CropObject[]> {
  const hits = await client.getDataset(datasetId).similarObjects({
    objectId: options.objectId,
    k: options.k ?? SIMILAR_OBJECTS,
    ...options.scope,
    signal,
  });
  return hits.map(similarToCrop);
}

/**
 * The server's words when it refused a search as bad (an example without a vector, a dataset
 * with no object vectors), for the view to say instead of the list; undefined for other errors.
 */
export function refusalOf(error: unknown): string | undefined {
  if (!(error instanceof APIError) || error.status !== 400) return undefined;
  const body = error.body as { error?: unknown } | null | undefined;
  return typeof body?.error === "string" ? body.error : error.message;
}

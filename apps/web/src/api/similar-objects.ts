/**
 * "More like this" for objects: the boxes and polygons whose `embedding_vector` is nearest to an
 * example object's, read through `Dataset.similarObjects` and shown as crops, nearest first. The
 * examples are kept in the objects view's address (`like=<object id>`, one each), beside its mode
 * and run.
 */
import { APIError, type NucleusClient, type SimilarObject } from "@nucleus/core";
import { type LabelGroupsLike, shapesOf } from "../labels/shapes.js";
import { withQuery } from "../state/router.js";
import type { CropObject, ObjectMode } from "./objects.js";

/** Neighbours one search shows. */
export const SIMILAR_OBJECTS = 48;

/** Examples one search takes at most (one request each). */
export const MAX_EXAMPLES = 20;

/** The query parameter of the objects view that holds an example's object id (one per example). */
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
 * The address of "more like this" for some objects: the objects view's address with the examples
 * set (none: the way back), its mode, run and query kept (so the way back is the list it came
 * from).
 *
 * @example
 * ```ts
 * likeHref("/datasets/ds_1/objects", new URLSearchParams("mode=predictions_only"), ["pred_7"]);
 * // "/datasets/ds_1/objects?mode=predictions_only&like=pred_7"
 * ```
 */
export function likeHref(pathname: string, search: URLSearchParams, objectIds: readonly string[]): string {
  const base = withQuery(pathname, search, { [LIKE_PARAM]: null });
  if (objectIds.length === 0) return base;
  const examples = new URLSearchParams(objectIds.map((id) => [LIKE_PARAM, id]));
  return `${base}${base.includes("?") ? "&" : "?"}${examples}`;
}

/**
 * The `k` nearest of several searches, one per example: each object once, at its smallest
 * distance (to its nearest example), the examples left out, nearest first with ties by object id.
 */
export function mergeNeighbours(
  answers: readonly (readonly SimilarObject[])[],
  examples: readonly string[],
  k: number,
): SimilarObject[] {
  const given = new Set(examples);
  const best = new Map<string, SimilarObject>();
  for (const answer of answers)
    for (const hit of answer) {
      if (given.has(hit.objectId)) continue;
      const known = best.get(hit.objectId);
      if (!known || hit.distance < known.distance) best.set(hit.objectId, hit);
    }
  return [...best.values()]
    .sort(
      (a, b) => a.distance - b.distance || (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : 0),
    )
    .slice(0, k);
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

/**
 * The objects nearest to some examples (left out of them), nearest first, among a scope: one
 * search per example, merged by each object's distance to its nearest example.
 */
export async function readSimilarObjects(
  client: NucleusClient,
  datasetId: string,
  options: { objectIds: readonly string[]; scope: SimilarScope; k?: number },
  signal: AbortSignal,
): Promise<CropObject[]> {
  const dataset = client.getDataset(datasetId);
  const k = options.k ?? SIMILAR_OBJECTS;
  const examples = options.objectIds.slice(0, MAX_EXAMPLES);
  const answers = await Promise.all(
    examples.map((objectId) =>
      // The other examples may be among an example's nearest: ask for enough to leave them out.
      dataset.similarObjects({ objectId, k: k + examples.length - 1, ...options.scope, signal }),
    ),
  );
  return mergeNeighbours(answers, examples, k).map(similarToCrop);
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

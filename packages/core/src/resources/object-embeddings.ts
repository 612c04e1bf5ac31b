/** Object similarity search over box and polygon vectors; `Dataset.similarObjects` delegates here. */
import { routes, type SimilarObjectsResponse } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";

/**
 * A neighbour object: its ids (`objectId`, `annotationId`), where it is (`itemId`,
 * `referenceId`), what it is (`source`, `modelRunId`, `label`, `type`, `geometry`), its box in
 * pixels (a polygon's bounding box) and its distance to the example.
 *
 * @example
 * ```ts
 * import type { SimilarObject } from "@nucleus/core";
 *
 * const crop = (hit: SimilarObject) => `${hit.referenceId} ${hit.box.x},${hit.box.y} ${hit.box.width}x${hit.box.height}`;
 * ```
 */
export type SimilarObject = SimilarObjectsResponse["results"][number];

/**
 * An object named by the ids its uploader gave it: its item's reference id and its annotation id;
 * with `modelRun`, a prediction of that run, else an annotation.
 *
 * @example
 * ```ts
 * import type { ObjectRef } from "@nucleus/core";
 *
 * const object: ObjectRef = { referenceId: "img_1", annotationId: "car-3" };
 * ```
 */
export interface ObjectRef {
  referenceId: string;
  annotationId: string;
  modelRun?: string | { id: string };
}

const idOf = (run: string | { id: string } | undefined) =>
  run === undefined ? undefined : typeof run === "string" ? run : run.id;

/**
 * What {@link Dataset.similarObjects} searches near and among: an object (by the id a result's
 * `objectId` gives, or by its item's reference id and annotation id; it is left out of the
 * results) or a raw vector; how many neighbours, the metric, and optionally only annotations, one
 * run's predictions or one label. Objects are the box and polygon labels uploaded with an
 * `embeddingVector`.
 *
 * @example
 * ```ts
 * import type { SimilarObjectsOptions } from "@nucleus/core";
 *
 * const near: SimilarObjectsOptions = { objectId: "ann_1", k: 20, source: "annotation", label: "car" };
 * ```
 */
export type SimilarObjectsOptions = CallOptions &
  ({ objectId: string } | { object: ObjectRef } | { vector: readonly number[] | Float32Array }) & {
    /** Neighbours to return, 1 to 1000. Default 10. */
    k?: number;
    /** `cosine` (`1 - cos`, the default) or `l2` (Euclidean distance). */
    metric?: "cosine" | "l2";
    /** Only ground truth (`annotation`) or only predictions (`prediction`). */
    source?: "annotation" | "prediction";
    /** Only this model run's predictions. */
    modelRun?: string | { id: string };
    /** Only objects with this label. */
    label?: string;
    /** Compare every vector instead of asking the dataset's object index (the reference; slower). */
    exact?: boolean;
  };

/** @internal */
export async function similarObjects(
  api: Api,
  datasetId: string,
  options: SimilarObjectsOptions,
): Promise<SimilarObject[]> {
  const object = "object" in options ? options.object : undefined;
  const body = {
    objectId: "objectId" in options ? options.objectId : undefined,
    object: object && {
      referenceId: object.referenceId,
      annotationId: object.annotationId,
      modelRunId: idOf(object.modelRun),
    },
    vector: "vector" in options ? Array.from(options.vector) : undefined,
    k: options.k,
    metric: options.metric,
    source: options.source,
    modelRunId: idOf(options.modelRun),
    label: options.label,
    exact: options.exact,
  };
  return (await api.call(routes.similarObjects, { params: { datasetId }, body }, options)).results;
}

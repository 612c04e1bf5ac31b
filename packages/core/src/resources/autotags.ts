/**
 * Autotags trained on a dataset's item vectors, and the dataset's embedding map. `Dataset`
 * methods (`createAutotag`, `refineAutotag`, `autotagItems`, `embeddingMap`, ...) delegate here.
 */
import {
  type AutotagInfo,
  type AutotagSliceResponse,
  type EmbeddingMapInfo,
  type EmbeddingMapPointsResponse,
  routes,
} from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { Job, type WaitOptions } from "./job.js";

export type { AutotagInfo, AutotagSliceResponse, EmbeddingMapInfo };

/**
 * An autotag, by id or as a record that has one.
 *
 * @example
 * ```ts
 * import type { AutotagRef } from "@nucleus/core";
 *
 * const ref: AutotagRef = "tag_bwkezj6g5c4g05gqp1eg";
 * ```
 */
export type AutotagRef = string | { id: string };

/**
 * What {@link Dataset.createAutotag} trains from: a name (queries read its scores as
 * `autotag.<name>`), reference ids of items that show the concept, optionally items that do not
 * (random items stand in otherwise), and how to wait for the training job (`wait: false` returns
 * once it started).
 *
 * @example
 * ```ts
 * import type { CreateAutotagOptions } from "@nucleus/core";
 *
 * const options: CreateAutotagOptions = { name: "rain", positives: ["img_1", "img_7", "img_9"] };
 * ```
 */
export interface CreateAutotagOptions extends WaitOptions {
  name: string;
  positives: readonly string[];
  negatives?: readonly string[];
  /** Wait for training and scoring to finish. Default true. */
  wait?: boolean;
}

/**
 * One refinement round for {@link Dataset.refineAutotag}: reference ids the user accepted (they
 * become positives) and rejected (negatives).
 *
 * @example
 * ```ts
 * import type { RefineAutotagOptions } from "@nucleus/core";
 *
 * const round: RefineAutotagOptions = { accept: ["img_3", "img_4"], reject: ["img_8"] };
 * ```
 */
export interface RefineAutotagOptions extends WaitOptions {
  accept?: readonly string[];
  reject?: readonly string[];
  /** Wait for training and scoring to finish. Default true. */
  wait?: boolean;
}

/**
 * An item an autotag scored, in [-1, 1].
 *
 * @example
 * ```ts
 * import type { AutotagScore } from "@nucleus/core";
 *
 * const scored: AutotagScore = { itemId: "di_1", referenceId: "img_1", score: 0.93 };
 * ```
 */
export interface AutotagScore {
  itemId: string;
  referenceId: string;
  score: number;
}

/**
 * An item's place on the embedding map.
 *
 * @example
 * ```ts
 * import type { MapPoint } from "@nucleus/core";
 *
 * const point: MapPoint = { itemId: "di_1", referenceId: "img_1", x: 0.4, y: -1.3 };
 * ```
 */
export type MapPoint = EmbeddingMapPointsResponse["points"][number];

/**
 * Options of {@link Dataset.embeddingMap}: compute again even when the kept map is current, and
 * how to wait for the job.
 *
 * @example
 * ```ts
 * import type { EmbeddingMapOptions } from "@nucleus/core";
 *
 * const options: EmbeddingMapOptions = { force: true, pollInterval: 500 };
 * ```
 */
export interface EmbeddingMapOptions extends WaitOptions {
  force?: boolean;
}

const idOf = (ref: AutotagRef) => (typeof ref === "string" ? ref : ref.id);

/** @internal */
export async function createAutotag(
  api: Api,
  datasetId: string,
  options: CreateAutotagOptions,
): Promise<AutotagInfo> {
  const started = await api.call(
    routes.createAutotag,
    {
      params: { datasetId },
      body: {
        name: options.name,
        positives: [...options.positives],
        negatives: options.negatives && [...options.negatives],
      },
    },
    options,
  );
  if (options.wait === false) return started.autotag;
  await new Job(api, started.jobId, started).waitUntilDone(options);
  return api.call(routes.getAutotag, { params: { autotagId: started.autotag.id } }, options);
}

/** @internal */
export async function refineAutotag(
  api: Api,
  autotag: AutotagRef,
  options: RefineAutotagOptions,
): Promise<AutotagInfo> {
  const autotagId = idOf(autotag);
  const started = await api.call(
    routes.refineAutotag,
    {
      params: { autotagId },
      body: { accept: options.accept && [...options.accept], reject: options.reject && [...options.reject] },
    },
    options,
  );
  if (options.wait === false) return started.autotag;
  await new Job(api, started.jobId, started).waitUntilDone(options);
  return api.call(routes.getAutotag, { params: { autotagId } }, options);
}

/** @internal */
export async function listAutotagsWithCounts(
  api: Api,
  datasetId: string,
  options: CallOptions,
): Promise<AutotagInfo[]> {
  return (await api.call(routes.listAutotagsExt, { params: { datasetId } }, options)).autotags;
}

/** @internal */
export async function* autotagItems(
  api: Api,
  autotag: AutotagRef,
  options: CallOptions & { minScore?: number; pageSize?: number },
): AsyncGenerator<AutotagScore> {
  let cursor: string | undefined;
  do {
    const page = await api.call(
      routes.autotagScores,
      {
        params: { autotagId: idOf(autotag) },
        query: { minScore: options.minScore, limit: options.pageSize ?? 1_000, cursor },
      },
      options,
    );
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** @internal */
export function autotagSlice(
  api: Api,
  autotag: AutotagRef,
  name: string,
  options: CallOptions & { threshold?: number },
): Promise<AutotagSliceResponse> {
  return api.call(
    routes.autotagSlice,
    { params: { autotagId: idOf(autotag) }, body: { name, threshold: options.threshold } },
    options,
  );
}

/** @internal */
export async function deleteAutotag(api: Api, autotag: AutotagRef, options: CallOptions): Promise<void> {
  await api.call(routes.deleteAutotag, { params: { autotagId: idOf(autotag) }, body: {} }, options);
}

/** @internal */
export async function embeddingMap(
  api: Api,
  datasetId: string,
  options: EmbeddingMapOptions,
): Promise<EmbeddingMapInfo> {
  const started = await api.call(
    routes.computeEmbeddingMap,
    { params: { datasetId }, body: { force: options.force } },
    options,
  );
  if (started.cached) return started;
  await new Job(api, started.jobId).waitUntilDone(options);
  return api.call(routes.embeddingMap, { params: { datasetId } }, options);
}

/** @internal */
export async function* embeddingMapPoints(
  api: Api,
  datasetId: string,
  options: CallOptions & { pageSize?: number },
): AsyncGenerator<MapPoint> {
  let cursor: string | undefined;
  do {
    const page = await api.call(
      routes.embeddingMapPoints,
      { params: { datasetId }, query: { limit: options.pageSize ?? 10_000, cursor } },
      options,
    );
    yield* page.points;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Item embeddings and exact similarity search; `Dataset.uploadEmbeddings` and `Dataset.similar` delegate here. */
import {
  type NearDuplicateGroups,
  type NearDuplicateSliceResponse,
  routes,
  type SimilarItemsResponse,
} from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { Job, type WaitOptions } from "./job.js";

export type { NearDuplicateGroups, NearDuplicateSliceResponse };

/**
 * One item's vector, by reference id.
 *
 * @example
 * ```ts
 * import type { EmbeddingInput } from "@nucleus/core";
 *
 * const entry: EmbeddingInput = { referenceId: "img_1", vector: [0.12, -0.5, 0.33] };
 * ```
 */
export interface EmbeddingInput {
  referenceId: string;
  vector: readonly number[] | Float32Array;
}

/**
 * Options of {@link Dataset.uploadEmbeddings}.
 *
 * @example
 * ```ts
 * import type { UploadEmbeddingsOptions } from "@nucleus/core";
 *
 * const options: UploadEmbeddingsOptions = { batchSize: 2000 };
 * ```
 */
export interface UploadEmbeddingsOptions extends CallOptions {
  /** Vectors per request (each request applies whole or not at all). Default 1000. */
  batchSize?: number;
  /**
   * Requests in flight at once, so that the server stores one batch while the next is sent.
   * Default 2. A reference id repeated in a later batch still ends with the later vector.
   */
  concurrency?: number;
}

/**
 * What an upload stored: vectors sent, their length, and how many the dataset holds now.
 *
 * @example
 * ```ts
 * import type { EmbeddingsUploadResult } from "@nucleus/core";
 *
 * const result: EmbeddingsUploadResult = { uploaded: 2, dimension: 512, total: 2 };
 * ```
 */
export interface EmbeddingsUploadResult {
  uploaded: number;
  dimension: number;
  total: number;
}

/**
 * What {@link Dataset.similar} searches near and among: one example (an item by reference id or
 * id, which is left out of the results, or a raw vector) or several items (`referenceIds`, near
 * their mean, all left out), how many neighbours, the metric, and
 * optionally a query or a slice whose items are the only candidates.
 *
 * @example
 * ```ts
 * import type { SimilarOptions } from "@nucleus/core";
 *
 * const near: SimilarOptions = { referenceId: "img_1", k: 20, query: 'metadata.weather = "fog"' };
 * ```
 */
export type SimilarOptions = CallOptions &
  (
    | { referenceId: string }
    | { referenceIds: readonly string[] }
    | { itemId: string }
    | { vector: readonly number[] | Float32Array }
  ) & {
    /** Neighbours to return, 1 to 1000. Default 10. */
    k?: number;
    /** `cosine` (`1 - cos`, the default) or `l2` (Euclidean distance). */
    metric?: "cosine" | "l2";
    /** Only items this query selects. */
    query?: string;
    /** The run `predictions.*` in `query` counts. */
    modelRun?: string | { id: string };
    /** Only the items of this slice. */
    slice?: string | { id: string };
    /** Compare every vector instead of asking the dataset's vector index (the reference; slower). */
    exact?: boolean;
  };

/**
 * A neighbour: the item and its distance to the example.
 *
 * @example
 * ```ts
 * import type { SimilarItem } from "@nucleus/core";
 *
 * const hit: SimilarItem = { itemId: "di_1", referenceId: "img_2", distance: 0.04 };
 * ```
 */
export type SimilarItem = SimilarItemsResponse["results"][number];

const idOf = (ref: string | { id: string } | undefined) =>
  ref === undefined ? undefined : typeof ref === "string" ? ref : ref.id;

/** The body of a binary upload: a JSON line of the batch's reference ids and length, then its vectors as float32. */
function binaryBody(batch: readonly EmbeddingInput[], dimension: number): Uint8Array {
  const head = new TextEncoder().encode(
    `${JSON.stringify({ reference_ids: batch.map((e) => e.referenceId), dimension })}\n`,
  );
  const body = new Uint8Array(head.byteLength + batch.length * dimension * 4);
  body.set(head);
  const vectors = new Float32Array(batch.length * dimension);
  batch.forEach((entry, i) => {
    vectors.set(entry.vector, i * dimension);
  });
  const bytes = new Uint8Array(vectors.buffer);
  if (!LITTLE_ENDIAN) {
    // The wire form is little-endian: swap each float's bytes on a big-endian host.
    for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  }
  body.set(bytes, head.byteLength);
  return body;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Sends vectors in batches. A batch whose vectors share one length goes as float32 after a line
 * of reference ids (a quarter of the JSON's size, and no numbers to parse on the server); one of
 * mixed lengths goes as JSON, which the server refuses naming the entry that differs.
 *
 * @internal
 */
export async function uploadEmbeddings(
  api: Api,
  datasetId: string,
  entries: Iterable<EmbeddingInput> | AsyncIterable<EmbeddingInput>,
  options: UploadEmbeddingsOptions,
): Promise<EmbeddingsUploadResult> {
  const size = options.batchSize ?? 1000;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const result: EmbeddingsUploadResult = { uploaded: 0, dimension: 0, total: 0 };
  /** Requests in flight, each with the reference ids it carries. */
  const inFlight = new Map<Promise<void>, Set<string>>();
  let failure: { error: unknown } | undefined;
  const send = async (batch: EmbeddingInput[]) => {
    const dimension = (batch[0] as EmbeddingInput).vector.length;
    const binary = dimension > 0 && batch.every((entry) => entry.vector.length === dimension);
    const answer = await api.call(
      routes.uploadEmbeddings,
      binary
        ? { params: { datasetId }, bytes: binaryBody(batch, dimension) }
        : {
            params: { datasetId },
            body: {
              embeddings: batch.map((entry) => ({
                referenceId: entry.referenceId,
                vector: Array.from(entry.vector),
              })),
            },
          },
      options,
    );
    result.uploaded += answer.uploaded;
    result.dimension = answer.dimension;
    // Answers may come back out of order: the dataset holds at least what the largest one says.
    result.total = Math.max(result.total, answer.total);
  };
  const dispatch = async (batch: EmbeddingInput[]) => {
    // An id still on its way in an earlier batch: that one lands first, so the later vector wins.
    const earlier = [...inFlight].filter(([, sent]) => batch.some((entry) => sent.has(entry.referenceId)));
    await Promise.all(earlier.map(([request]) => request));
    while (inFlight.size >= concurrency) await Promise.race(inFlight.keys());
    // Never rejects: the first failure is kept, and no batch is sent after it.
    const request: Promise<void> = send(batch)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(request));
    inFlight.set(request, new Set(batch.map((entry) => entry.referenceId)));
  };
  let batch: EmbeddingInput[] = [];
  for await (const entry of entries) {
    if (failure) break;
    // A copy: the caller may reuse its array for the next entry.
    batch.push({ referenceId: entry.referenceId, vector: Float32Array.from(entry.vector) });
    if (batch.length >= size) {
      await dispatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0 && !failure) await dispatch(batch);
  await Promise.all(inFlight.keys());
  if (failure) throw failure.error;
  return result;
}

/** @internal */
export async function similar(api: Api, datasetId: string, options: SimilarOptions): Promise<SimilarItem[]> {
  const body = {
    referenceId: "referenceId" in options ? options.referenceId : undefined,
    referenceIds: "referenceIds" in options ? [...options.referenceIds] : undefined,
    itemId: "itemId" in options ? options.itemId : undefined,
    vector: "vector" in options ? Array.from(options.vector) : undefined,
    k: options.k,
    metric: options.metric,
    query: options.query,
    modelRunId: idOf(options.modelRun),
    sliceId: idOf(options.slice),
    exact: options.exact,
  };
  return (await api.call(routes.similarItems, { params: { datasetId }, body }, options)).results;
}

/**
 * Options of {@link Dataset.nearDuplicates}: how close two items' vectors must be (cosine distance
 * `1 - cos` by default, or Euclidean), how many neighbours of each vector are compared, and how to
 * wait for the job.
 *
 * @example
 * ```ts
 * import type { NearDuplicatesOptions } from "@nucleus/core";
 *
 * const options: NearDuplicatesOptions = { threshold: 0.02, metric: "cosine" };
 * ```
 */
export interface NearDuplicatesOptions extends WaitOptions {
  /** Items closer than this are duplicates. Default 0.05. */
  threshold?: number;
  metric?: "cosine" | "l2";
  /** Neighbours of each vector compared, 1 to 100. Default 10. */
  neighbours?: number;
}

/** @internal */
export async function nearDuplicates(
  api: Api,
  datasetId: string,
  options: NearDuplicatesOptions,
): Promise<NearDuplicateGroups> {
  const body = { threshold: options.threshold, metric: options.metric, neighbours: options.neighbours };
  const started = await api.call(
    routes.nearDuplicates,
    { params: { datasetId }, body },
    options as CallOptions,
  );
  await new Job(api, started.jobId, started).waitUntilDone(options);
  return api.call(routes.nearDuplicateGroups, { params: { datasetId, jobId: started.jobId } }, options);
}

/** @internal */
export async function nearDuplicateSlice(
  api: Api,
  datasetId: string,
  jobId: string,
  name: string,
  options: CallOptions & { keep?: "unique" | "groups" },
): Promise<NearDuplicateSliceResponse> {
  return api.call(
    routes.nearDuplicateSlice,
    { params: { datasetId, jobId }, body: { name, keep: options.keep } },
    options,
  );
}

/**
 * Options of {@link Dataset.scoreUniqueness}: how many nearest neighbours each vector's distance
 * is averaged over (1 to 100, default 5), and how to wait for the job.
 *
 * @example
 * ```ts
 * import type { UniquenessOptions } from "@nucleus/core";
 *
 * const options: UniquenessOptions = { neighbours: 10 };
 * ```
 */
export interface UniquenessOptions extends WaitOptions {
  neighbours?: number;
}

/**
 * Options of {@link Dataset.scoreRepresentativeness}: how many k-means clusters (1 to 1024; by
 * default `round(sqrt(n / 2))` kept within 2 to 256) and rounds (1 to 100, default 10), and how to
 * wait for the job.
 *
 * @example
 * ```ts
 * import type { RepresentativenessOptions } from "@nucleus/core";
 *
 * const options: RepresentativenessOptions = { clusters: 32, iterations: 20 };
 * ```
 */
export interface RepresentativenessOptions extends WaitOptions {
  clusters?: number;
  iterations?: number;
}

/**
 * What a scoring job did: its id, how many items it scored and, for representativeness, how many
 * clusters it found them in.
 *
 * @example
 * ```ts
 * import type { EmbeddingScores } from "@nucleus/core";
 *
 * const done: EmbeddingScores = { jobId: "job_1", scored: 1000, clusters: 22 };
 * ```
 */
export interface EmbeddingScores {
  jobId: string;
  scored: number;
  /** The clusters of a representativeness job. */
  clusters?: number;
}

async function scoringJob(
  api: Api,
  started: { jobId: string } & ConstructorParameters<typeof Job>[2],
  options: WaitOptions,
): Promise<EmbeddingScores> {
  const final = await new Job(api, started.jobId, started).waitUntilDone(options);
  const message = (final.message ?? {}) as { scored?: number; clusters?: number };
  return {
    jobId: started.jobId,
    scored: message.scored ?? 0,
    ...(message.clusters !== undefined ? { clusters: message.clusters } : {}),
  };
}

/** @internal */
export async function scoreUniqueness(
  api: Api,
  datasetId: string,
  options: UniquenessOptions,
): Promise<EmbeddingScores> {
  const started = await api.call(
    routes.computeUniqueness,
    { params: { datasetId }, body: { neighbours: options.neighbours } },
    options as CallOptions,
  );
  return scoringJob(api, started, options);
}

/** @internal */
export async function scoreRepresentativeness(
  api: Api,
  datasetId: string,
  options: RepresentativenessOptions,
): Promise<EmbeddingScores> {
  const started = await api.call(
    routes.computeRepresentativeness,
    { params: { datasetId }, body: { clusters: options.clusters, iterations: options.iterations } },
    options as CallOptions,
  );
  return scoringJob(api, started, options);
}

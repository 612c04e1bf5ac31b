import {
  type Job,
  type LabelUploadResult,
  type NucleusClient,
  type PreparedBatch,
  prepareAnnotations,
  prepareItems,
  preparePredictions,
  ValidationError,
} from "@nucleus/core";
import type {
  Annotation as AnnotationData,
  DatasetItem as DatasetItemData,
  Prediction as PredictionData,
  RefusalDetail,
} from "@nucleus/schemas";
import { type Chunk, chunked } from "./chunk.js";
import { Journal } from "./journal.js";
import { runPool } from "./pool.js";
import {
  type ChunkCounts,
  type Failure,
  ReportBuilder,
  type UploadProgress,
  type UploadReport,
} from "./report.js";
import { DEFAULT_RETRY, isFatal, isRetryable, type RetryPolicy, retryDelay } from "./retry.js";
import { type Source, sizeOf } from "./source.js";

/** Options of an {@link Uploader}. */
export interface UploaderOptions {
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Entries per request. Default: 20 items or 5,000 annotations/predictions (the protocol's limits). */
  batchSize?: number;
  /** Serialised bytes per request at most. Default 16 MiB. */
  maxBytesPerRequest?: number;
  /** Retries per chunk (a number, or a policy). Default 5 retries from 0.5 s. */
  retries?: number | Partial<RetryPolicy>;
  /** A journal file: rerunning the same upload with it sends only what was not acknowledged. */
  journal?: string;
  /** Stops the upload. */
  signal?: AbortSignal;
  /** Called after every chunk. */
  onProgress?: (progress: UploadProgress) => void;
}

/** Options of one upload. */
export interface UploadCallOptions {
  /** Replace entries that exist instead of ignoring them. Default false. */
  update?: boolean;
  /** Send each chunk through a signed URL and a server job (remote files only). */
  asynchronous?: boolean;
}

type Operation = UploadReport["operation"];
type Batch = PreparedBatch<"items" | "annotations" | "predictions">;
/**
 * What one request of a chunk carries besides the entries. `maxRetries` is always 0: the
 * uploader's loop is the only one that retries a chunk, so every attempt is counted once.
 */
interface SendOptions {
  update: boolean;
  batchSize: number;
  idempotencyKey: string;
  asynchronous: boolean;
  maxRetries: 0;
}
/** A chunk's entries validated and shaped for the wire, or why they could not be. */
type Prepared = { batch: Batch } | { error: unknown };
type SendResult =
  | { kind: "items"; new: number; updated: number; ignored: number; errors: string[] }
  | { kind: "labels"; processed: number; ignored: number; errors: string[]; details?: RefusalDetail[] };

/** Where an upload goes: a dataset, a dataset and a model, or a model run. */
interface Target {
  datasetId?: string;
  modelId?: string;
  modelRunId?: string;
}

/**
 * Each operation of the uploader: its entries' type, how many go in a request by default (the
 * protocol's limits), how a chunk is prepared, and how a prepared chunk is sent.
 */
interface OperationSpec<T> {
  defaultBatch: number;
  prepare(values: T[]): Batch;
  send(client: NucleusClient, target: Target, batch: Batch, options: SendOptions): Promise<SendResult>;
}

const OPERATIONS: {
  append: OperationSpec<DatasetItemData>;
  annotate: OperationSpec<AnnotationData>;
  uploadPredictions: OperationSpec<PredictionData>;
  predict: OperationSpec<PredictionData>;
} = {
  append: {
    defaultBatch: 20,
    prepare: prepareItems,
    async send(client, { datasetId }, batch, o) {
      const dataset = client.getDataset(datasetId as string);
      const values = batch as PreparedBatch<"items">;
      if (o.asynchronous) return fromJob(await dataset.append(values, { ...o, asynchronous: true }), "items");
      const r = await dataset.append(values, { ...o, asynchronous: false });
      return {
        kind: "items",
        new: r.newItems,
        updated: r.updatedItems,
        ignored: r.ignoredItems,
        errors: r.uploadErrors ? [`${r.uploadErrors} items failed`] : [],
      };
    },
  },
  annotate: {
    defaultBatch: 5_000,
    prepare: prepareAnnotations,
    async send(client, { datasetId }, batch, o) {
      const dataset = client.getDataset(datasetId as string);
      const values = batch as PreparedBatch<"annotations">;
      if (o.asynchronous)
        return fromJob(await dataset.annotate(values, { ...o, asynchronous: true }), "labels");
      return labelCounts(await dataset.annotate(values, { ...o, asynchronous: false }));
    },
  },
  uploadPredictions: {
    defaultBatch: 5_000,
    prepare: preparePredictions,
    async send(client, { datasetId, modelId }, batch, o) {
      const dataset = client.getDataset(datasetId as string);
      const values = batch as PreparedBatch<"predictions">;
      const model = modelId as string;
      if (o.asynchronous)
        return fromJob(
          await dataset.uploadPredictions(model, values, { ...o, asynchronous: true }),
          "labels",
        );
      return labelCounts(await dataset.uploadPredictions(model, values, { ...o, asynchronous: false }));
    },
  },
  predict: {
    defaultBatch: 5_000,
    prepare: preparePredictions,
    async send(client, { modelRunId }, batch, o) {
      const run = await client.getModelRun(modelRunId as string);
      const values = batch as PreparedBatch<"predictions">;
      if (o.asynchronous) return fromJob(await run.predict(values, { ...o, asynchronous: true }), "labels");
      return labelCounts(await run.predict(values, { ...o, asynchronous: false }));
    },
  },
};

/**
 * The idempotency key of a chunk's request: the upload's id (kept in the journal, so a resumed
 * upload reuses it), the chunk's index, and how many of its entries were dropped as invalid
 * before this attempt (a chunk sent again without them is a different request).
 *
 * @example
 * ```ts
 * import { chunkKey } from "@nucleus/upload";
 *
 * chunkKey("4f6c...", 12); // "4f6c...:12:0"
 * ```
 */
export function chunkKey(uploadId: string, chunk: number, dropped = 0): string {
  return `${uploadId}:${chunk}:${dropped}`;
}

const MiB = 1024 * 1024;
/** Room for the request's own keys around the entries (`{"update":false,"annotations":[...]}`). */
const ENVELOPE_BYTES = 64;

/**
 * Large uploads that are fast, resumable, and never lose or duplicate anything: inputs are read
 * lazily and cut into chunks by count and bytes; a pool of workers sends them with bounded
 * concurrency; each chunk is retried on 429, 5xx, timeouts and dropped connections with an
 * idempotency key, so a retried chunk is applied and counted once; a journal records every
 * acknowledged chunk so a rerun sends only the rest; the report names every failed entry.
 *
 * @example
 * ```ts
 * import { NucleusClient } from "@nucleus/core";
 * import { Uploader, readNdjson } from "@nucleus/upload";
 * import { Annotation } from "@nucleus/schemas";
 *
 * const uploader = new Uploader(new NucleusClient(), { concurrency: 8, journal: "./annotations.journal" });
 * const report = await uploader.annotate("ds_...", readNdjson("./annotations.ndjson", Annotation));
 * if (report.failed > 0) console.error(report.failures);
 * ```
 */
export class Uploader {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly client: NucleusClient,
    private readonly options: UploaderOptions = {},
  ) {
    this.retry =
      typeof options.retries === "number"
        ? { ...DEFAULT_RETRY, retries: options.retries }
        : { ...DEFAULT_RETRY, ...options.retries };
  }

  /** Appends dataset items (remote URLs or local files), keyed by reference id. */
  append(
    datasetId: string,
    items: Source<DatasetItemData>,
    options: UploadCallOptions = {},
  ): Promise<UploadReport> {
    return this.run("append", datasetId, { datasetId }, items, options);
  }

  /** Uploads ground truth, keyed by reference id and annotation id. */
  annotate(
    datasetId: string,
    annotations: Source<AnnotationData>,
    options: UploadCallOptions = {},
  ): Promise<UploadReport> {
    return this.run("annotate", datasetId, { datasetId }, annotations, options);
  }

  /** Uploads a model's predictions on a dataset. */
  uploadPredictions(
    datasetId: string,
    modelId: string,
    predictions: Source<PredictionData>,
    options: UploadCallOptions = {},
  ): Promise<UploadReport> {
    return this.run(
      "uploadPredictions",
      `${datasetId}/${modelId}`,
      { datasetId, modelId },
      predictions,
      options,
    );
  }

  /** Uploads predictions to a model run. */
  predict(
    modelRunId: string,
    predictions: Source<PredictionData>,
    options: UploadCallOptions = {},
  ): Promise<UploadReport> {
    return this.run("predict", modelRunId, { modelRunId }, predictions, options);
  }

  private async run<O extends Operation>(
    operation: O,
    journalTarget: string,
    target: Target,
    source: Source<Parameters<(typeof OPERATIONS)[O]["prepare"]>[0][number]>,
    callOptions: UploadCallOptions,
  ): Promise<UploadReport> {
    type T = Parameters<(typeof OPERATIONS)[O]["prepare"]>[0][number];
    const spec = OPERATIONS[operation] as unknown as OperationSpec<T>;
    const maxCount = this.options.batchSize ?? spec.defaultBatch;
    const maxBytes = this.options.maxBytesPerRequest ?? 16 * MiB;
    const journal = this.options.journal
      ? Journal.open(this.options.journal, { operation, target: journalTarget, maxCount, maxBytes })
      : undefined;
    const uploadId = journal?.header.uploadId ?? globalThis.crypto.randomUUID();
    const report = new ReportBuilder(operation, sizeOf(source), this.options.onProgress);

    const tryPrepare = (values: T[]): Prepared => {
      try {
        return { batch: spec.prepare(values) };
      } catch (error) {
        return { error };
      }
    };
    // An entry as it goes on the wire: from its group's payloads, or prepared alone when the
    // group was refused (the input itself when the entry is invalid, which is never sent).
    const wireForm = (value: T, group: Prepared, position: number): unknown => {
      if ("batch" in group) return group.batch.payloads[position];
      const alone = tryPrepare([value]);
      return "batch" in alone ? alone.batch.payloads[0] : value;
    };
    // Each chunk is prepared (validated, shaped and serialised) while the one before it is in flight.
    const ready = readAhead(
      chunked(source, {
        maxCount,
        maxBytes,
        prepare: tryPrepare,
        sizeOf: (prepared) =>
          "batch" in prepared ? Buffer.byteLength(prepared.batch.json) + ENVELOPE_BYTES : undefined,
        entryBytes: (value, group, position) =>
          Buffer.byteLength(JSON.stringify(wireForm(value, group, position))) + 1,
        overhead: ENVELOPE_BYTES,
      }),
    );
    const send = (batch: Batch, options: SendOptions) => spec.send(this.client, target, batch, options);

    try {
      await runPool(ready, this.options.concurrency ?? 4, async (chunk) => {
        this.options.signal?.throwIfAborted();
        report.seen((chunk.entries.at(-1)?.index ?? -1) + 1);
        const previous = journal?.done.get(chunk.index);
        if (previous) {
          report.resumed(previous.counts, previous.failures);
          return;
        }
        const outcome = await this.sendChunk(
          chunk,
          chunk.prepared ?? tryPrepare(chunk.entries.map((e) => e.value)),
          tryPrepare,
          send,
          {
            update: callOptions.update ?? false,
            asynchronous: callOptions.asynchronous ?? false,
            uploadId,
          },
          report,
        );
        journal?.record({ chunk: chunk.index, counts: outcome.counts, failures: outcome.failures });
        report.acknowledged(outcome.counts, outcome.failures, chunk.bytes);
      });
    } finally {
      await journal?.close();
    }
    return report.finish();
  }

  /** Sends one chunk until it is acknowledged or its retries run out; never throws for the server's reasons. */
  private async sendChunk<T>(
    chunk: Chunk<T, Prepared>,
    first: Prepared,
    prepareAgain: (values: T[]) => Prepared,
    send: (batch: Batch, options: SendOptions) => Promise<SendResult>,
    options: { update: boolean; asynchronous: boolean; uploadId: string },
    report: ReportBuilder,
  ): Promise<{ counts: ChunkCounts; failures: Failure[] }> {
    let entries = chunk.entries;
    let prepared = first;
    const failures: Failure[] = [];
    for (let attempt = 0; ; ) {
      try {
        if ("error" in prepared) throw prepared.error;
        const result = await send(prepared.batch, {
          update: options.update,
          asynchronous: options.asynchronous,
          batchSize: Math.max(1, entries.length),
          idempotencyKey: chunkKey(options.uploadId, chunk.index, chunk.entries.length - entries.length),
          maxRetries: 0,
        });
        failures.push(...mapServerErrors(result, entries));
        return {
          counts:
            result.kind === "items"
              ? {
                  new: result.new,
                  updated: result.updated,
                  ignored: result.ignored,
                  processed: result.new + result.updated,
                  failed: failures.length,
                }
              : {
                  new: 0,
                  updated: 0,
                  ignored: result.ignored,
                  processed: result.processed,
                  failed: failures.length,
                },
          failures,
        };
      } catch (error) {
        if (error instanceof ValidationError) {
          // Entries the client refused (duplicates within the chunk): report them, send the rest.
          const bad = new Set(
            error.issues.map((issue) => issue.path[1]).filter((i): i is number => typeof i === "number"),
          );
          if (bad.size === 0) throw error;
          for (const position of bad) {
            const entry = entries[position];
            if (entry)
              failures.push({
                index: entry.index,
                ...refOf(entry.value),
                reason: withoutChunkPosition(
                  error.issues.find((i) => i.path[1] === position)?.text ?? error.message,
                ),
              });
          }
          entries = entries.filter((_, i) => !bad.has(i));
          prepared = prepareAgain(entries.map((e) => e.value));
          if (entries.length === 0)
            return {
              counts: { new: 0, updated: 0, ignored: 0, processed: 0, failed: failures.length },
              failures,
            };
          continue;
        }
        if (this.options.signal?.aborted || isFatal(error)) throw error;
        if (isRetryable(error) && attempt < this.retry.retries) {
          await sleep(retryDelay(this.retry, attempt, error), this.options.signal);
          attempt += 1;
          report.retried();
          continue;
        }
        const reason = (error as Error).message;
        for (const entry of entries) failures.push({ index: entry.index, ...refOf(entry.value), reason });
        return {
          counts: { new: 0, updated: 0, ignored: 0, processed: 0, failed: failures.length },
          failures,
        };
      }
    }
  }
}

/** Issue texts start with the entry's position in its chunk (`annotations[3] ...`); the report has the input's. */
function withoutChunkPosition(text: string): string {
  return text.replace(/^[a-z]+\[\d+\]\s*/i, "");
}

function refOf(value: unknown): { referenceId?: string } {
  const ref = (value as { referenceId?: unknown } | null)?.referenceId;
  return typeof ref === "string" ? { referenceId: ref } : {};
}

/** The reference ids a refusal is about, from its structured detail. */
function referencesOf(detail: RefusalDetail): string[] | undefined {
  if (detail.referenceId !== undefined) return [detail.referenceId];
  return detail.referenceIds;
}

/**
 * Maps the server's refusals back to the entries they are about: by the structured details a
 * server sends beside its errors (one per error), or, from a server that sends only the
 * protocol's error strings, by the reference id the string quotes. A refusal that names no entry
 * is reported on the chunk's first entry.
 */
function mapServerErrors<T>(result: SendResult, entries: { index: number; value: T }[]): Failure[] {
  const details =
    result.kind === "labels" && result.details?.length === result.errors.length ? result.details : undefined;
  const failures: Failure[] = [];
  result.errors.forEach((reason, i) => {
    const detail = details?.[i];
    const quoted = /reference id "((?:[^"\\]|\\.)*)"/.exec(reason)?.[1];
    const refs = detail
      ? referencesOf(detail)
      : quoted === undefined
        ? undefined
        : [JSON.parse(`"${quoted}"`) as string];
    const matching = refs ? entries.filter((e) => refs.includes(refOf(e.value).referenceId as string)) : [];
    if (matching.length === 0) failures.push({ index: entries[0]?.index ?? -1, reason });
    for (const entry of matching) failures.push({ index: entry.index, ...refOf(entry.value), reason });
  });
  return failures;
}

/** The counts of an annotation or prediction upload, as a chunk result. */
function labelCounts(r: LabelUploadResult): SendResult {
  return {
    kind: "labels",
    processed: r.processed,
    ignored: r.ignored,
    errors: r.errors,
    details: r.errorDetails,
  };
}

/**
 * Yields what `source` yields, asking it for the next value as soon as the current one is
 * handed out (on the next turn of the event loop, so while the current chunk is in flight).
 */
async function* readAhead<V>(source: AsyncGenerator<V>): AsyncGenerator<V> {
  let upcoming = source.next();
  for (;;) {
    upcoming.catch(() => {}); // observed below; this only keeps an early stop from warning
    const current = await upcoming;
    if (current.done) return;
    upcoming = new Promise<void>((resolve) => setImmediate(resolve)).then(() => source.next());
    yield current.value;
  }
}

/** Waits for a server job and reads its counts (as `@nucleus/server` reports them). */
async function fromJob(job: Job, kind: "items" | "labels"): Promise<SendResult> {
  const status = await job.waitUntilDone({ pollInterval: 200 });
  const errors = await job.errors();
  const message = (typeof status.message === "object" && status.message ? status.message : {}) as Record<
    string,
    Record<string, number>
  >;
  if (kind === "items") {
    const counts = message.item_upload ?? {};
    return { kind, new: counts.new ?? 0, updated: counts.updated ?? 0, ignored: counts.ignored ?? 0, errors };
  }
  const counts = message.annotation_upload ?? message.prediction_upload ?? {};
  return { kind, processed: counts.processed ?? 0, ignored: counts.ignored ?? 0, errors };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

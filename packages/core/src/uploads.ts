/**
 * Upload options and results, and batches prepared ahead of sending: the public side of uploads.
 * The requests themselves are sent by `internal/uploads.ts`.
 */
import type { Annotation, DatasetItem, Prediction, RefusalDetail } from "@nucleus/schemas";
import { itemPayloads, labelPayloads } from "./internal/payloads.js";
import type { CallOptions } from "./options.js";

/**
 * Options of uploads: upsert behaviour, async mode, batch sizes and local files.
 *
 * @example
 * ```ts
 * import type { UploadOptions } from "@nucleus/core";
 *
 * const options: UploadOptions = { update: true, batchSize: 50, idempotencyKey: "nightly-2026-12-01" };
 * ```
 */
export interface UploadOptions extends CallOptions {
  /** Replace entries that exist (same reference id, or same reference and annotation id). Default false: they are ignored. */
  update?: boolean;
  /** Upload through a signed URL and a server job instead of request by request. Remote files only. */
  asynchronous?: boolean;
  /** Entries per JSON request (items: 20, annotations: 5,000, like the official client). */
  batchSize?: number;
  /**
   * Sent as `Idempotency-Key` (with a suffix per request) so that a repeated call is applied
   * once and answered with its first counts by servers that support it, such as
   * `@nucleus/server`. Off by default: the official client sends no such header.
   */
  idempotencyKey?: string;
  /**
   * The contents of local files, by the location written in `imageUrl` or `maskUrl`. Read
   * instead of the file system; in a browser, the way to upload a `File` (or pass a `blob:` URL).
   */
  files?: ReadonlyMap<string, Blob> | Readonly<Record<string, Blob>>;
}

/**
 * Totals of an item upload.
 *
 * @example
 * ```ts
 * import type { AppendResult } from "@nucleus/core";
 *
 * const summary = (r: AppendResult) => `${r.newItems} new, ${r.updatedItems} updated, ${r.ignoredItems} ignored`;
 * ```
 */
export interface AppendResult {
  datasetId: string;
  newItems: number;
  updatedItems: number;
  ignoredItems: number;
  uploadErrors: number;
}

/**
 * Totals of an annotation or prediction upload; `errors` names each entry the server refused.
 *
 * @example
 * ```ts
 * import type { LabelUploadResult } from "@nucleus/core";
 *
 * const failed = (r: LabelUploadResult) => r.errors.length > 0;
 * ```
 */
export interface LabelUploadResult {
  datasetId: string;
  modelRunId?: string;
  processed: number;
  ignored: number;
  errors: string[];
  /**
   * Which entries each error is about, one detail per error in the same order, when the server
   * sends them (`@nucleus/server` does; Scale's hosted API sends only `errors`).
   */
  errorDetails: RefusalDetail[];
}

/**
 * Entries validated, shaped and serialised for the wire ahead of sending: upload methods take
 * one instead of an array, so the work can be done while an earlier request is in flight.
 *
 * @example
 * ```ts
 * import { prepareItems } from "@nucleus/core";
 *
 * const batch = prepareItems([{ imageUrl: "s3://bucket/1.jpg", referenceId: "img_1" }]);
 * batch.size; // 1
 * ```
 */
export class PreparedBatch<K extends "items" | "annotations" | "predictions"> {
  /** The wire payloads serialised as one JSON array; a request that sends the whole batch sends this text. */
  readonly json: string;

  /** @internal Made by {@link prepareItems}, {@link prepareAnnotations} and {@link preparePredictions}. */
  constructor(
    /** What the entries are. */
    readonly kind: K,
    /** The wire payloads, in input order. */
    readonly payloads: readonly unknown[],
  ) {
    this.json = JSON.stringify(payloads);
  }

  /** The number of entries. */
  get size(): number {
    return this.payloads.length;
  }
}

/**
 * Validates items (every problem at once, as a `ValidationError`) and shapes them for the wire.
 *
 * @example
 * ```ts
 * const batch = prepareItems([{ imageUrl: "s3://bucket/1.jpg", referenceId: "img_1" }]);
 * await dataset.append(batch);
 * ```
 */
export function prepareItems(items: readonly DatasetItem[]): PreparedBatch<"items"> {
  return new PreparedBatch("items", itemPayloads(items));
}

/**
 * Validates annotations (every problem at once, as a `ValidationError`) and shapes them for the wire.
 *
 * @example
 * ```ts
 * await dataset.annotate(prepareAnnotations(annotations));
 * ```
 */
export function prepareAnnotations(annotations: readonly Annotation[]): PreparedBatch<"annotations"> {
  return new PreparedBatch("annotations", labelPayloads(annotations, "annotations"));
}

/**
 * Validates predictions (every problem at once, as a `ValidationError`) and shapes them for the wire.
 *
 * @example
 * ```ts
 * await run.predict(preparePredictions(predictions));
 * ```
 */
export function preparePredictions(predictions: readonly Prediction[]): PreparedBatch<"predictions"> {
  return new PreparedBatch("predictions", labelPayloads(predictions, "predictions"));
}

import {
  AnnotateResponse,
  Annotation,
  type AnnotationWire,
  AppendItemsResponse,
  DatasetItem,
  type DatasetItemWire,
  Job as JobCodec,
  Prediction,
  type PredictionWire,
  PredictResponse,
  SignedUrlResponse,
  type ValidationIssue,
  validateBatch,
} from "@nucleus/schemas";
import { ValidationError } from "../errors.js";
import { Job } from "../resources/job.js";
import type { Api, CallOptions } from "./api.js";
import { chunk, imageContentType, isRemote, readLocalFile } from "./files.js";
import { path } from "./path.js";
import { itemPayload, labelPayload } from "./payloads.js";

/** Options of uploads: upsert behaviour, async mode and batch sizes. */
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
}

/** The headers of the n-th request of an upload. */
function keyHeaders(options: UploadOptions, n: number): { headers?: Record<string, string> } {
  return options.idempotencyKey ? { headers: { "idempotency-key": `${options.idempotencyKey}:${n}` } } : {};
}

/** Totals of an item upload. */
export interface AppendResult {
  datasetId: string;
  newItems: number;
  updatedItems: number;
  ignoredItems: number;
  uploadErrors: number;
}

/** Totals of an annotation or prediction upload; `errors` names each entry the server refused. */
export interface LabelUploadResult {
  datasetId: string;
  modelRunId?: string;
  processed: number;
  ignored: number;
  errors: string[];
}

const LOCAL_FILES_PER_REQUEST = 10;
const REMOTE_MASKS_PER_REQUEST = 20;

/**
 * Entries validated, shaped and serialised for the wire ahead of sending: upload methods take
 * one instead of an array, so the work can be done while an earlier request is in flight.
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

/** Validates items (every problem at once) and returns their wire payloads. */
export function itemPayloads(items: readonly DatasetItem[]): DatasetItemWire[] {
  const payloads = items.map((item) => itemPayload(DatasetItem.toWire(item)));
  const { issues } = validateBatch(DatasetItem, payloads, "items");
  issues.push(...duplicates(payloads, "items", (p) => p.reference_id));
  if (issues.length > 0) throw new ValidationError(issues);
  return payloads;
}

/** Appends items: remote URLs as JSON batches, local files as multipart, or one async job. */
export async function appendItems(
  api: Api,
  datasetId: string,
  items: readonly DatasetItem[] | PreparedBatch<"items">,
  options: UploadOptions,
): Promise<AppendResult | Job> {
  const payloads =
    items instanceof PreparedBatch ? (items.payloads as DatasetItemWire[]) : itemPayloads(items);
  const update = options.update ?? false;
  if (options.asynchronous) {
    requireRemote(
      payloads.map((p, i) => [i, p.reference_id, p.image_url]),
      "items",
      "image_url",
    );
    return asyncUpload(api, datasetId, path`dataset/${{ datasetId }}/append`, payloads, update, options);
  }
  const total: AppendResult = { datasetId, newItems: 0, updatedItems: 0, ignoredItems: 0, uploadErrors: 0 };
  const add = (r: AppendItemsResponse) => {
    total.newItems += r.newItems;
    total.updatedItems += r.updatedItems;
    total.ignoredItems += r.ignoredItems;
    total.uploadErrors += r.uploadErrors;
  };
  const remote = payloads.filter((p) => isRemote(p.image_url));
  const local = payloads.filter((p) => !isRemote(p.image_url));
  const batchSize = options.batchSize ?? 20;
  let requestNumber = 0;
  for (const batch of chunk(remote, batchSize)) {
    // A prepared batch that is sent whole reuses its serialised payloads.
    const whole = items instanceof PreparedBatch && batch.length === payloads.length;
    add(
      await api.call(AppendItemsResponse, {
        method: "POST",
        path: path`dataset/${{ datasetId }}/append`,
        ...keyHeaders(options, requestNumber++),
        ...(whole
          ? { body: `{"items":${items.json},"update":${update}}` }
          : { json: { items: batch, update } }),
        idempotent: true,
        signal: options.signal,
      }),
    );
  }
  for (const batch of chunk(local, LOCAL_FILES_PER_REQUEST)) {
    add(
      await api.call(AppendItemsResponse, {
        method: "POST",
        path: path`dataset/${{ datasetId }}/append`,
        ...keyHeaders(options, requestNumber++),
        form: async () => {
          const form = new FormData();
          form.append("items", JSON.stringify(batch.map((p) => ({ ...p, update }))));
          for (const item of batch) {
            const file = await readLocalFile(item.image_url);
            form.append(
              "image",
              new Blob([file], { type: imageContentType(item.image_url) }),
              encodeURIComponent(item.image_url),
            );
          }
          return form;
        },
        idempotent: true,
        signal: options.signal,
      }),
    );
  }
  return total;
}

/** Where labels go. */
export type LabelDestination =
  | { kind: "annotations"; datasetId: string }
  | { kind: "predictions"; datasetId: string; route: string };

/** Validates labels (every problem at once) and returns their wire payloads. */
export function labelPayloads(
  labels: readonly (Annotation | Prediction)[],
  kind: "annotations" | "predictions",
): (AnnotationWire | PredictionWire)[] {
  const codec = kind === "annotations" ? Annotation : Prediction;
  const payloads = labels.map((label) =>
    labelPayload(codec.toWire(label as never) as AnnotationWire | PredictionWire),
  );
  const { issues } = validateBatch(codec, payloads, kind === "annotations" ? "annotations" : "predictions");
  issues.push(
    ...duplicates(payloads, kind, (p) =>
      "annotation_id" in p && p.annotation_id ? `${p.reference_id}\u0000${p.annotation_id}` : undefined,
    ),
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return payloads;
}

/**
 * Uploads annotations or predictions: remote masks first (20 per request, as the official
 * client does), local masks as multipart, then everything else in batches; or one async job.
 */
export async function uploadLabels(
  api: Api,
  destination: LabelDestination,
  labels: readonly (Annotation | Prediction)[] | PreparedBatch<"annotations" | "predictions">,
  options: UploadOptions,
): Promise<LabelUploadResult | Job> {
  if (labels instanceof PreparedBatch && labels.kind !== destination.kind) {
    throw new TypeError(`a batch prepared as ${labels.kind} cannot be uploaded as ${destination.kind}`);
  }
  const payloads =
    labels instanceof PreparedBatch
      ? (labels.payloads as (AnnotationWire | PredictionWire)[])
      : labelPayloads(labels, destination.kind);
  const update = options.update ?? false;
  const route =
    destination.kind === "annotations"
      ? path`dataset/${{ datasetId: destination.datasetId }}/annotate`
      : destination.route;
  if (options.asynchronous) {
    requireRemote(
      payloads.flatMap((p, i) => (p.type === "mask" ? [[i, p.reference_id, p.mask_url] as const] : [])),
      destination.kind,
      "mask_url",
    );
    return asyncUpload(api, destination.datasetId, route, payloads, update, options);
  }
  const total: LabelUploadResult = { datasetId: destination.datasetId, processed: 0, ignored: 0, errors: [] };
  let requestNumber = 0;
  const post = async (spec: { json?: unknown; body?: string; form?: () => Promise<FormData> }) => {
    const request = {
      method: "POST" as const,
      path: route,
      idempotent: true,
      signal: options.signal,
      ...keyHeaders(options, requestNumber++),
      ...spec,
    };
    if (destination.kind === "annotations") {
      const r = await api.call(AnnotateResponse, request);
      total.processed += r.annotationsProcessed;
      total.ignored += r.annotationsIgnored;
      total.errors.push(...(r.errors ?? []));
    } else {
      const r = await api.call(PredictResponse, request);
      total.processed += r.predictionsProcessed;
      total.ignored += r.predictionsIgnored;
      total.modelRunId = r.modelRunId;
      total.errors.push(...(r.errors ?? []));
    }
  };

  const masks = payloads.filter((p) => p.type === "mask");
  const others = payloads.filter((p) => p.type !== "mask");
  for (const batch of chunk(
    masks.filter((m) => isRemote(m.mask_url)),
    REMOTE_MASKS_PER_REQUEST,
  )) {
    await post({ json: { update, segmentations: batch } });
  }
  for (const batch of chunk(
    masks.filter((m) => !isRemote(m.mask_url)),
    LOCAL_FILES_PER_REQUEST,
  )) {
    await post({
      form: async () => {
        const form = new FormData();
        form.append("serialized_request", JSON.stringify({ segmentations: batch, update }));
        for (const mask of batch) {
          const file = await readLocalFile(mask.mask_url);
          form.append("mask", new Blob([file], { type: "image/png" }), encodeURIComponent(mask.mask_url));
        }
        return form;
      },
    });
  }
  for (const batch of chunk(others, options.batchSize ?? 5_000)) {
    // A prepared batch that is sent whole reuses its serialised payloads.
    const whole = labels instanceof PreparedBatch && batch.length === payloads.length;
    await post(
      whole
        ? { body: `{"update":${update},"annotations":${labels.json}}` }
        : { json: { update, annotations: batch } },
    );
  }
  return total;
}

/** The signed-URL flow: NDJSON PUT to a URL the server hands out, then the `?async=1` request. */
async function asyncUpload(
  api: Api,
  datasetId: string,
  route: string,
  payloads: readonly unknown[],
  update: boolean,
  options: CallOptions,
): Promise<Job> {
  const requestId = globalThis.crypto.randomUUID().replaceAll("-", "");
  const { signedUrl } = await api.call(SignedUrlResponse, {
    method: "GET",
    path: path`dataset/${{ datasetId }}/signedUrl/${{ requestId }}`,
    signal: options.signal,
  });
  await api.transport.putSigned(signedUrl, payloads.map((p) => JSON.stringify(p)).join("\n"), options.signal);
  const job = await api.call(JobCodec, {
    method: "POST",
    path: route,
    query: { async: "1" },
    json: { requestId, update },
    idempotent: false,
    signal: options.signal,
  });
  return new Job(api, job.jobId, job);
}

function requireRemote(
  entries: readonly (readonly [number, string, string])[],
  label: string,
  field: string,
): void {
  const issues: ValidationIssue[] = entries
    .filter(([, , location]) => !isRemote(location))
    .map(([index, ref, location]) => ({
      path: [label, index, field],
      message: "must be a remote URL (http, https, s3 or gs) for an asynchronous upload",
      received: location,
      referenceId: ref,
      text: `${label}[${index}] (reference_id ${JSON.stringify(ref)}): ${field} must be a remote URL (http, https, s3 or gs) for an asynchronous upload, got ${JSON.stringify(location)}`,
    }));
  if (issues.length > 0) throw new ValidationError(issues);
}

function duplicates<T extends { reference_id: string }>(
  payloads: readonly T[],
  label: string,
  keyOf: (payload: T) => string | undefined,
): ValidationIssue[] {
  const seen = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  payloads.forEach((payload, index) => {
    const key = keyOf(payload);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const what = label === "items" ? "reference_id" : "annotation_id";
    issues.push({
      path: [label, index, what],
      message: `repeats ${label}[${first}]`,
      received: key,
      referenceId: payload.reference_id,
      text: `${label}[${index}] (reference_id ${JSON.stringify(payload.reference_id)}): ${what} repeats ${label}[${first}]`,
    });
  });
  return issues;
}

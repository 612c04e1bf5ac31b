/**
 * Sending uploads: items and labels in batches (JSON, or multipart for local files), or through
 * a signed URL and a server job. The options, results and prepared batches are in `../uploads.ts`.
 */
import {
  type Annotation,
  type AnnotationWire,
  type ContractRequest,
  type DatasetItem,
  type DatasetItemWire,
  type Prediction,
  type PredictionWire,
  routes,
  type ValidationIssue,
} from "@nucleus/schemas";
import { ValidationError } from "../errors.js";
import type { CallOptions } from "../options.js";
import { Job } from "../resources/job.js";
import { type AppendResult, type LabelUploadResult, PreparedBatch, type UploadOptions } from "../uploads.js";
import type { Api } from "./api.js";
import { chunk, imageContentType, isRemote } from "./files.js";
import { itemPayloads, labelPayloads } from "./payloads.js";

const LOCAL_FILES_PER_REQUEST = 10;
const REMOTE_MASKS_PER_REQUEST = 20;

/** Where labels go: a dataset's ground truth, a run, or the run of a model on a dataset. */
export type LabelDestination =
  | { kind: "annotations"; datasetId: string }
  | { kind: "predictions"; datasetId: string; runId: string }
  | { kind: "predictions"; datasetId: string; modelId: string };

/** How one upload request carries its body: wire JSON, ready JSON text, or a multipart form. */
interface UploadBody {
  wire?: { update: boolean; items?: DatasetItemWire[]; annotations?: unknown[]; segmentations?: unknown[] };
  text?: string;
  form?: () => Promise<FormData>;
}

/** The headers of the n-th request of an upload. */
function keyHeaders(options: UploadOptions, n: number): { headers?: Record<string, string> } {
  return options.idempotencyKey ? { headers: { "idempotency-key": `${options.idempotencyKey}:${n}` } } : {};
}

/** The bytes of a local file: from the `files` option, else from the platform (the file system in Node). */
function readLocal(api: Api, options: UploadOptions, location: string): Promise<Blob> {
  const { files } = options;
  const given =
    files instanceof Map ? files.get(location) : (files as Record<string, Blob> | undefined)?.[location];
  return given ? Promise.resolve(given) : api.platform.readFile(location);
}

/**
 * Entries per request of each kind (JSON, files, remote masks). A batch prepared ahead is sent
 * whole, one request per kind: whoever prepared it (the uploader) chose its size, so batching
 * happens in one layer only; plain arrays are cut here, as the official client cuts them.
 */
function requestSizes<T extends Record<string, number>>(input: unknown, defaults: T): T {
  if (!(input instanceof PreparedBatch)) return defaults;
  return Object.fromEntries(Object.keys(defaults).map((kind) => [kind, Number.POSITIVE_INFINITY])) as T;
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
    return asyncUpload(api, { kind: "items", datasetId }, payloads, update, options);
  }
  const total: AppendResult = { datasetId, newItems: 0, updatedItems: 0, ignoredItems: 0, uploadErrors: 0 };
  let requestNumber = 0;
  const post = async (body: UploadBody) => {
    const r = await api.call(
      routes.appendItems,
      {
        params: { datasetId },
        ...body,
        wire: body.wire as ContractRequest<typeof routes.appendItems>["body"] | undefined,
        ...keyHeaders(options, requestNumber++),
      },
      options,
    );
    total.newItems += r.newItems;
    total.updatedItems += r.updatedItems;
    total.ignoredItems += r.ignoredItems;
    total.uploadErrors += r.uploadErrors;
  };
  const remote = payloads.filter((p) => isRemote(p.image_url));
  const local = payloads.filter((p) => !isRemote(p.image_url));
  const sizes = requestSizes(items, { json: options.batchSize ?? 20, files: LOCAL_FILES_PER_REQUEST });
  for (const batch of chunk(remote, sizes.json)) {
    // A prepared batch that is sent whole reuses its serialised payloads.
    const whole = items instanceof PreparedBatch && batch.length === payloads.length;
    await post(
      whole ? { text: `{"items":${items.json},"update":${update}}` } : { wire: { items: batch, update } },
    );
  }
  for (const batch of chunk(local, sizes.files)) {
    await post({
      form: async () => {
        const form = new FormData();
        form.append("items", JSON.stringify(batch.map((p) => ({ ...p, update }))));
        for (const item of batch) {
          const file = await readLocal(api, options, item.image_url);
          form.append(
            "image",
            new Blob([file], { type: imageContentType(item.image_url) }),
            encodeURIComponent(item.image_url),
          );
        }
        return form;
      },
    });
  }
  return total;
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
  if (options.asynchronous) {
    requireRemote(
      payloads.flatMap((p, i) => (p.type === "mask" ? [[i, p.reference_id, p.mask_url] as const] : [])),
      destination.kind,
      "mask_url",
    );
    return asyncUpload(api, destination, payloads, update, options);
  }
  const total: LabelUploadResult = {
    datasetId: destination.datasetId,
    processed: 0,
    ignored: 0,
    errors: [],
    errorDetails: [],
  };
  let requestNumber = 0;
  const post = async (body: UploadBody) => {
    const counts = await postLabels(
      api,
      destination,
      { ...body, ...keyHeaders(options, requestNumber++) },
      options,
    );
    total.processed += counts.processed;
    total.ignored += counts.ignored;
    total.errors.push(...counts.errors);
    total.errorDetails.push(...counts.errorDetails);
    if (counts.modelRunId !== undefined) total.modelRunId = counts.modelRunId;
  };

  const masks = payloads.filter((p) => p.type === "mask");
  const others = payloads.filter((p) => p.type !== "mask");
  const sizes = requestSizes(labels, {
    json: options.batchSize ?? 5_000,
    files: LOCAL_FILES_PER_REQUEST,
    masks: REMOTE_MASKS_PER_REQUEST,
  });
  for (const batch of chunk(
    masks.filter((m) => isRemote(m.mask_url)),
    sizes.masks,
  )) {
    await post({ wire: { update, segmentations: batch } });
  }
  for (const batch of chunk(
    masks.filter((m) => !isRemote(m.mask_url)),
    sizes.files,
  )) {
    await post({
      form: async () => {
        const form = new FormData();
        form.append("serialized_request", JSON.stringify({ segmentations: batch, update }));
        for (const mask of batch) {
          const file = await readLocal(api, options, mask.mask_url);
          form.append("mask", new Blob([file], { type: "image/png" }), encodeURIComponent(mask.mask_url));
        }
        return form;
      },
    });
  }
  for (const batch of chunk(others, sizes.json)) {
    // A prepared batch that is sent whole reuses its serialised payloads.
    const whole = labels instanceof PreparedBatch && batch.length === payloads.length;
    await post(
      whole
        ? { text: `{"update":${update},"annotations":${labels.json}}` }
        : { wire: { update, annotations: batch } },
    );
  }
  return total;
}

/** One label upload request to its route, with the counts it answers. */
async function postLabels(
  api: Api,
  destination: LabelDestination,
  body: UploadBody & { headers?: Record<string, string> },
  options: CallOptions,
): Promise<Omit<LabelUploadResult, "datasetId">> {
  // The payloads were validated when they were shaped: they go as they are.
  const wire = body.wire as never;
  if (destination.kind === "annotations") {
    const r = await api.call(
      routes.annotate,
      { params: { datasetId: destination.datasetId }, ...body, wire },
      options,
    );
    return {
      processed: r.annotationsProcessed,
      ignored: r.annotationsIgnored,
      errors: r.errors ?? [],
      errorDetails: r.errorDetails ?? [],
    };
  }
  const r =
    "runId" in destination
      ? await api.call(routes.predict, { params: { runId: destination.runId }, ...body, wire }, options)
      : await api.call(
          routes.uploadPredictions,
          { params: { datasetId: destination.datasetId, modelId: destination.modelId }, ...body, wire },
          options,
        );
  return {
    processed: r.predictionsProcessed,
    ignored: r.predictionsIgnored,
    errors: r.errors ?? [],
    errorDetails: r.errorDetails ?? [],
    modelRunId: r.modelRunId,
  };
}

/** The signed-URL flow: NDJSON PUT to a URL the server hands out, then the `?async=1` request. */
async function asyncUpload(
  api: Api,
  destination: LabelDestination | { kind: "items"; datasetId: string },
  payloads: readonly unknown[],
  update: boolean,
  options: CallOptions,
): Promise<Job> {
  const { datasetId } = destination;
  const requestId = globalThis.crypto.randomUUID().replaceAll("-", "");
  const { signedUrl } = await api.call(routes.signedUrl, { params: { datasetId, requestId } }, options);
  await api.transport.putSigned(
    signedUrl,
    payloads.map((p) => JSON.stringify(p)).join("\n"),
    options.signal,
    options.maxRetries,
  );
  const body = { requestId, update };
  const job =
    destination.kind === "items"
      ? await api.call(routes.appendItemsAsync, { params: { datasetId }, body }, options)
      : destination.kind === "annotations"
        ? await api.call(routes.annotateAsync, { params: { datasetId }, body }, options)
        : "runId" in destination
          ? await api.call(routes.predictAsync, { params: { runId: destination.runId }, body }, options)
          : await api.call(
              routes.uploadPredictionsAsync,
              { params: { datasetId, modelId: destination.modelId }, body },
              options,
            );
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

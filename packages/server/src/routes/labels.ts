import {
  type AnnotateRequest,
  type PredictRequest,
  routes,
  type SegmentationAnnotationWire,
  type WireOf,
} from "@nucleus/schemas";
import { Hono } from "hono";
import type { FilePart } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { type ContractForm, route } from "../http/contract.js";
import { badRequest, conflict } from "../http/errors.js";
import { once } from "../http/idempotency.js";
import { requireDataset, requireModel, requireRun } from "../http/lookup.js";
import { MASK_MEDIA_KEY } from "../media/masks.js";
import { jobWire } from "../presenters/jobs.js";
import { annotateResponseWire, predictResponseWire } from "../presenters/labels.js";
import { checkObjectVectors } from "../services/object-vectors.js";
import { upsertCheckedLabels } from "../services/taxonomy-check.js";
import type {
  DatasetRecord,
  EntityStores,
  LabelInput,
  LabelTarget,
  LabelUpsertResult,
  ModelRunRecord,
} from "../store/index.js";
import { startAsyncUpload } from "./uploads.js";

/** The multipart form of a label upload: the `serialized_request` part and one `mask` file per segmentation. */
type MaskForm = ContractForm<typeof routes.annotate>;

/** What a label upload route carries: a JSON body, or a multipart form of local masks. */
interface LabelUpload {
  body: WireOf<typeof AnnotateRequest> | WireOf<typeof PredictRequest> | undefined;
  form?: MaskForm;
}

/** Ground-truth and prediction uploads: JSON, multipart masks, and the async form. */
export function labelRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.annotateAsync, async ({ params, body }, c) =>
    startAsyncUpload(c, await requireDataset(c, params.datasetId), "uploadAnnotations", body),
  );

  route(app, routes.annotate, async (request, c) => {
    const dataset = await requireDataset(c, request.params.datasetId);
    const { labels, update } = await readLabels(c, request);
    return once(c, async (stores) => {
      await c.get("mediaAccess").retain(stores, c.get("tenant"), dataset.id, maskKeysOf(labels));
      return annotateResponseWire(
        dataset.id,
        await writeLabels(c, stores, { kind: "annotations", datasetId: dataset.id }, labels, update),
      );
    });
  });

  route(app, routes.predictAsync, async ({ params, body }, c) => {
    const run = await requireRun(c, params.runId);
    refuseIfImmutable(c, run);
    return startAsyncUpload(c, await requireDataset(c, run.datasetId), "uploadPredictions", body, run);
  });

  route(app, routes.predict, async (request, c) => {
    const run = await requireRun(c, request.params.runId);
    return predict(c, await requireDataset(c, run.datasetId), run, request);
  });

  route(app, routes.uploadPredictionsAsync, async ({ params, body }, c) => {
    const { dataset, run } = await implicitRun(c, params.datasetId, params.modelId);
    refuseIfImmutable(c, run);
    return startAsyncUpload(c, dataset, "uploadPredictions", body, run);
  });

  route(app, routes.uploadPredictions, async (request, c) => {
    const { dataset, run } = await implicitRun(c, request.params.datasetId, request.params.modelId);
    return predict(c, dataset, run, request);
  });

  route(app, routes.deleteAnnotations, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const referenceIds = body.reference_ids ?? [];
    // The deletion and the job that reports it apply together.
    const job = await c.get("services").store.transaction(async (tx) => {
      const deleted = await tx.labels.delete(
        { kind: "annotations", datasetId: dataset.id },
        referenceIds.length === 0 ? { all: true } : { referenceIds },
      );
      return tx.jobs.create(c.get("tenant"), {
        datasetId: dataset.id,
        type: "annotationDeletion",
        spec: {},
        done: { message: { deleted } },
      });
    });
    // The object index files of a dataset left without object vectors are deleted.
    await c.get("services").objects.dropIfEmpty(dataset.id);
    return jobWire(job);
  });

  return app;
}

/** The run that `uploadPredictions` writes to: one per model and dataset, made on first use. */
async function implicitRun(
  c: Ctx,
  datasetId: string,
  modelId: string,
): Promise<{ dataset: DatasetRecord; run: ModelRunRecord }> {
  const dataset = await requireDataset(c, datasetId);
  const model = await requireModel(c, modelId);
  const run = await c.get("services").store.runs.ensureImplicit(c.get("tenant"), model, dataset.id);
  return { dataset, run };
}

function refuseIfImmutable(c: Ctx, run: ModelRunRecord): void {
  if (run.status === "Committed" && c.get("services").immutableCommittedRuns) {
    throw conflict(`Model run ${run.id} is committed: its predictions cannot change. Create a new run.`);
  }
}

async function predict(c: Ctx, dataset: DatasetRecord, run: ModelRunRecord, request: LabelUpload) {
  refuseIfImmutable(c, run);
  const { labels, update } = await readLabels(c, request);
  const target: LabelTarget = { kind: "predictions", datasetId: dataset.id, runId: run.id };
  return once(c, async (stores) => {
    await c.get("mediaAccess").retain(stores, c.get("tenant"), dataset.id, maskKeysOf(labels));
    return predictResponseWire(dataset.id, run.id, await writeLabels(c, stores, target, labels, update));
  });
}

/**
 * Writes an upload's labels after checking their object vectors: a bad one refuses the request,
 * naming the label. With vectors, the check and the write are one transaction, so two uploads
 * cannot both set a dataset's first object vector length.
 */
async function writeLabels(
  c: Ctx,
  stores: EntityStores,
  target: LabelTarget,
  labels: readonly LabelInput[],
  update: boolean,
): Promise<LabelUpsertResult> {
  const write = async (tx: EntityStores) => {
    const checked = await checkObjectVectors(tx, target.datasetId, labels, {
      where: (i, label) => `annotations[${i}] (reference_id ${JSON.stringify(label.reference_id)})`,
      refuse: (message) => {
        throw badRequest(message);
      },
    });
    return upsertCheckedLabels(tx, target, checked, { update });
  };
  const { store } = c.get("services");
  const carrying = labels.some((label) => "embedding_vector" in label && label.embedding_vector != null);
  // Inside an idempotent request the write is already a transaction.
  return carrying && stores === store ? store.transaction(write) : write(stores);
}

/** The labels of an upload: JSON (`annotations` + `segmentations`) or multipart local masks. */
async function readLabels(
  c: Ctx,
  { body, form }: LabelUpload,
): Promise<{ labels: LabelInput[]; update: boolean }> {
  if (form) {
    const request = await form.part("serialized_request");
    const masks = form.files("mask");
    if (masks.length !== request.segmentations.length) {
      throw badRequest(
        `The multipart body has ${request.segmentations.length} segmentations but ${masks.length} mask parts: send one PNG per segmentation, in order`,
      );
    }
    const { media } = c.get("services");
    const labels = await Promise.all(
      request.segmentations.map(
        async (segmentation, i): Promise<SegmentationAnnotationWire & { [MASK_MEDIA_KEY]: string }> => {
          const bytes = new Uint8Array(await (masks[i] as FilePart).arrayBuffer());
          if (!isPng(bytes)) {
            throw badRequest(
              `segmentations[${i}] (reference_id ${JSON.stringify(segmentation.reference_id)}): the mask is not a PNG file`,
            );
          }
          // The caller's mask_url is kept as sent (the official client compares it on read-back).
          return { ...segmentation, [MASK_MEDIA_KEY]: media.put(bytes, "mask.png") };
        },
      ),
    );
    return { labels, update: request.update ?? false };
  }
  const labels: LabelInput[] = [...(body?.annotations ?? []), ...(body?.segmentations ?? [])];
  return { labels, update: body?.update ?? false };
}

/**
 * The stored masks of uploaded labels (those sent as files), by media key. Only files this
 * request stored count: a JSON body cannot name a stored file into a dataset.
 */
function maskKeysOf(labels: readonly LabelInput[]): string[] {
  return labels.flatMap((label) => {
    const key = (label as { [MASK_MEDIA_KEY]?: unknown })[MASK_MEDIA_KEY];
    return typeof key === "string" ? [key] : [];
  });
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((byte, i) => bytes[i] === byte);
}

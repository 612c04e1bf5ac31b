import {
  AnnotateRequest,
  DeleteAnnotationsRequest,
  type PredictionWire,
  PredictRequest,
  type SegmentationAnnotationWire,
  SerializedSegmentationsPart,
} from "@nucleus/schemas";
import { Hono } from "hono";
import { type FilePart, isMultipart, readBody, readMultipart, validate } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { badRequest, conflict } from "../http/errors.js";
import { once } from "../http/idempotency.js";
import { param, requireDataset, requireModel, requireRun } from "../http/lookup.js";
import { MEDIA_SCHEME } from "../media.js";
import { jobWire } from "../presenters/jobs.js";
import { annotateResponseWire, predictResponseWire } from "../presenters/labels.js";
import type { DatasetRecord, LabelInput, LabelTarget, ModelRunRecord } from "../store/index.js";
import { startAsyncUpload } from "./uploads.js";

/** Ground-truth and prediction uploads: JSON, multipart masks, and the async form. */
export function labelRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/:datasetId/annotate", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    if (c.req.query("async") === "1") return startAsyncUpload(c, dataset, "uploadAnnotations");
    const { labels, update } = await readLabels(c, "annotations");
    return c.json(
      await once(c, async (stores) =>
        annotateResponseWire(
          dataset.id,
          await stores.labels.upsert({ kind: "annotations", datasetId: dataset.id }, labels, { update }),
        ),
      ),
    );
  });

  app.post("/modelRun/:runId/predict", async (c) => {
    const run = await requireRun(c, param(c, "runId"));
    return predict(c, await requireDataset(c, run.datasetId), run);
  });

  app.post("/dataset/:datasetId/model/:modelId/uploadPredictions", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const model = await requireModel(c, param(c, "modelId"));
    const run = await c.get("services").store.runs.ensureImplicit(c.get("tenant"), model, dataset.id);
    return predict(c, dataset, run);
  });

  app.delete("/annotation/:datasetId", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, DeleteAnnotationsRequest);
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
    return c.json(jobWire(job));
  });

  return app;
}

async function predict(c: Ctx, dataset: DatasetRecord, run: ModelRunRecord): Promise<Response> {
  if (run.status === "Committed" && c.get("services").immutableCommittedRuns) {
    throw conflict(`Model run ${run.id} is committed: its predictions cannot change. Create a new run.`);
  }
  if (c.req.query("async") === "1") return startAsyncUpload(c, dataset, "uploadPredictions", run);
  const { labels, update } = await readLabels(c, "predictions");
  const target: LabelTarget = { kind: "predictions", datasetId: dataset.id, runId: run.id };
  return c.json(
    await once(c, async (stores) =>
      predictResponseWire(dataset.id, run.id, await stores.labels.upsert(target, labels, { update })),
    ),
  );
}

/** Reads an upload body: JSON (`annotations` + `segmentations`) or multipart local masks. */
async function readLabels(
  c: Ctx,
  kind: "annotations" | "predictions",
): Promise<{ labels: LabelInput[]; update: boolean }> {
  if (isMultipart(c)) {
    const form = await readMultipart(c);
    const body = validate(
      SerializedSegmentationsPart,
      await form.json("serialized_request"),
      "serialized_request",
    );
    const masks = form.files("mask");
    if (masks.length !== body.segmentations.length) {
      throw badRequest(
        `The multipart body has ${body.segmentations.length} segmentations but ${masks.length} mask parts: send one PNG per segmentation, in order`,
      );
    }
    const { media } = c.get("services");
    const labels = await Promise.all(
      body.segmentations.map(async (segmentation, i): Promise<SegmentationAnnotationWire> => {
        const bytes = new Uint8Array(await (masks[i] as FilePart).arrayBuffer());
        if (!isPng(bytes)) {
          throw badRequest(
            `segmentations[${i}] (reference_id ${JSON.stringify(segmentation.reference_id)}): the mask is not a PNG file`,
          );
        }
        return { ...segmentation, mask_url: `${MEDIA_SCHEME}${media.put(bytes, "mask.png")}` };
      }),
    );
    return { labels, update: body.update ?? false };
  }
  if (kind === "annotations") {
    const body = await readBody(c, AnnotateRequest);
    return {
      labels: [...(body.annotations ?? []), ...(body.segmentations ?? [])],
      update: body.update ?? false,
    };
  }
  const body = await readBody(c, PredictRequest);
  const labels: PredictionWire[] = [...(body.annotations ?? []), ...(body.segmentations ?? [])];
  return { labels, update: body.update ?? false };
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((byte, i) => bytes[i] === byte);
}

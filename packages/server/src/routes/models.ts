import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { notFound } from "../http/errors.js";
import { indexOf, mediaUrlOf, requireDataset, requireModel, requireRun } from "../http/lookup.js";
import { labelWire, predictionGroupsWire } from "../presenters/labels.js";
import { modelRunInfoWire, modelWire } from "../presenters/models.js";
import { commitOptionsOf } from "../requests/evaluations.js";
import type { ItemRecord, ModelRunRecord } from "../store/index.js";

/** Models, model runs and reading predictions back. */
export function modelRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.createModel, async ({ body }, c) => {
    const model = await c.get("services").store.models.create(c.get("tenant"), {
      name: body.name,
      referenceId: body.reference_id,
      metadata: body.metadata ?? {},
      tags: body.tags ?? [],
      trainedSliceIds: body.trained_slice_ids ?? [],
      bundleName: body.bundle_name ?? null,
    });
    return { model_id: model.id };
  });

  route(app, routes.listModels, async (_, c) => ({
    models: (await c.get("services").store.models.list(c.get("tenant"))).map(modelWire),
  }));

  route(app, routes.getModel, async ({ params }, c) => {
    const id = params.modelId;
    // A run id reads its model.
    const run = id.startsWith("run_")
      ? await c.get("services").store.runs.get(c.get("tenant"), id)
      : undefined;
    return modelWire(await requireModel(c, run ? run.modelId : id));
  });

  route(app, routes.deleteModel, async ({ params }, c) => {
    if (!(await c.get("services").store.models.delete(c.get("tenant"), params.modelId)))
      throw notFound("Model", params.modelId);
    return { msg: "Model deletion running in an async job" };
  });

  route(app, routes.createModelRun, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const model = await store.models.find(c.get("tenant"), { referenceId: body.reference_id });
    if (!model) throw notFound("Model with reference id", JSON.stringify(body.reference_id));
    const run = await store.runs.create(c.get("tenant"), {
      modelId: model.id,
      datasetId: dataset.id,
      name: body.name,
      metadata: body.metadata ?? {},
    });
    return { model_run_id: run.id };
  });

  route(app, routes.modelRunInfo, async ({ params }, c) => {
    const run = await requireRun(c, params.runId);
    const [latest] = await c.get("services").store.evaluations.list(c.get("tenant"), { runId: run.id });
    return modelRunInfoWire(run, latest);
  });

  route(app, routes.commitModelRun, async ({ params, body }, c) => {
    const run = await requireRun(c, params.runId);
    const { job } = await c.get("services").evaluations.start(c.get("tenant"), run, {
      name: "commit",
      options: commitOptionsOf(body),
      jobType: "modelRunCommit",
      commitOptions: body,
    });
    return { model_run_id: run.id, job_id: job.id };
  });

  route(app, routes.deleteModelRun, async ({ params }, c) => {
    const { store, objects } = c.get("services");
    const run = await store.runs.get(c.get("tenant"), params.runId);
    if (!run || !(await store.runs.delete(c.get("tenant"), params.runId)))
      throw notFound("Model run", params.runId);
    // The object index files of a dataset left without object vectors are deleted.
    await objects.dropIfEmpty(run.datasetId);
    return {};
  });

  /** The predictions of one item of a run, or a 404 naming how it was asked for. */
  const predictionsOf = async (c: Ctx, run: ModelRunRecord, item: ItemRecord | undefined, what: string) => {
    if (!item) throw notFound("Item", what);
    const target = { kind: "predictions" as const, datasetId: run.datasetId, runId: run.id };
    const labels = await c.get("services").store.labels.list(target, [item.id]);
    return { annotations: predictionGroupsWire(labels, mediaUrlOf(c)) };
  };
  const byReference = async (c: Ctx, run: ModelRunRecord, referenceId: string) => {
    const item = await c.get("services").store.items.find(run.datasetId, { referenceId });
    return predictionsOf(c, run, item, JSON.stringify(referenceId));
  };
  const byIndex = async (c: Ctx, run: ModelRunRecord, text: string) => {
    const index = indexOf("index", text);
    const item = await c.get("services").store.items.find(run.datasetId, { index });
    return predictionsOf(c, run, item, `at index ${index}`);
  };
  const oneByAnnotationId = async (
    c: Ctx,
    run: ModelRunRecord,
    referenceId: string,
    annotationId: string,
  ) => {
    const { store } = c.get("services");
    const item = await store.items.find(run.datasetId, { referenceId });
    const target = { kind: "predictions" as const, datasetId: run.datasetId, runId: run.id };
    const label = item && (await store.labels.find(target, { itemId: item.id, annotationId }));
    if (!label) throw notFound("Prediction", annotationId);
    return labelWire(label, mediaUrlOf(c));
  };
  // Predictions are read by run (modelRun/...) or by model and dataset (the run uploadPredictions writes to).
  const implicitRun = async (c: Ctx, datasetId: string, modelId: string) => {
    const dataset = await requireDataset(c, datasetId);
    const model = await requireModel(c, modelId);
    return c.get("services").store.runs.ensureImplicit(c.get("tenant"), model, dataset.id);
  };

  route(app, routes.modelRunByReference, async ({ params }, c) =>
    byReference(c, await requireRun(c, params.runId), params.referenceId),
  );
  route(app, routes.modelRunByIndex, async ({ params }, c) =>
    byIndex(c, await requireRun(c, params.runId), params.index),
  );
  route(app, routes.modelRunById, async ({ params }, c) => {
    const run = await requireRun(c, params.runId);
    const item = await c.get("services").store.items.get(run.datasetId, params.itemId);
    return predictionsOf(c, run, item, params.itemId);
  });
  route(app, routes.modelRunPredictionById, async ({ params }, c) =>
    oneByAnnotationId(c, await requireRun(c, params.runId), params.referenceId, params.annotationId),
  );
  route(app, routes.modelPredictionsByIndex, async ({ params }, c) =>
    byIndex(c, await implicitRun(c, params.datasetId, params.modelId), params.index),
  );
  route(app, routes.modelPredictionsByReference, async ({ params }, c) =>
    byReference(c, await implicitRun(c, params.datasetId, params.modelId), params.referenceId),
  );
  route(app, routes.modelPredictionById, async ({ params }, c) =>
    oneByAnnotationId(
      c,
      await implicitRun(c, params.datasetId, params.modelId),
      params.referenceId,
      params.annotationId,
    ),
  );

  route(app, routes.calculateEvaluationMetrics, async ({ params, body }, c) => {
    const run = await implicitRun(c, params.datasetId, params.modelId);
    const { evaluation, job } = await c.get("services").evaluations.start(c.get("tenant"), run, {
      name: "calculateEvaluationMetrics",
      options: commitOptionsOf(body),
      jobType: "modelMetrics",
    });
    return { job_id: job.id, model_run_id: run.id, evaluation_id: evaluation.id };
  });

  return app;
}

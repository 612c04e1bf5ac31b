import { CommitModelRunRequest, CreateModelRequest, CreateModelRunRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { notFound } from "../http/errors.js";
import { indexParam, mediaUrlOf, param, requireDataset, requireModel, requireRun } from "../http/lookup.js";
import { groupLabels, modelJson, modelRunInfo } from "../http/present.js";
import type { ItemRow, ModelRunRow } from "../store/types.js";
import { startEvaluation } from "./evaluations.js";

/** Models, model runs and reading predictions back. */
export function modelRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/models/add", async (c) => {
    const body = await readBody(c, CreateModelRequest);
    const row = c.get("services").store.createModel(c.get("tenant"), {
      name: body.name,
      referenceId: body.reference_id,
      metadata: body.metadata ?? {},
      tags: body.tags ?? [],
      trainedSliceIds: body.trained_slice_ids ?? [],
      bundleName: body.bundle_name ?? null,
    });
    return c.json({ model_id: row.id });
  });

  app.on("GET", ["/models/", "/models"], (c) =>
    c.json({ models: c.get("services").store.listModels(c.get("tenant")).map(modelJson) }),
  );

  app.get("/model/:modelId", (c) => {
    const id = param(c, "modelId");
    const { store } = c.get("services");
    const run = id.startsWith("run_") ? store.getModelRun(c.get("tenant"), id) : undefined;
    return c.json(modelJson(requireModel(c, run ? run.model_id : id)));
  });

  app.delete("/model/:modelId", (c) => {
    const id = param(c, "modelId");
    if (!c.get("services").store.deleteModel(c.get("tenant"), id)) throw notFound("Model", id);
    return c.json({ msg: "Model deletion running in an async job" });
  });

  app.post("/dataset/:datasetId/modelRun/create", async (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, CreateModelRunRequest);
    const { store } = c.get("services");
    const model = store.modelByReference(c.get("tenant"), body.reference_id);
    if (!model) throw notFound("Model with reference id", JSON.stringify(body.reference_id));
    const run = store.createModelRun(c.get("tenant"), {
      modelId: model.id,
      datasetId: dataset.id,
      name: body.name,
      metadata: body.metadata ?? {},
      implicit: false,
    });
    return c.json({ model_run_id: run.id });
  });

  app.get("/modelRun/:runId/info", (c) => {
    const run = requireRun(c, param(c, "runId"));
    const latest = c.get("services").store.listEvaluations(run.id)[0];
    return c.json({
      ...modelRunInfo(run),
      evaluation: latest
        ? {
            evaluation_id: latest.id,
            status: latest.status,
            metrics: latest.results ? JSON.parse(latest.results) : null,
          }
        : null,
    });
  });

  app.post("/modelRun/:runId/commit", async (c) => {
    const run = requireRun(c, param(c, "runId"));
    const options = await readBody(c, CommitModelRunRequest);
    c.get("services").store.commitModelRun(run.id, options);
    const { job } = startEvaluation(c, run, { name: "commit", options, jobType: "modelRunCommit" });
    return c.json({ model_run_id: run.id, job_id: job.id });
  });

  app.delete("/modelRun/:runId", (c) => {
    const id = param(c, "runId");
    if (!c.get("services").store.deleteModelRun(c.get("tenant"), id)) throw notFound("Model run", id);
    return c.json({});
  });

  const predictionsOf = (c: Ctx, run: ModelRunRow, item: ItemRow | undefined, what: string) => {
    if (!item) throw notFound("Item", what);
    const target = { kind: "predictions" as const, datasetId: run.dataset_id, runId: run.id };
    return c.json({
      annotations: groupLabels(c.get("services").store.labelsOfItems(target, [item.id]), mediaUrlOf(c)),
    });
  };

  // Predictions are read by run (modelRun/...) or by model and dataset (the run uploadPredictions writes to).
  type RunOf = (c: Ctx) => ModelRunRow;
  const runInPath: RunOf = (c) => requireRun(c, param(c, "runId"));
  const implicitRunOf: RunOf = (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const model = requireModel(c, param(c, "modelId"));
    return c.get("services").store.implicitRun(c.get("tenant"), model, dataset.id);
  };
  const byReference = (runOf: RunOf) => (c: Ctx) => {
    const run = runOf(c);
    const ref = param(c, "referenceId");
    return predictionsOf(
      c,
      run,
      c.get("services").store.itemByReference(run.dataset_id, ref),
      JSON.stringify(ref),
    );
  };
  const byIndex = (runOf: RunOf) => (c: Ctx) => {
    const run = runOf(c);
    const index = indexParam(c, "index");
    return predictionsOf(
      c,
      run,
      c.get("services").store.itemByIndex(run.dataset_id, index),
      `at index ${index}`,
    );
  };
  const oneByAnnotationId = (runOf: RunOf) => (c: Ctx) => {
    const run = runOf(c);
    const { store } = c.get("services");
    const item = store.itemByReference(run.dataset_id, param(c, "referenceId"));
    const target = { kind: "predictions" as const, datasetId: run.dataset_id, runId: run.id };
    const label = item && store.labelByAnnotationId(target, item.id, param(c, "annotationId"));
    if (!label) throw notFound("Prediction", param(c, "annotationId"));
    return c.json(groupLabels([label], mediaUrlOf(c))[label.kind]?.[0]);
  };

  app.get("/modelRun/:runId/refloc/:referenceId", byReference(runInPath));
  app.get("/modelRun/:runId/iloc/:index", byIndex(runInPath));
  app.get("/modelRun/:runId/loc/:itemId", (c) => {
    const run = runInPath(c);
    const id = param(c, "itemId");
    return predictionsOf(c, run, c.get("services").store.itemById(run.dataset_id, id), id);
  });
  app.get("/modelRun/:runId/prediction/loc/:referenceId/:annotationId", oneByAnnotationId(runInPath));
  app.get("/dataset/:datasetId/model/:modelId/iloc/:index", byIndex(implicitRunOf));
  app.get("/dataset/:datasetId/model/:modelId/referenceId/:referenceId", byReference(implicitRunOf));
  app.get(
    "/dataset/:datasetId/model/:modelId/loc/:referenceId/:annotationId",
    oneByAnnotationId(implicitRunOf),
  );

  app.post("/dataset/:datasetId/model/:modelId/calculateEvaluationMetrics", async (c) => {
    const run = implicitRunOf(c);
    const options = await readBody(c, CommitModelRunRequest);
    const { evaluation, job } = startEvaluation(c, run, {
      name: "calculateEvaluationMetrics",
      options,
      jobType: "modelMetrics",
    });
    return c.json({ job_id: job.id, model_run_id: run.id, evaluation_id: evaluation.id });
  });

  return app;
}

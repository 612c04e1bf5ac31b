import { CommitModelRunRequest, CreateModelRequest, CreateModelRunRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { notFound } from "../http/errors.js";
import { indexParam, mediaUrlOf, param, requireDataset, requireModel, requireRun } from "../http/lookup.js";
import { labelGroupsWire } from "../presenters/labels.js";
import { modelRunInfoWire, modelWire } from "../presenters/models.js";
import { commitOptionsOf } from "../requests/evaluations.js";
import type { ItemRecord, ModelRunRecord } from "../store/index.js";

/** Models, model runs and reading predictions back. */
export function modelRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/models/add", async (c) => {
    const body = await readBody(c, CreateModelRequest);
    const model = await c.get("services").store.models.create(c.get("tenant"), {
      name: body.name,
      referenceId: body.reference_id,
      metadata: body.metadata ?? {},
      tags: body.tags ?? [],
      trainedSliceIds: body.trained_slice_ids ?? [],
      bundleName: body.bundle_name ?? null,
    });
    return c.json({ model_id: model.id });
  });

  app.on("GET", ["/models/", "/models"], async (c) =>
    c.json({ models: (await c.get("services").store.models.list(c.get("tenant"))).map(modelWire) }),
  );

  app.get("/model/:modelId", async (c) => {
    const id = param(c, "modelId");
    // A run id reads its model.
    const run = id.startsWith("run_")
      ? await c.get("services").store.runs.get(c.get("tenant"), id)
      : undefined;
    return c.json(modelWire(await requireModel(c, run ? run.modelId : id)));
  });

  app.delete("/model/:modelId", async (c) => {
    const id = param(c, "modelId");
    if (!(await c.get("services").store.models.delete(c.get("tenant"), id))) throw notFound("Model", id);
    return c.json({ msg: "Model deletion running in an async job" });
  });

  app.post("/dataset/:datasetId/modelRun/create", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, CreateModelRunRequest);
    const { store } = c.get("services");
    const model = await store.models.find(c.get("tenant"), { referenceId: body.reference_id });
    if (!model) throw notFound("Model with reference id", JSON.stringify(body.reference_id));
    const run = await store.runs.create(c.get("tenant"), {
      modelId: model.id,
      datasetId: dataset.id,
      name: body.name,
      metadata: body.metadata ?? {},
    });
    return c.json({ model_run_id: run.id });
  });

  app.get("/modelRun/:runId/info", async (c) => {
    const run = await requireRun(c, param(c, "runId"));
    const [latest] = await c.get("services").store.evaluations.list(c.get("tenant"), { runId: run.id });
    return c.json(modelRunInfoWire(run, latest));
  });

  app.post("/modelRun/:runId/commit", async (c) => {
    const run = await requireRun(c, param(c, "runId"));
    const body = await readBody(c, CommitModelRunRequest);
    const { job } = await c.get("services").evaluations.start(c.get("tenant"), run, {
      name: "commit",
      options: commitOptionsOf(body),
      jobType: "modelRunCommit",
      commitOptions: body,
    });
    return c.json({ model_run_id: run.id, job_id: job.id });
  });

  app.delete("/modelRun/:runId", async (c) => {
    const id = param(c, "runId");
    if (!(await c.get("services").store.runs.delete(c.get("tenant"), id))) throw notFound("Model run", id);
    return c.json({});
  });

  /** The predictions of one item of a run, or a 404 naming how it was asked for. */
  const predictionsOf = async (c: Ctx, run: ModelRunRecord, item: ItemRecord | undefined, what: string) => {
    if (!item) throw notFound("Item", what);
    const target = { kind: "predictions" as const, datasetId: run.datasetId, runId: run.id };
    const labels = await c.get("services").store.labels.list(target, [item.id]);
    return c.json({ annotations: labelGroupsWire(labels, mediaUrlOf(c)) });
  };

  // Predictions are read by run (modelRun/...) or by model and dataset (the run uploadPredictions writes to).
  type RunOf = (c: Ctx) => Promise<ModelRunRecord>;
  const runInPath: RunOf = (c) => requireRun(c, param(c, "runId"));
  const implicitRunOf: RunOf = async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const model = await requireModel(c, param(c, "modelId"));
    return c.get("services").store.runs.ensureImplicit(c.get("tenant"), model, dataset.id);
  };
  const byReference = (runOf: RunOf) => async (c: Ctx) => {
    const run = await runOf(c);
    const ref = param(c, "referenceId");
    const item = await c.get("services").store.items.find(run.datasetId, { referenceId: ref });
    return predictionsOf(c, run, item, JSON.stringify(ref));
  };
  const byIndex = (runOf: RunOf) => async (c: Ctx) => {
    const run = await runOf(c);
    const index = indexParam(c, "index");
    const item = await c.get("services").store.items.find(run.datasetId, { index });
    return predictionsOf(c, run, item, `at index ${index}`);
  };
  const oneByAnnotationId = (runOf: RunOf) => async (c: Ctx) => {
    const run = await runOf(c);
    const { store } = c.get("services");
    const annotationId = param(c, "annotationId");
    const item = await store.items.find(run.datasetId, { referenceId: param(c, "referenceId") });
    const target = { kind: "predictions" as const, datasetId: run.datasetId, runId: run.id };
    const label = item && (await store.labels.find(target, { itemId: item.id, annotationId }));
    if (!label) throw notFound("Prediction", annotationId);
    return c.json(labelGroupsWire([label], mediaUrlOf(c))[label.group]?.[0]);
  };

  app.get("/modelRun/:runId/refloc/:referenceId", byReference(runInPath));
  app.get("/modelRun/:runId/iloc/:index", byIndex(runInPath));
  app.get("/modelRun/:runId/loc/:itemId", async (c) => {
    const run = await runInPath(c);
    const id = param(c, "itemId");
    return predictionsOf(c, run, await c.get("services").store.items.get(run.datasetId, id), id);
  });
  app.get("/modelRun/:runId/prediction/loc/:referenceId/:annotationId", oneByAnnotationId(runInPath));
  app.get("/dataset/:datasetId/model/:modelId/iloc/:index", byIndex(implicitRunOf));
  app.get("/dataset/:datasetId/model/:modelId/referenceId/:referenceId", byReference(implicitRunOf));
  app.get(
    "/dataset/:datasetId/model/:modelId/loc/:referenceId/:annotationId",
    oneByAnnotationId(implicitRunOf),
  );

  app.post("/dataset/:datasetId/model/:modelId/calculateEvaluationMetrics", async (c) => {
    const run = await implicitRunOf(c);
    const body = await readBody(c, CommitModelRunRequest);
    const { evaluation, job } = await c.get("services").evaluations.start(c.get("tenant"), run, {
      name: "calculateEvaluationMetrics",
      options: commitOptionsOf(body),
      jobType: "modelMetrics",
    });
    return c.json({ job_id: job.id, model_run_id: run.id, evaluation_id: evaluation.id });
  });

  return app;
}

import {
  CreateEvaluationRequest,
  EvaluationChartsRequest,
  EvaluationExamplesRequest,
} from "@nucleus/schemas";
import { Hono } from "hono";
import { parseJsonText, validate } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { badRequest, notFound } from "../http/errors.js";
import { param, requireRun } from "../http/lookup.js";
import { evaluationWire } from "../presenters/evaluations.js";
import { examplesQueryOf, iouThresholdOf, newEvaluationOf } from "../requests/evaluations.js";
import type { EvaluationMetrics, EvaluationRecord } from "../store/index.js";

/** The caller's evaluation, or a 404. */
async function requireEvaluation(c: Ctx): Promise<EvaluationRecord> {
  const id = param(c, "evaluationId");
  const evaluation = await c.get("services").store.evaluations.get(c.get("tenant"), id);
  if (!evaluation) throw notFound("Evaluation", id);
  return evaluation;
}

/** The metrics of a succeeded evaluation; a 400 says where any other one is. */
function metricsOf(evaluation: EvaluationRecord): EvaluationMetrics {
  if (evaluation.status !== "succeeded" || !evaluation.metrics) {
    throw badRequest(
      `Evaluation ${evaluation.id} is ${evaluation.status}${evaluation.errorMessage ? `: ${evaluation.errorMessage}` : ""}; charts need a succeeded evaluation`,
    );
  }
  return evaluation.metrics;
}

/** Evaluations V2: create, read, list, delete, charts and TP/FP/FN examples of a model run. */
export function evaluationRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/modelRun/:runId/evaluationsV2", async (c) => {
    const run = await requireRun(c, param(c, "runId"));
    const { name, options } = newEvaluationOf(
      validate(CreateEvaluationRequest, parseJsonText(await c.req.text())),
    );
    const { evaluation, job } = await c
      .get("services")
      .evaluations.start(c.get("tenant"), run, { name, options, jobType: "modelMetrics" });
    return c.json({ evaluation_id: evaluation.id, status: evaluation.status, workflow_id: job.id });
  });

  app.get("/modelRun/:runId/evaluationsV2", async (c) => {
    const run = await requireRun(c, param(c, "runId"));
    const evaluations = await c.get("services").store.evaluations.list(c.get("tenant"), { runId: run.id });
    return c.json(evaluations.map(evaluationWire));
  });

  app.get("/evaluationsV2/:evaluationId", async (c) => c.json(evaluationWire(await requireEvaluation(c))));

  app.delete("/evaluationsV2/:evaluationId", async (c) => {
    const evaluation = await requireEvaluation(c);
    await c.get("services").store.evaluations.delete(c.get("tenant"), evaluation.id);
    return c.json({});
  });

  const charts = async (c: Ctx, iouThreshold: number) => {
    const evaluation = await requireEvaluation(c);
    const metrics = metricsOf(evaluation);
    return c.json(await c.get("services").evaluations.charts(evaluation, metrics, iouThreshold));
  };
  app.get("/evaluationsV2/:evaluationId/charts", (c) =>
    charts(c, iouThresholdOf(c.req.query("iouThreshold"))),
  );
  app.post("/evaluationsV2/:evaluationId/charts", async (c) => {
    const body = validate(EvaluationChartsRequest, parseJsonText(await c.req.text()));
    return charts(c, body.iouThreshold ?? iouThresholdOf(c.req.query("iouThreshold")));
  });

  app.post("/evaluationsV2/:evaluationId/examples", async (c) => {
    const evaluation = await requireEvaluation(c);
    metricsOf(evaluation);
    const query = examplesQueryOf(validate(EvaluationExamplesRequest, parseJsonText(await c.req.text())));
    const iouThreshold = iouThresholdOf(c.req.query("iouThreshold"));
    return c.json(await c.get("services").evaluations.examples(evaluation, query, iouThreshold));
  });

  return app;
}

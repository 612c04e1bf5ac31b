import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { requireRun } from "../http/lookup.js";
import { evaluationWire } from "../presenters/evaluations.js";
import { examplesQueryOf, newEvaluationOf } from "../requests/evaluations.js";
import type { EvaluationMetrics, EvaluationRecord } from "../store/index.js";

/** The caller's evaluation, or a 404. */
async function requireEvaluation(c: Ctx, id: string): Promise<EvaluationRecord> {
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

/** The IoU threshold of a charts or examples request (0.5 when absent). */
const DEFAULT_IOU = 0.5;

/** Evaluations V2: create, read, list, delete, charts and TP/FP/FN examples of a model run. */
export function evaluationRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.createEvaluation, async ({ params, body }, c) => {
    const run = await requireRun(c, params.runId);
    const { name, options } = newEvaluationOf(body);
    const { evaluation, job } = await c
      .get("services")
      .evaluations.start(c.get("tenant"), run, { name, options, jobType: "modelMetrics" });
    return { evaluation_id: evaluation.id, status: evaluation.status, workflow_id: job.id };
  });

  route(app, routes.listEvaluations, async ({ params }, c) => {
    const run = await requireRun(c, params.runId);
    const evaluations = await c.get("services").store.evaluations.list(c.get("tenant"), { runId: run.id });
    return evaluations.map(evaluationWire);
  });

  route(app, routes.getEvaluation, async ({ params }, c) =>
    evaluationWire(await requireEvaluation(c, params.evaluationId)),
  );

  route(app, routes.deleteEvaluation, async ({ params }, c) => {
    const evaluation = await requireEvaluation(c, params.evaluationId);
    await c.get("services").store.evaluations.delete(c.get("tenant"), evaluation.id);
    return {};
  });

  const charts = async (c: Ctx, id: string, iouThreshold: number) => {
    const evaluation = await requireEvaluation(c, id);
    const metrics = metricsOf(evaluation);
    return c.get("services").evaluations.charts(evaluation, metrics, iouThreshold);
  };
  route(app, routes.evaluationCharts, async ({ params, query }, c) =>
    charts(c, params.evaluationId, query.iouThreshold ?? DEFAULT_IOU),
  );
  route(app, routes.evaluationChartsPost, async ({ params, query, body }, c) =>
    charts(c, params.evaluationId, body.iouThreshold ?? query.iouThreshold ?? DEFAULT_IOU),
  );

  route(app, routes.evaluationExamples, async ({ params, query, body }, c) => {
    const evaluation = await requireEvaluation(c, params.evaluationId);
    metricsOf(evaluation);
    return c
      .get("services")
      .evaluations.examples(evaluation, examplesQueryOf(body), query.iouThreshold ?? DEFAULT_IOU);
  });

  return app;
}

import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { requireRun } from "../http/lookup.js";
import { exampleRowWire } from "../presenters/curation.js";
import { evaluationWire } from "../presenters/evaluations.js";
import { newEvaluationOf } from "../requests/evaluations.js";
import { matchSetsOf, type RowSelection } from "../services/match-sets.js";
import type { EvaluationMetrics, EvaluationRecord, MatchRowRecord } from "../store/index.js";

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

  // Charts and examples come from the evaluation's stored match rows (computed again first when
  // labels changed since), those `query` and `filters` select when given.
  const charts = async (c: Ctx, id: string, iouThreshold: number, selection: RowSelection) => {
    const evaluation = await requireEvaluation(c, id);
    metricsOf(evaluation);
    const sets = matchSetsOf(c.get("services").store);
    const query = await sets.rowQuery(evaluation, selection);
    const summary = await sets.summary(evaluation, iouThreshold, query ? { query } : {});
    return summary.charts as never;
  };
  route(app, routes.evaluationCharts, async ({ params, query }, c) =>
    charts(c, params.evaluationId, query.iouThreshold ?? DEFAULT_IOU, {
      query: query.query,
      filters: query.filters,
    }),
  );
  route(app, routes.evaluationChartsPost, async ({ params, query, body }, c) =>
    charts(c, params.evaluationId, body.iouThreshold ?? query.iouThreshold ?? DEFAULT_IOU, {
      query: body.query,
      filters: body.filters,
    }),
  );

  route(app, routes.evaluationExamples, async ({ params, query, body }, c) => {
    const evaluation = await requireEvaluation(c, params.evaluationId);
    metricsOf(evaluation);
    const { store } = c.get("services");
    const sets = matchSetsOf(store);
    const text = await sets.rowQuery(evaluation, { query: body.query, filters: body.filters });
    const sortBy = body.sort_by;
    const { rows, total } = await sets.examples(
      evaluation,
      query.iouThreshold ?? DEFAULT_IOU,
      { query: text, matchTypes: body.match_type ? [body.match_type] : undefined },
      {
        sortBy:
          sortBy === "confidence" || sortBy === "iou" || sortBy === "dataset_item_id" ? sortBy : undefined,
        descending: body.sort_order !== "asc",
        offset: body.offset,
        limit: body.limit,
      },
    );
    const metadata = await metadataOf(c, evaluation, rows);
    return {
      rows: rows.map((row, i) =>
        exampleRowWire(evaluation.id, row, body.offset + i, body.match_type, metadata),
      ),
      total,
    };
  });

  return app;
}

/** Item metadata and prediction metadata of the rows of one examples page, by id. */
async function metadataOf(c: Ctx, evaluation: EvaluationRecord, rows: readonly MatchRowRecord[]) {
  const { store } = c.get("services");
  const itemIds = [...new Set(rows.map((r) => r.itemId))];
  const items = new Map<string, Record<string, unknown>>();
  for (const id of itemIds) {
    const item = await store.items.get(evaluation.datasetId, id);
    if (item) items.set(id, item.metadata);
  }
  const predictions = new Map<string, Record<string, unknown>>();
  const wanted = new Set(rows.flatMap((r) => (r.predictionId === null ? [] : [r.predictionId])));
  if (wanted.size > 0) {
    const target = { kind: "predictions", datasetId: evaluation.datasetId, runId: evaluation.runId } as const;
    for (const label of await store.labels.list(target, itemIds)) {
      if (!wanted.has(label.id)) continue;
      const payload = label.payload as { metadata?: Record<string, unknown> | null };
      predictions.set(label.id, payload.metadata ?? {});
    }
  }
  return { items, predictions };
}

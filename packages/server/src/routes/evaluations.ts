import { type MatchObject, type MatchRow, matchDetections, precisionRecallCurve } from "@nucleus/metrics";
import { createCodec, NO_OBJECT_LABEL } from "@nucleus/schemas";
import { Hono } from "hono";
import { z } from "zod";
import type { EvaluationOptions, EvaluationResults } from "../evaluation/evaluate-run.js";
import { loadRunObjects } from "../evaluation/objects.js";
import { parseJsonText, validate } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { badRequest, notFound } from "../http/errors.js";
import { param, requireRun } from "../http/lookup.js";
import type { EvaluationRow, ModelRunRow } from "../store/types.js";

const CreateEvaluationBody = createCodec(
  z.object({
    name: z.string().nullish(),
    // The official client sends these pairs in snake_case or camelCase.
    allowed_label_matches: z
      .array(
        z
          .object({
            ground_truth_label: z.string().optional(),
            model_prediction_label: z.string().optional(),
            groundTruthLabel: z.string().optional(),
            modelPredictionLabel: z.string().optional(),
          })
          .refine(
            (m) =>
              (m.ground_truth_label ?? m.groundTruthLabel) !== undefined &&
              (m.model_prediction_label ?? m.modelPredictionLabel) !== undefined,
            {
              message: "needs a ground-truth label and a model prediction label",
            },
          ),
      )
      .nullish(),
    allowed_label_matches_id: z.string().nullish(),
  }),
);

const ExamplesBody = createCodec(
  z.object({
    // Newer official clients leave it out to list every kind.
    match_type: z.enum(["TP", "FP", "FN"]).nullish(),
    limit: z.int().min(1).max(1_000).default(50),
    offset: z.int().min(0).default(0),
    sort_by: z.string().nullish(),
    // Official clients document both "asc" and "ASC".
    sort_order: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(["asc", "desc"]))
      .nullish(),
    filters: z.unknown().optional(),
    query: z.unknown().optional(),
  }),
);

/** The body of `POST .../charts`, which newer official clients send instead of a query string. */
const ChartsBody = createCodec(
  z.object({
    iouThreshold: z.number().min(0).max(1).nullish(),
    filters: z.unknown().optional(),
    query: z.unknown().optional(),
  }),
);

/** The evaluation row as clients read it. */
function evaluationJson(row: EvaluationRow) {
  const options = JSON.parse(row.options) as EvaluationOptions;
  return {
    id: row.id,
    model_run_id: row.run_id,
    dataset_id: row.dataset_id,
    status: row.status,
    name: row.name,
    temporal_workflow_id: null,
    error_message: row.error_message,
    created_at: row.created_at,
    allowed_label_matches: options.allowed_label_matches ?? [],
    allowed_label_matches_id: null,
    allowed_label_matches_name: null,
  };
}

/** Starts an evaluation of a run in a background job; used by commit and by Evaluations V2. */
export function startEvaluation(
  c: Ctx,
  run: ModelRunRow,
  input: { name: string | null; options: EvaluationOptions; jobType: "modelRunCommit" | "modelMetrics" },
) {
  const { store, jobs } = c.get("services");
  const evaluation = store.createEvaluation(c.get("tenant"), {
    runId: run.id,
    datasetId: run.dataset_id,
    name: input.name,
    options: input.options,
  });
  const job = store.createJob(c.get("tenant"), {
    datasetId: run.dataset_id,
    type: input.jobType,
    spec: { type: input.jobType, evaluationId: evaluation.id },
  });
  jobs.start(job.id);
  return { evaluation, job };
}

/** Evaluations V2: create, read, list, delete, charts and TP/FP/FN examples of a model run. */
export function evaluationRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  // Clients page through examples 50 at a time; matching a large run takes far longer than a page.
  const recentMatches = new RecentMatches(4);
  const matchesOf = (c: Ctx, row: EvaluationRow, iouThreshold: number): Matches => {
    const version = c.get("services").store.writeVersion();
    return recentMatches.get(`${row.id}\u0000${iouThreshold}`, version, () => matches(c, row, iouThreshold));
  };

  const requireEvaluation = (c: Ctx) => {
    const id = param(c, "evaluationId");
    const row = c.get("services").store.getEvaluation(c.get("tenant"), id);
    if (!row) throw notFound("Evaluation", id);
    return row;
  };

  app.post("/modelRun/:runId/evaluationsV2", async (c) => {
    const run = requireRun(c, param(c, "runId"));
    const body = validate(CreateEvaluationBody, parseJsonText(await c.req.text()));
    const options: EvaluationOptions = {
      allowed_label_matches: (body.allowed_label_matches ?? []).map((m) => ({
        ground_truth_label: (m.ground_truth_label ?? m.groundTruthLabel) as string,
        model_prediction_label: (m.model_prediction_label ?? m.modelPredictionLabel) as string,
      })),
    };
    const { evaluation, job } = startEvaluation(c, run, {
      name: body.name ?? null,
      options,
      jobType: "modelMetrics",
    });
    return c.json({ evaluation_id: evaluation.id, status: evaluation.status, workflow_id: job.id });
  });

  app.get("/modelRun/:runId/evaluationsV2", (c) => {
    const run = requireRun(c, param(c, "runId"));
    return c.json(c.get("services").store.listEvaluations(run.id).map(evaluationJson));
  });

  app.get("/evaluationsV2/:evaluationId", (c) => c.json(evaluationJson(requireEvaluation(c))));

  app.delete("/evaluationsV2/:evaluationId", (c) => {
    const row = requireEvaluation(c);
    c.get("services").store.deleteEvaluation(c.get("tenant"), row.id);
    return c.json({});
  });

  const charts = (c: Ctx, iouThreshold: number) => {
    const row = requireEvaluation(c);
    const results = finishedResults(row);
    const { rows, agnostic, predictions } = matchesOf(c, row, iouThreshold);
    const t = nearestIndex(results.iou_thresholds, iouThreshold);
    const scores = predictions.map((p) => p.score).filter((s): s is number => s !== undefined);
    return c.json({
      mapSummary: { mapAt50: results.map50, mapAt75: results.map75, mapAt5095: results.map },
      perClassAp: results.per_class.map((k) => ({ classLabel: k.label, ap: k.ap_by_iou[t] ?? k.ap50 })),
      confusionMatrix: confusionCells(agnostic),
      scoreHistogram: Array.from({ length: 10 }, (_, b) => ({
        bucketMin: b / 10,
        bucketMax: (b + 1) / 10,
        count: scores.filter((s) => (b === 9 ? s >= b / 10 : s >= b / 10 && s < (b + 1) / 10)).length,
      })),
      computedIouRanges: results.iou_thresholds,
      totalCounts: {
        tp: rows.filter((r) => r.kind === "TP").length,
        fp: rows.filter((r) => r.kind === "FP").length,
        fn: rows.filter((r) => r.kind === "FN").length,
        predsWithConfidence: scores.length,
      },
      apBySize: results.ap_by_size,
      prCurve: results.per_class.flatMap((k) =>
        precisionRecallCurve(rows, k.label).map((point) => ({
          classLabel: k.label,
          recall: point.recall,
          precision: point.precision,
        })),
      ),
      tideAttribution: tide(rows, iouThreshold),
    });
  };
  app.get("/evaluationsV2/:evaluationId/charts", (c) => charts(c, thresholdOf(c.req.query("iouThreshold"))));
  app.post("/evaluationsV2/:evaluationId/charts", async (c) => {
    const body = validate(ChartsBody, parseJsonText(await c.req.text()));
    return charts(c, body.iouThreshold ?? thresholdOf(c.req.query("iouThreshold")));
  });

  app.post("/evaluationsV2/:evaluationId/examples", async (c) => {
    const row = requireEvaluation(c);
    finishedResults(row);
    const body = validate(ExamplesBody, parseJsonText(await c.req.text()));
    const { rows } = matchesOf(c, row, thresholdOf(c.req.query("iouThreshold")));
    const selected = body.match_type ? rows.filter((r) => r.kind === body.match_type) : [...rows];
    const sign = body.sort_order === "asc" ? 1 : -1;
    if (body.sort_by === "confidence" || body.sort_by === "iou") {
      const key = body.sort_by === "confidence" ? "score" : "iou";
      selected.sort(
        (a, b) => sign * (((a[key] as number | undefined) ?? -1) - ((b[key] as number | undefined) ?? -1)),
      );
    } else if (body.sort_by === "dataset_item_id") {
      selected.sort((a, b) => sign * String(a.itemId).localeCompare(String(b.itemId)));
    }
    const page = selected.slice(body.offset, body.offset + body.limit);
    const metadata = pageMetadata(c, row, page);
    return c.json({
      rows: page.map((r, i) => ({
        id: `${row.id}:${body.match_type ?? "ALL"}:${body.offset + i}`,
        evaluation_id: row.id,
        dataset_item_id: String(r.itemId),
        model_prediction_id: r.predictionId === undefined ? null : String(r.predictionId),
        ground_truth_annotation_id: r.groundTruthId === undefined ? null : String(r.groundTruthId),
        pred_canonical_label: r.predictionLabel ?? null,
        gt_canonical_label: r.groundTruthLabel ?? null,
        pred_raw_label: r.predictionLabel ?? null,
        gt_raw_label: r.groundTruthLabel ?? null,
        iou: r.iou,
        confidence: r.score ?? null,
        true_positive: r.kind === "TP",
        match_type: r.kind,
        // Some official client versions require both objects, so they are never left out.
        item_metadata: metadata.items.get(String(r.itemId)) ?? {},
        prediction_metadata:
          r.predictionId === undefined ? {} : (metadata.predictions.get(String(r.predictionId)) ?? {}),
      })),
      total: selected.length,
    });
  });

  return app;
}

function finishedResults(row: EvaluationRow): EvaluationResults {
  if (row.status !== "succeeded" || !row.results) {
    throw badRequest(
      `Evaluation ${row.id} is ${row.status}${row.error_message ? `: ${row.error_message}` : ""}; charts need a succeeded evaluation`,
    );
  }
  return JSON.parse(row.results) as EvaluationResults;
}

function thresholdOf(text: string | undefined): number {
  if (text === undefined) return 0.5;
  const value = Number(text);
  if (!(value >= 0 && value <= 1))
    throw badRequest(`iouThreshold must be a number from 0 to 1, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Confusion-matrix cells of class-agnostic match rows, in first-seen order. The empty side of a
 * false positive or negative is NO_OBJECT_LABEL: the official client's model needs strings.
 */
function confusionCells(rows: readonly MatchRow[]) {
  const cells = new Map<string, { gtLabel: string; predLabel: string; count: number }>();
  for (const row of rows) {
    const gtLabel = row.kind === "FP" ? NO_OBJECT_LABEL : (row.groundTruthLabel ?? NO_OBJECT_LABEL);
    const predLabel = row.kind === "FN" ? NO_OBJECT_LABEL : (row.predictionLabel ?? NO_OBJECT_LABEL);
    const key = JSON.stringify([gtLabel, predLabel]);
    const cell = cells.get(key);
    if (cell) cell.count += 1;
    else cells.set(key, { gtLabel, predLabel, count: 1 });
  }
  return [...cells.values()];
}

/** Item metadata and prediction metadata of the rows of one examples page, by id. */
function pageMetadata(c: Ctx, row: EvaluationRow, page: readonly MatchRow[]) {
  const { store } = c.get("services");
  const itemIds = [...new Set(page.map((r) => String(r.itemId)))];
  const items = new Map<string, Record<string, unknown>>();
  for (const id of itemIds) {
    const item = store.itemById(row.dataset_id, id);
    if (item) items.set(id, JSON.parse(item.metadata) as Record<string, unknown>);
  }
  const predictions = new Map<string, Record<string, unknown>>();
  const wanted = new Set(page.flatMap((r) => (r.predictionId === undefined ? [] : [String(r.predictionId)])));
  if (wanted.size > 0) {
    const target = { kind: "predictions", datasetId: row.dataset_id, runId: row.run_id } as const;
    for (const label of store.labelsOfItems(target, itemIds)) {
      if (!wanted.has(label.id)) continue;
      const payload = JSON.parse(label.payload) as { metadata?: Record<string, unknown> | null };
      predictions.set(label.id, payload.metadata ?? {});
    }
  }
  return { items, predictions };
}

function nearestIndex(values: number[], target: number): number {
  let best = 0;
  values.forEach((value, i) => {
    if (Math.abs(value - target) < Math.abs((values[best] as number) - target)) best = i;
  });
  return best;
}

/** A run's match rows at one IoU threshold, per label and class-agnostic. */
interface Matches {
  rows: MatchRow[];
  agnostic: MatchRow[];
  predictions: MatchObject[];
}

/**
 * The last few match results, by key, each valid for the store's write version it was computed
 * at (a newer version replaces it); the least recently used goes first.
 */
class RecentMatches {
  private readonly entries = new Map<string, { version: string; value: Matches }>();

  constructor(private readonly capacity: number) {}

  get(key: string, version: string, compute: () => Matches): Matches {
    const cached = this.entries.get(key);
    this.entries.delete(key);
    const value = cached?.version === version ? cached.value : compute();
    this.entries.set(key, { version, value });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}

/** Matches the run's predictions at the requested IoU, per label and class-agnostic. */
function matches(c: Ctx, row: EvaluationRow, iouThreshold: number): Matches {
  const objects = loadRunObjects(c.get("services").store, row.dataset_id, row.run_id);
  const options = JSON.parse(row.options) as EvaluationOptions;
  const allowed = (options.allowed_label_matches ?? []).map(
    (m) => [m.ground_truth_label, m.model_prediction_label] as const,
  );
  const rows = matchDetections(objects.groundTruth, objects.predictions, {
    iouThreshold,
    classAgnostic: options.class_agnostic ?? false,
    allowedLabelMatches: allowed,
  });
  const agnostic = matchDetections(objects.groundTruth, objects.predictions, {
    iouThreshold,
    classAgnostic: true,
  });
  return { rows, agnostic, predictions: objects.predictions };
}

/**
 * A coarse TIDE attribution from match rows: each false positive by how much it overlaps ground
 * truth (background under 0.1, localisation below the threshold, classification at or above it
 * with the wrong label), each false negative as missed.
 */
function tide(rows: MatchRow[], iouThreshold: number) {
  const fps = rows.filter((r) => r.kind === "FP");
  return {
    truePositive: rows.filter((r) => r.kind === "TP").length,
    localization: fps.filter((r) => r.iou >= 0.1 && r.iou < iouThreshold).length,
    classification: fps.filter((r) => r.iou >= iouThreshold).length,
    both: 0,
    duplicate: 0,
    background: fps.filter((r) => r.iou < 0.1).length,
    missed: rows.filter((r) => r.kind === "FN").length,
  };
}

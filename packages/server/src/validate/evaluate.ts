/**
 * The job that evaluates a model on scenario tests: for each test it reads the slice's items a
 * page at a time with their ground truth and the model's predictions, scores every standard
 * function of the test on each item, and records each evaluation's result, pass and per-item
 * results together.
 */

import { maskSourceOf } from "../media/masks.js";
import type { MediaStore } from "../media.js";
import type {
  Comparison,
  ItemResultRecord,
  JobUpdate,
  NucleusStore,
  ScenarioEvaluationRecord,
  ScenarioTestRecord,
  Tenant,
} from "../store/index.js";
import { standardFunction } from "./functions.js";
import { type DecodedMask, MaskCache } from "./masks.js";
import { type Label, type Scorer, scorerOf } from "./scoring.js";

/** The job type of a scenario test evaluation. */
export const SCENARIO_JOB_TYPE = "scenarioTestEvaluation";

/** What a scenario test evaluation job does: its evaluations are stored with its id. */
export interface ScenarioJobSpec {
  type: typeof SCENARIO_JOB_TYPE;
  modelId: string;
}

/** Items read per page. */
const PAGE = 500;

/** Whether `value` passes `threshold` by `comparison`; no threshold passes everything. */
export function passes(value: number | null, threshold: number | null, comparison: Comparison): boolean {
  if (threshold === null) return true;
  if (value === null) return false;
  switch (comparison) {
    case "greater_than":
      return value > threshold;
    case "greater_than_equal_to":
      return value >= threshold;
    case "less_than":
      return value < threshold;
    case "less_than_equal_to":
      return value <= threshold;
  }
}

/**
 * The threshold an evaluation is judged by: the function's own, or else the baseline model's
 * latest result on it, or none.
 */
export async function effectiveThreshold(
  store: NucleusStore,
  test: ScenarioTestRecord,
  evalFunctionId: string,
  threshold: number | null,
): Promise<number | null> {
  if (threshold !== null || test.baselineModelId === null) return threshold;
  const history = await store.validate.history(test.id);
  const baseline = history
    .filter(
      (e) =>
        e.modelId === test.baselineModelId &&
        e.evalFunctionId === evalFunctionId &&
        e.status === "completed" &&
        e.result !== null,
    )
    .at(-1);
  return baseline?.result ?? null;
}

/** The model's predictions on a dataset: its newest run there. */
async function runOf(store: NucleusStore, tenant: Tenant, modelId: string, datasetId: string) {
  const runs = await store.runs.list(tenant, { datasetId });
  return runs.filter((r) => r.modelId === modelId).at(-1);
}

interface Pending {
  evaluation: ScenarioEvaluationRecord;
  scorer: Scorer;
  threshold: number | null;
  comparison: Comparison;
  items: ItemResultRecord[];
  /** Why it stopped: a mask it could not read, masks of different sizes. */
  error?: string;
}

/** Evaluates one test: every pending evaluation of it at once, in one pass over the slice. */
async function evaluateTest(
  store: NucleusStore,
  tenant: Tenant,
  test: ScenarioTestRecord,
  evaluations: readonly ScenarioEvaluationRecord[],
  modelId: string,
  media: MediaStore,
): Promise<void> {
  // The masks of the page being scored, by where they are read, for the mask functions.
  let masks = new Map<string, DecodedMask | Error>();
  const functions = new Map((await store.validate.functions(test.id)).map((f) => [f.evalFunctionId, f]));
  const pending: Pending[] = [];
  for (const evaluation of evaluations) {
    await store.validate.startEvaluation(evaluation.id);
    const fn = standardFunction(evaluation.evalFunctionId);
    const config = functions.get(evaluation.evalFunctionId);
    const comparison = config?.comparison ?? "greater_than_equal_to";
    const threshold = await effectiveThreshold(
      store,
      test,
      evaluation.evalFunctionId,
      config?.threshold ?? null,
    );
    const fail = (error: string) =>
      store.validate.finishEvaluation(
        evaluation.id,
        { status: "errored", result: null, pass: false, threshold, comparison, error },
        [],
      );
    if (!fn || !config) {
      await fail(`Evaluation function ${evaluation.evalFunctionId} is not a standard function of this test`);
      continue;
    }
    try {
      pending.push({
        evaluation,
        scorer: scorerOf(fn, config.arguments, (url) => masks.get(url)),
        threshold,
        comparison,
        items: [],
      });
    } catch (error) {
      await fail((error as Error).message);
    }
  }
  if (pending.length === 0) return;
  const run = await runOf(store, tenant, modelId, test.datasetId);
  if (!run) {
    for (const p of pending) {
      await store.validate.finishEvaluation(
        p.evaluation.id,
        {
          status: "errored",
          result: null,
          pass: false,
          threshold: p.threshold,
          comparison: p.comparison,
          error: `Model ${modelId} has no predictions on dataset ${test.datasetId}`,
        },
        [],
      );
    }
    return;
  }
  let cursor: string | null = null;
  do {
    const page = await store.slices.items(test.sliceId, { cursor, limit: PAGE });
    const ids = page.records.map((item) => item.id);
    const annotations = groupByItem(
      await store.labels.list({ kind: "annotations", datasetId: test.datasetId }, ids),
    );
    const predictions = groupByItem(
      await store.labels.list({ kind: "predictions", datasetId: test.datasetId, runId: run.id }, ids),
    );
    if (pending.some((p) => standardFunction(p.evaluation.evalFunctionId)?.family === "mask")) {
      masks = await masksOf([...annotations.values(), ...predictions.values()].flat(), new MaskCache(media));
    }
    for (const item of page.records) {
      for (const p of pending) {
        if (p.error !== undefined) continue;
        let score: { value: number | null; weight: number };
        try {
          score = p.scorer.item(annotations.get(item.id) ?? [], predictions.get(item.id) ?? []);
        } catch (error) {
          p.error = `item ${item.referenceId}: ${(error as Error).message}`;
          continue;
        }
        p.items.push({
          itemId: item.id,
          referenceId: item.referenceId,
          result: score.value,
          weight: score.weight,
          pass: score.value === null || passes(score.value, p.threshold, p.comparison),
        });
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  for (const p of pending) {
    if (p.error !== undefined) {
      await store.validate.finishEvaluation(
        p.evaluation.id,
        {
          status: "errored",
          result: null,
          pass: false,
          threshold: p.threshold,
          comparison: p.comparison,
          error: p.error,
        },
        [],
      );
      continue;
    }
    const result = p.scorer.total();
    await store.validate.finishEvaluation(
      p.evaluation.id,
      {
        status: "completed",
        result,
        pass: passes(result, p.threshold, p.comparison),
        threshold: p.threshold,
        comparison: p.comparison,
        error: null,
      },
      p.items,
    );
  }
}

/** Reads the masks of some labels; one that cannot be read is kept as its error. */
async function masksOf(
  labels: readonly Label[],
  cache: MaskCache,
): Promise<Map<string, DecodedMask | Error>> {
  const urls = [...new Set(labels.flatMap((l) => maskSourceOf(l) ?? []))];
  const out = new Map<string, DecodedMask | Error>();
  await Promise.all(
    urls.map(async (url) => {
      out.set(url, await cache.load(url).catch((error: Error) => error));
    }),
  );
  return out;
}

function groupByItem(labels: readonly { itemId: string; payload: unknown }[]): Map<string, Label[]> {
  const out = new Map<string, Label[]>();
  for (const label of labels) {
    const list = out.get(label.itemId) ?? [];
    list.push(label.payload as Label);
    out.set(label.itemId, list);
  }
  return out;
}

/**
 * Runs a scenario test evaluation job: the evaluations created with it, test by test, reporting
 * progress (one step per evaluation) and a message that lists each outcome.
 */
export async function runScenarioJob(
  store: NucleusStore,
  job: { id: string; tenant: Tenant; spec: unknown },
  report: (fields: JobUpdate) => Promise<void>,
  media: MediaStore,
): Promise<void> {
  const { modelId } = job.spec as ScenarioJobSpec;
  const evaluations = await store.validate.evaluationsOfJob(job.id);
  await report({ totalSteps: evaluations.length });
  const byTest = new Map<string, ScenarioEvaluationRecord[]>();
  for (const evaluation of evaluations) {
    if (evaluation.status === "completed" || evaluation.status === "errored") continue;
    const list = byTest.get(evaluation.scenarioTestId) ?? [];
    list.push(evaluation);
    byTest.set(evaluation.scenarioTestId, list);
  }
  let done = evaluations.length - [...byTest.values()].reduce((n, list) => n + list.length, 0);
  for (const [testId, list] of byTest) {
    const test = await store.validate.getTest(job.tenant, testId);
    try {
      if (test) await evaluateTest(store, job.tenant, test, list, modelId, media);
    } catch (error) {
      // What failed is recorded on the evaluations it left unfinished; the other tests still run.
      for (const evaluation of list) {
        const now = await store.validate.getEvaluation(job.tenant, evaluation.id);
        if (!now || now.status === "completed" || now.status === "errored") continue;
        await store.validate.finishEvaluation(
          evaluation.id,
          { ...now, status: "errored", result: null, pass: false, error: (error as Error).message },
          [],
        );
      }
    }
    done += list.length;
    await report({ completedSteps: done });
  }
  const outcomes = await store.validate.evaluationsOfJob(job.id);
  await report({
    status: "Completed",
    completedSteps: evaluations.length,
    message: {
      scenario_test_evaluations: outcomes.map((e) => ({
        id: e.id,
        scenario_test_id: e.scenarioTestId,
        eval_function_id: e.evalFunctionId,
        status: e.status,
        result: e.result,
        pass: e.pass,
        ...(e.error ? { error: e.error } : {}),
      })),
      passed: outcomes.filter((e) => e.pass).length,
      failed: outcomes.filter((e) => !e.pass).length,
    },
  });
}

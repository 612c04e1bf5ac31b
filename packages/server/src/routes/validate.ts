import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { mediaUrlOf, requireModel, requireSlice } from "../http/lookup.js";
import { itemWire } from "../presenters/items.js";
import { jobWire } from "../presenters/jobs.js";
import { trackWire } from "../scenes/present.js";
import type { ScenarioTestRecord, Tenant } from "../store/index.js";
import { effectiveThreshold, passes, SCENARIO_JOB_TYPE } from "../validate/evaluate.js";
import { EvalFilterError } from "../validate/filters.js";
import { STANDARD_FUNCTIONS, standardFunction } from "../validate/functions.js";
import { testMembers } from "../validate/members.js";
import {
  evaluationWire,
  functionEntryWire,
  itemEvaluationWire,
  standardEntryWire,
  testFunctionWire,
  testWire,
} from "../validate/presenters.js";
import { EvalArgumentError, settingsOf } from "../validate/scoring.js";
import { sceneDetails } from "./scenes.js";

/** The caller's scenario test, or a 404. */
async function requireTest(c: Ctx, id: string): Promise<ScenarioTestRecord> {
  const test = await c.get("services").store.validate.getTest(c.get("tenant"), id);
  if (!test) throw notFound("Scenario test", id);
  return test;
}

/** Whether a function id is external (the caller's), standard, or unknown (undefined). */
async function kindOf(c: Ctx, tenant: Tenant, id: string): Promise<"standard" | "external" | undefined> {
  if (standardFunction(id)) return "standard";
  const externals = await c.get("services").store.validate.listFunctions(tenant);
  return externals.some((f) => f.id === id) ? "external" : undefined;
}

/** Checks a standard function's arguments; a 400 names the field. */
function checkArguments(id: string, args: Record<string, unknown>, field: string): void {
  const fn = standardFunction(id);
  if (!fn) return;
  try {
    settingsOf(fn, args);
  } catch (error) {
    if (error instanceof EvalArgumentError || error instanceof EvalFilterError) {
      throw badRequest(`${field}.${error.message}`);
    }
    throw error;
  }
}

/** Starts the job that evaluates a model on some tests: one pending evaluation per standard function. */
async function startEvaluation(c: Ctx, modelId: string, tests: readonly ScenarioTestRecord[]) {
  const { store, jobs } = c.get("services");
  const tenant = c.get("tenant");
  const plans: { test: ScenarioTestRecord; fn: { evalFunctionId: string } }[] = [];
  for (const test of tests) {
    for (const fn of await store.validate.functions(test.id)) {
      if (standardFunction(fn.evalFunctionId)) plans.push({ test, fn });
    }
  }
  const job = await store.transaction(async (tx) => {
    const created = await tx.jobs.create(tenant, {
      datasetId: tests.length === 1 ? (tests[0] as ScenarioTestRecord).datasetId : null,
      type: SCENARIO_JOB_TYPE,
      spec: { type: SCENARIO_JOB_TYPE, modelId },
    });
    await tx.validate.createEvaluations(
      tenant,
      plans.map(({ test, fn }) => ({
        scenarioTestId: test.id,
        evalFunctionId: fn.evalFunctionId,
        modelId,
        jobId: created.id,
      })),
    );
    return created;
  });
  // After the commit, so that the runner finds the job and its evaluations.
  jobs.start(job.id);
  return job;
}

/** Validate ("Model CI"): evaluation functions, scenario tests, evaluations and their results. */
export function validateRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.listEvalFunctions, async (_request, c) => {
    const externals = await c.get("services").store.validate.listFunctions(c.get("tenant"));
    return {
      eval_functions: [...STANDARD_FUNCTIONS.map(standardEntryWire), ...externals.map(functionEntryWire)],
    };
  });

  route(app, routes.createEvalFunction, async ({ body }, c) => {
    if (STANDARD_FUNCTIONS.some((fn) => fn.name === body.name)) {
      throw badRequest(`name: ${body.name} is the name of a standard evaluation function`);
    }
    const fn = await c
      .get("services")
      .store.validate.createFunction(c.get("tenant"), { name: body.name, level: body.level });
    return { eval_fn: functionEntryWire(fn) };
  });

  route(app, routes.createScenarioTest, async ({ body }, c) => {
    const { store } = c.get("services");
    const tenant = c.get("tenant");
    const slice = await requireSlice(c, body.slice_id);
    if (await store.validate.findTest(tenant, { name: body.name })) {
      throw badRequest(`name: a scenario test named ${JSON.stringify(body.name)} exists already`);
    }
    const kinds = new Set<string>();
    for (const [i, fn] of body.evaluation_functions.entries()) {
      const kind = await kindOf(c, tenant, fn.id);
      if (!kind) throw badRequest(`evaluation_functions[${i}].id: no evaluation function ${fn.id}`);
      kinds.add(kind);
      checkArguments(fn.id, fn.eval_func_arguments ?? {}, `evaluation_functions[${i}].eval_func_arguments`);
    }
    if (kinds.size > 1) {
      throw badRequest("evaluation_functions: a scenario test cannot mix external and standard functions");
    }
    const test = await store.validate.createTest(tenant, {
      name: body.name,
      sliceId: slice.id,
      datasetId: slice.datasetId,
      functions: body.evaluation_functions.map((fn) => ({
        evalFunctionId: fn.id,
        arguments: fn.eval_func_arguments ?? {},
      })),
    });
    return { scenario_test_id: test.id };
  });

  route(app, routes.listScenarioTestIds, async (_request, c) => ({
    scenario_test_ids: (await c.get("services").store.validate.listTests(c.get("tenant"))).map((t) => t.id),
  }));

  route(app, routes.listScenarioTests, async (_request, c) =>
    (await c.get("services").store.validate.listTests(c.get("tenant"))).map(testWire),
  );

  route(app, routes.uploadEvaluationResults, async ({ body }, c) => {
    const { store } = c.get("services");
    const tenant = c.get("tenant");
    const test = await store.validate.getTest(tenant, body.unit_test_id);
    if (!test) throw badRequest(`unit_test_id: no scenario test ${body.unit_test_id}`);
    if (body.slice_id !== test.sliceId) {
      throw badRequest(
        `slice_id: scenario test ${test.id} is on slice ${test.sliceId}, not ${body.slice_id}`,
      );
    }
    const external = (await store.validate.listFunctions(tenant)).find((f) => f.id === body.eval_function_id);
    if (!external) {
      throw badRequest(`eval_function_id: ${body.eval_function_id} is not an external evaluation function`);
    }
    const fn = (await store.validate.functions(test.id)).find(
      (f) => f.evalFunctionId === body.eval_function_id,
    );
    if (!fn)
      throw badRequest(`eval_function_id: scenario test ${test.id} has no function ${body.eval_function_id}`);
    const model = await store.models.get(tenant, body.model_id);
    if (!model) throw badRequest(`model_id: no model ${body.model_id}`);
    if (body.level !== external.level) {
      throw badRequest(
        `level: ${external.name} takes results per ${external.level}, and these are per ${body.level}`,
      );
    }
    // Every reference id must name an item, scene or track of the test's slice; nothing is written otherwise.
    const members = await testMembers(store, test);
    const ids = new Map<string, string>(
      body.level === "scene"
        ? members.scenes.map((scene) => [scene.referenceId, scene.id])
        : body.level === "track"
          ? members.tracks.map((track) => [track.referenceId, track.referenceId])
          : members.items.map((item) => [item.referenceId, item.id]),
    );
    const unknown = Object.keys(body.result_per_ref_id).filter((ref) => !ids.has(ref));
    if (unknown.length > 0) {
      const what =
        body.level === "item" ? `item of slice ${test.sliceId}` : `${body.level} of slice ${test.sliceId}`;
      throw badRequest(
        `result_per_ref_id: ${unknown.map((r) => JSON.stringify(r)).join(", ")} name no ${what}`,
      );
    }
    const threshold = await effectiveThreshold(store, test, fn.evalFunctionId, fn.threshold);
    let sum = 0;
    let weights = 0;
    const items = Object.entries(body.result_per_ref_id).map(([ref, result]) => {
      const weight = body.weight_per_ref_id[ref] ?? 1;
      sum += result * weight;
      weights += weight;
      return {
        level: body.level,
        itemId: ids.get(ref) as string,
        referenceId: ref,
        result,
        weight,
        pass: passes(result, threshold, fn.comparison),
      };
    });
    const result = body.overall_metric ?? (weights > 0 ? sum / weights : 0);
    const pass = passes(result, threshold, fn.comparison);
    const evaluation = await store.transaction(async (tx) => {
      const [created] = await tx.validate.createEvaluations(tenant, [
        { scenarioTestId: test.id, evalFunctionId: fn.evalFunctionId, modelId: model.id, jobId: null },
      ]);
      const id = (created as { id: string }).id;
      await tx.validate.finishEvaluation(
        id,
        { status: "completed", result, pass, threshold, comparison: fn.comparison, error: null },
        items,
      );
      return id;
    });
    return { evaluation_id: evaluation, result, pass };
  });

  route(app, routes.getScenarioTest, async ({ params }, c) => {
    const test = await requireTest(c, params.scenarioTestId);
    const wire = testWire(test);
    return { ...wire, unit_test: wire };
  });

  route(app, routes.scenarioTestInfo, async ({ params }, c) =>
    testWire(await requireTest(c, params.scenarioTestId)),
  );

  route(app, routes.deleteScenarioTest, async ({ params }, c) => {
    const test = await requireTest(c, params.scenarioTestId);
    return { success: await c.get("services").store.validate.deleteTest(c.get("tenant"), test.id) };
  });

  route(app, routes.scenarioTestMetrics, async ({ params }, c) => {
    const test = await requireTest(c, params.scenarioTestId);
    const functions = await c.get("services").store.validate.functions(test.id);
    return { scenario_test_metrics: functions.map(testFunctionWire) };
  });

  route(app, routes.scenarioTestItems, async ({ params }, c) => {
    const test = await requireTest(c, params.scenarioTestId);
    const { store } = c.get("services");
    const url = mediaUrlOf(c);
    const members = await testMembers(store, test);
    const scenes = [];
    for (const scene of members.scenes) scenes.push(await sceneDetails(store, c, scene));
    return {
      dataset_items: members.items.map((item) => itemWire(item, url)),
      scenes,
      tracks: members.tracks.map(trackWire),
    };
  });

  const history = async (c: Ctx, id: string) => {
    const test = await requireTest(c, id);
    return (await c.get("services").store.validate.history(test.id)).map(evaluationWire);
  };
  route(app, routes.scenarioTestEvalHistory, async ({ params }, c) => history(c, params.scenarioTestId));
  route(app, routes.scenarioTestEvalHistoryIds, async ({ params }, c) => ({
    evaluations: await history(c, params.scenarioTestId),
  }));

  route(app, routes.setBaselineModel, async ({ params }, c) => {
    const test = await requireTest(c, params.scenarioTestId);
    const model = await requireModel(c, params.modelId);
    const { store } = c.get("services");
    // A baseline's results stand in for thresholds, so it must have been evaluated on the test.
    const evaluated = (await store.validate.history(test.id)).some(
      (e) => e.modelId === model.id && e.status === "completed",
    );
    if (!evaluated) {
      throw badRequest(`model_id: model ${model.id} has not been evaluated on scenario test ${test.id}`);
    }
    await store.validate.setBaseline(c.get("tenant"), test.id, model.id);
    return { baseline_model_id: model.id };
  });

  route(app, routes.addScenarioTestFunction, async ({ body }, c) => {
    const { store } = c.get("services");
    const tenant = c.get("tenant");
    const test = await store.validate.findTest(tenant, { name: body.scenario_test_name });
    if (!test)
      throw badRequest(
        `scenario_test_name: no scenario test named ${JSON.stringify(body.scenario_test_name)}`,
      );
    const kind = await kindOf(c, tenant, body.eval_function_id);
    if (!kind) throw badRequest(`eval_function_id: no evaluation function ${body.eval_function_id}`);
    const existing = await store.validate.functions(test.id);
    const kinds = new Set(await Promise.all(existing.map((f) => kindOf(c, tenant, f.evalFunctionId))));
    if (existing.length > 0 && !kinds.has(kind)) {
      throw badRequest("eval_function_id: a scenario test cannot mix external and standard functions");
    }
    const added = await store.validate.addFunction(test.id, {
      evalFunctionId: body.eval_function_id,
      arguments: {},
    });
    return {
      scenario_test_id: test.id,
      eval_function_id: added.evalFunctionId,
      threshold: added.threshold,
      threshold_comparison: added.comparison,
    };
  });

  route(app, routes.setMetricThreshold, async ({ params, body }, c) => {
    const test = await requireTest(c, params.scenarioTestId);
    const updated = await c
      .get("services")
      .store.validate.setThreshold(test.id, params.evalFunctionId, body.threshold, body.threshold_comparison);
    if (!updated) throw notFound(`Evaluation function of scenario test ${test.id}`, params.evalFunctionId);
    return { threshold: updated.threshold, threshold_comparison: updated.comparison };
  });

  route(app, routes.evaluateScenarioTests, async ({ params, body }, c) => {
    const model = await requireModel(c, params.modelId);
    const { store } = c.get("services");
    const tenant = c.get("tenant");
    let tests: ScenarioTestRecord[];
    if (body.test_names.length === 0) tests = await store.validate.listTests(tenant);
    else {
      tests = [];
      for (const [i, name] of [...new Set(body.test_names)].entries()) {
        const test = await store.validate.findTest(tenant, { name });
        if (!test) throw badRequest(`test_names[${i}]: no scenario test named ${JSON.stringify(name)}`);
        tests.push(test);
      }
    }
    return jobWire(await startEvaluation(c, model.id, tests));
  });

  route(app, routes.calculateModelMetrics, async ({ params }, c) => {
    const model = await requireModel(c, params.modelId);
    const tests = await c.get("services").store.validate.listTests(c.get("tenant"));
    return tests.length === 0 ? [] : [jobWire(await startEvaluation(c, model.id, tests))];
  });

  route(app, routes.scenarioTestEvaluationInfo, async ({ params }, c) => {
    const { store } = c.get("services");
    const evaluation = await store.validate.getEvaluation(c.get("tenant"), params.evaluationId);
    if (!evaluation) throw notFound("Scenario test evaluation", params.evaluationId);
    const items = await store.validate.itemResults(evaluation.id);
    return {
      scenario_test_evaluation: evaluationWire(evaluation),
      scenario_test_item_evaluations: items.map((item) => itemEvaluationWire(evaluation, item)),
    };
  });

  return app;
}

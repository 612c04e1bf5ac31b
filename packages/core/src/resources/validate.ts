import {
  type DatasetItemRecord,
  type EvalFunctionEntry,
  type EvalFunctionLevel,
  routes,
  type ScenarioTestEvaluation,
  type ScenarioTestItemEvaluation,
  type ScenarioTestMetric,
  type SceneResponse,
  type ThresholdComparison,
  type Track,
} from "@nucleus/schemas";
import { NucleusError } from "../errors.js";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { Job, type WaitOptions } from "./job.js";

/** An evaluation function of a new scenario test: by name or id, with its arguments. */
export type EvalFunctionChoice = string | { name?: string; id?: string; arguments?: Record<string, unknown> };

/** Options of {@link Validate.createScenarioTest}. */
export interface CreateScenarioTestOptions extends CallOptions {
  /** A unique name. */
  name: string;
  /** The slice (or its id) of the items the test is judged on. */
  slice: string | { id: string };
  /** The evaluation functions, by name (`"bbox_recall"`) or id, with arguments when not the defaults. */
  functions: readonly EvalFunctionChoice[];
}

/** One result of an external evaluation function. */
export interface ExternalResult {
  /** The item's reference id (the scene's or the track's, for results uploaded per scene or track). */
  referenceId: string;
  score: number;
  /** In [0, 1]; 1 when absent. */
  weight?: number;
}

/** The outcome of one evaluation function of one scenario test in a {@link Validate.run}. */
export interface ScenarioTestOutcome {
  test: { id: string; name: string; sliceId: string };
  /** The function's name (its id when the server did not list it). */
  function: string;
  evalFunctionId: string;
  /** The evaluation, or null when the function has none for this model (an external one never uploaded). */
  evaluation: ScenarioTestEvaluation | null;
  result: number | null;
  threshold: number | null;
  comparison: ThresholdComparison;
  passed: boolean;
  /** Why it failed without a result (no predictions, no upload, an unsupported function). */
  error?: string;
}

/** What {@link Validate.run} found: every outcome, and whether all passed. */
export interface ScenarioTestRun {
  modelId: string;
  outcomes: ScenarioTestOutcome[];
  passed: boolean;
}

/**
 * Validate ("Model CI"): scenario tests judge a model on a slice by evaluation functions with
 * thresholds. `client.validate` reaches it.
 *
 * @example
 * ```ts
 * const test = await client.validate.createScenarioTest({ name: "night", slice, functions: ["bbox_recall"] });
 * await test.setThreshold("bbox_recall", 0.8);
 * const { passed } = await client.validate.run(model.id);
 * ```
 */
export class Validate {
  /** @internal Made by the client; not constructed directly. */
  constructor(private readonly api: Api) {}

  /**
   * The evaluation functions: the standard ones and your external ones.
   *
   * @example
   * ```ts
   * const names = (await client.validate.evalFunctions()).map((fn) => fn.name);
   * ```
   */
  async evalFunctions(options: CallOptions = {}): Promise<EvalFunctionEntry[]> {
    return (await this.api.call(routes.listEvalFunctions, {}, options)).evalFunctions;
  }

  /**
   * Registers an external evaluation function, whose results you compute and upload.
   *
   * @example
   * ```ts
   * const fn = await client.validate.createExternalFunction("lane_drift");
   * ```
   */
  async createExternalFunction(
    name: string,
    options: CallOptions & { level?: EvalFunctionLevel } = {},
  ): Promise<EvalFunctionEntry> {
    const body = { name, isExternalFunction: true as const, level: options.level ?? "item" };
    return (await this.api.call(routes.createEvalFunction, { body }, options)).evalFn;
  }

  /** The id of a function named or given by id. */
  async resolveFunction(choice: string, options: CallOptions = {}): Promise<string> {
    if (choice.startsWith("ef_")) return choice;
    const fn = (await this.evalFunctions(options)).find((f) => f.name === choice);
    if (!fn) throw new NucleusError(`No evaluation function named ${JSON.stringify(choice)}`);
    return fn.id;
  }

  /**
   * Creates a scenario test on a slice.
   *
   * @example
   * ```ts
   * const test = await client.validate.createScenarioTest({
   *   name: "pedestrians at night",
   *   slice: "slc_...",
   *   functions: ["bbox_recall", { name: "bbox_precision", arguments: { iou_threshold: 0.6 } }],
   * });
   * ```
   */
  async createScenarioTest(options: CreateScenarioTestOptions): Promise<ScenarioTest> {
    const known = await this.evalFunctions(options);
    const evaluationFunctions = options.functions.map((choice) => {
      const { name, id, arguments: args } = typeof choice === "string" ? { name: choice } : choice;
      const fn = known.find((f) => (id !== undefined ? f.id === id : f.name === name || f.id === name));
      if (!fn) {
        throw new NucleusError(`No evaluation function ${JSON.stringify(id ?? name)}`);
      }
      return { id: fn.id, evalFuncArguments: args ?? {} };
    });
    const sliceId = typeof options.slice === "string" ? options.slice : options.slice.id;
    const { scenarioTestId } = await this.api.call(
      routes.createScenarioTest,
      { body: { name: options.name, sliceId, evaluationFunctions } },
      options,
    );
    return this.getScenarioTest(scenarioTestId, options);
  }

  /**
   * A scenario test by id.
   *
   * @example
   * ```ts
   * const test = await client.validate.getScenarioTest("ut_...");
   * ```
   */
  async getScenarioTest(id: string, options: CallOptions = {}): Promise<ScenarioTest> {
    const info = await this.api.call(routes.scenarioTestInfo, { params: { scenarioTestId: id } }, options);
    return new ScenarioTest(this.api, this, info.id, info);
  }

  /**
   * Every scenario test.
   *
   * @example
   * ```ts
   * for (const test of await client.validate.listScenarioTests()) console.log(test.name);
   * ```
   */
  async listScenarioTests(options: CallOptions = {}): Promise<ScenarioTest[]> {
    const tests = await this.api.call(routes.listScenarioTests, {}, options);
    return tests.map((info) => new ScenarioTest(this.api, this, info.id, info));
  }

  /**
   * Deletes a scenario test with its evaluations.
   *
   * @example
   * ```ts
   * await client.validate.deleteScenarioTest("ut_...");
   * ```
   */
  async deleteScenarioTest(id: string, options: CallOptions = {}): Promise<boolean> {
    return (await this.api.call(routes.deleteScenarioTest, { params: { scenarioTestId: id } }, options))
      .success;
  }

  /**
   * Starts evaluating a model on scenario tests by name (every test when none is named).
   *
   * @example
   * ```ts
   * const job = await client.validate.evaluate("prj_...", ["night"]);
   * await job.waitUntilDone();
   * ```
   */
  async evaluate(
    modelId: string,
    testNames: readonly string[] = [],
    options: CallOptions = {},
  ): Promise<Job> {
    const data = await this.api.call(
      routes.evaluateScenarioTests,
      { params: { modelId }, body: { testNames: [...testNames] } },
      options,
    );
    return new Job(this.api, data.jobId, data);
  }

  /**
   * Evaluates a model on every scenario test (or those named), waits, and judges each function
   * of each test by its threshold: the model passes when every one passes. External functions
   * are judged by the model's latest uploaded results.
   *
   * @example
   * ```ts
   * const { passed, outcomes } = await client.validate.run("prj_...");
   * if (!passed) process.exitCode = 1;
   * ```
   */
  async run(
    modelId: string,
    options: WaitOptions & { testNames?: readonly string[] } = {},
  ): Promise<ScenarioTestRun> {
    const all = await this.listScenarioTests(options);
    const tests = options.testNames ? all.filter((t) => options.testNames?.includes(t.name)) : all;
    const job = await this.evaluate(
      modelId,
      tests.map((t) => t.name),
      options,
    );
    await job.waitUntilDone({ pollInterval: 200, ...options });
    const names = new Map((await this.evalFunctions(options)).map((f) => [f.id, f.name]));
    const outcomes: ScenarioTestOutcome[] = [];
    for (const test of tests) {
      const history = await test.history(options);
      for (const metric of await test.functions(options)) {
        const fresh = history.filter(
          (e) => e.modelId === modelId && e.evalFunctionId === metric.evalFunctionId,
        );
        // A standard function's evaluation is the one this job made; an external one's is the latest upload.
        const evaluation = fresh.at(-1) ?? null;
        outcomes.push({
          test: { id: test.id, name: test.name, sliceId: test.sliceId },
          function: names.get(metric.evalFunctionId) ?? metric.evalFunctionId,
          evalFunctionId: metric.evalFunctionId,
          evaluation,
          result: evaluation?.result ?? null,
          threshold: evaluation?.threshold ?? metric.threshold,
          comparison: evaluation?.thresholdComparison ?? metric.thresholdComparison,
          passed: evaluation?.status === "completed" && evaluation.pass,
          ...(evaluation === null
            ? { error: "no results for this model" }
            : evaluation.error
              ? { error: evaluation.error }
              : {}),
        });
      }
    }
    return { modelId, outcomes, passed: outcomes.every((o) => o.passed) };
  }
}

/** A scenario test: a slice and the evaluation functions (with thresholds) it is judged by. */
export class ScenarioTest {
  /** The test's name. */
  readonly name: string;
  /** The slice it is judged on. */
  readonly sliceId: string;
  /** The baseline model, when one is set. */
  readonly baselineModelId: string | null;

  /** @internal Made by {@link Validate}; not constructed directly. */
  constructor(
    private readonly api: Api,
    private readonly validate: Validate,
    /** The test's id (`ut_...`). */
    readonly id: string,
    info: { name: string; sliceId: string; baselineModelId?: string | null | undefined },
  ) {
    this.name = info.name;
    this.sliceId = info.sliceId;
    this.baselineModelId = info.baselineModelId ?? null;
  }

  /**
   * The test's evaluation functions with their thresholds and comparisons.
   *
   * @example
   * ```ts
   * for (const fn of await test.functions()) console.log(fn.evalFunctionId, fn.thresholdComparison, fn.threshold);
   * ```
   */
  async functions(options: CallOptions = {}): Promise<ScenarioTestMetric[]> {
    return (await this.api.call(routes.scenarioTestMetrics, { params: { scenarioTestId: this.id } }, options))
      .scenarioTestMetrics;
  }

  /**
   * Adds an evaluation function (by name or id), with no threshold.
   *
   * @example
   * ```ts
   * await test.addFunction("bbox_iou");
   * ```
   */
  async addFunction(fn: string, options: CallOptions = {}): Promise<void> {
    const evalFunctionId = await this.validate.resolveFunction(fn, options);
    await this.api.call(
      routes.addScenarioTestFunction,
      { body: { scenarioTestName: this.name, evalFunctionId } },
      options,
    );
  }

  /**
   * Sets the threshold of a function (by name or id) and, optionally, how results compare with
   * it (`greater_than_equal_to` unless changed).
   *
   * @example
   * ```ts
   * await test.setThreshold("bbox_recall", 0.8);
   * await test.setThreshold("bbox_iou", 0.3, "greater_than");
   * ```
   */
  async setThreshold(
    fn: string,
    threshold: number | null,
    comparison?: ThresholdComparison,
    options: CallOptions = {},
  ): Promise<void> {
    const evalFunctionId = await this.validate.resolveFunction(fn, options);
    await this.api.call(
      routes.setMetricThreshold,
      {
        params: { scenarioTestId: this.id, evalFunctionId },
        body: { threshold, ...(comparison ? { thresholdComparison: comparison } : {}) },
      },
      options,
    );
  }

  /**
   * Makes a model the baseline: its latest results stand in for thresholds left unset. The model
   * must have been evaluated on the test.
   *
   * @example
   * ```ts
   * await test.setBaselineModel("prj_...");
   * ```
   */
  async setBaselineModel(modelId: string, options: CallOptions = {}): Promise<string> {
    return (
      await this.api.call(
        routes.setBaselineModel,
        { params: { scenarioTestId: this.id, modelId }, body: {} },
        options,
      )
    ).baselineModelId;
  }

  /**
   * The items of the test's slice.
   *
   * @example
   * ```ts
   * const refs = (await test.items()).map((item) => item.referenceId);
   * ```
   */
  async items(options: CallOptions = {}): Promise<DatasetItemRecord[]> {
    return (await this.members(options)).datasetItems;
  }

  /**
   * The scenes the test's items are frames of, with their frames and tracks: what results
   * uploaded per scene name.
   *
   * @example
   * ```ts
   * const scenes = (await test.scenes()).map((scene) => scene.referenceId);
   * ```
   */
  async scenes(options: CallOptions = {}): Promise<SceneResponse[]> {
    return (await this.members(options)).scenes;
  }

  /**
   * The tracks the annotations of the test's items follow: what results uploaded per track name.
   *
   * @example
   * ```ts
   * const tracks = (await test.tracks()).map((track) => track.referenceId);
   * ```
   */
  async tracks(options: CallOptions = {}): Promise<Track[]> {
    return (await this.members(options)).tracks;
  }

  private members(options: CallOptions) {
    return this.api.call(routes.scenarioTestItems, { params: { scenarioTestId: this.id } }, options);
  }

  /**
   * Every evaluation of the test, oldest first.
   *
   * @example
   * ```ts
   * const last = (await test.history()).at(-1);
   * console.log(last?.result, last?.pass);
   * ```
   */
  async history(options: CallOptions = {}): Promise<ScenarioTestEvaluation[]> {
    return this.api.call(routes.scenarioTestEvalHistory, { params: { scenarioTestId: this.id } }, options);
  }

  /**
   * The per-item results of one evaluation.
   *
   * @example
   * ```ts
   * const failing = (await test.itemResults(evaluation.id)).filter((r) => !r.pass);
   * ```
   */
  async itemResults(evaluationId: string, options: CallOptions = {}): Promise<ScenarioTestItemEvaluation[]> {
    return (await this.api.call(routes.scenarioTestEvaluationInfo, { params: { evaluationId } }, options))
      .scenarioTestItemEvaluations;
  }

  /**
   * Uploads the results of an external function for a model, per item reference id (or per
   * scene or track reference id, with `level` set as the function was created with); the overall
   * result is their weighted mean.
   *
   * @example
   * ```ts
   * await test.uploadResults("lane_drift", [{ referenceId: "img_1", score: 0.9 }], "prj_...");
   * await test.uploadResults("track_stability", [{ referenceId: "car_7", score: 0.8 }], "prj_...", {
   *   level: "track",
   * });
   * ```
   */
  async uploadResults(
    fn: string,
    results: readonly ExternalResult[],
    modelId: string,
    options: CallOptions & { level?: EvalFunctionLevel } = {},
  ): Promise<{ evaluationId: string; result: number; pass: boolean }> {
    const evalFunctionId = await this.validate.resolveFunction(fn, options);
    const resultPerRefId: Record<string, number> = {};
    const weightPerRefId: Record<string, number> = {};
    let sum = 0;
    let weights = 0;
    for (const r of results) {
      const weight = r.weight ?? 1;
      resultPerRefId[r.referenceId] = r.score;
      weightPerRefId[r.referenceId] = weight;
      sum += r.score * weight;
      weights += weight;
    }
    return this.api.call(
      routes.uploadEvaluationResults,
      {
        body: {
          unitTestId: this.id,
          evalFunctionId,
          resultPerRefId,
          weightPerRefId,
          overallMetric: weights > 0 ? sum / weights : 0,
          modelId,
          sliceId: this.sliceId,
          level: options.level ?? "item",
        },
      },
      options,
    );
  }
}

/**
 * Validate ("Model CI"): evaluation functions, scenario tests on a slice with a threshold per
 * function, evaluations of a model on them (a background job), per-item results, evaluation
 * history, baseline models and results computed outside the server.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { DatasetItemRecordSchema } from "../items.js";
import { JobSchema } from "../jobs.js";
import { EmptyRequest } from "../requests.js";
import { TrackSchema } from "../scenes.js";
import { SceneResponseSchema } from "./scenes.js";

/** How a result is compared with its threshold. */
export const THRESHOLD_COMPARISONS = [
  "greater_than",
  "greater_than_equal_to",
  "less_than",
  "less_than_equal_to",
] as const;
/** The wire schema of a threshold comparison. */
export const ThresholdComparisonSchema = z.enum(THRESHOLD_COMPARISONS);
/** How a result is compared with its threshold (`greater_than_equal_to` by default). */
export type ThresholdComparison = z.output<typeof ThresholdComparisonSchema>;

/** What an external evaluation function scores: items, scenes or tracks. */
export const EvalFunctionLevelSchema = z.enum(["item", "scene", "track"]);
/** The level of an external evaluation function. */
export type EvalFunctionLevel = z.output<typeof EvalFunctionLevelSchema>;

/** The statuses of a scenario test evaluation. */
export const ScenarioTestEvaluationStatusSchema = z.enum(["pending", "started", "completed", "errored"]);
/** The status of a scenario test evaluation. */
export type ScenarioTestEvaluationStatus = z.output<typeof ScenarioTestEvaluationStatusSchema>;

/** The wire schema of {@link EvalFunctionEntry}. */
export const EvalFunctionEntrySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  is_public: z.boolean(),
  is_external_function: z.boolean(),
  user_id: z.string(),
  serialized_fn: z.string().nullish(),
  raw_source: z.string().nullish(),
  level: EvalFunctionLevelSchema.optional(),
});
/**
 * An evaluation function: a standard one the server computes (`bbox_iou`, `cat_f1`, ...) or an
 * external one whose results are uploaded.
 *
 * @example
 * ```ts
 * import { EvalFunctionEntry } from "@nucleus/schemas";
 *
 * EvalFunctionEntry.decode({ id: "ef_1", name: "bbox_iou", is_public: true, is_external_function: false, user_id: "public" }).isPublic; // true
 * ```
 */
export const EvalFunctionEntry = createCodec(EvalFunctionEntrySchema);
/** An evaluation function. */
export type EvalFunctionEntry = Camelize<z.output<typeof EvalFunctionEntrySchema>>;

/** `GET validate/eval_fn`. */
export const EvalFunctionListResponse = createCodec(
  z.looseObject({ eval_functions: z.array(EvalFunctionEntrySchema) }),
);

/** The wire schema of {@link CreateEvalFunctionRequest}. */
export const CreateEvalFunctionRequestSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .refine((name) => !/\s/.test(name), "must not contain spaces"),
  is_external_function: z.literal(true),
  serialized_fn: z.null().optional(),
  raw_source: z.null().optional(),
  level: EvalFunctionLevelSchema.default("item"),
});
/**
 * `POST validate/eval_fn`: an external evaluation function (its results are uploaded).
 *
 * @example
 * ```ts
 * import { CreateEvalFunctionRequest } from "@nucleus/schemas";
 *
 * CreateEvalFunctionRequest.encode({ name: "lane_drift", isExternalFunction: true, level: "item" });
 * ```
 */
export const CreateEvalFunctionRequest = createCodec(CreateEvalFunctionRequestSchema);
/** Body of `POST validate/eval_fn`. */
export type CreateEvalFunctionRequest = Camelize<z.input<typeof CreateEvalFunctionRequestSchema>>;

/** `POST validate/eval_fn` response. */
export const CreateEvalFunctionResponse = createCodec(z.looseObject({ eval_fn: EvalFunctionEntrySchema }));

/** The wire schema of one evaluation function of a new scenario test. */
export const EvalFunctionCallSchema = z.object({
  id: z.string().startsWith("ef_"),
  eval_func_arguments: z.record(z.string(), z.unknown()).nullish(),
});

/** The wire schema of {@link CreateScenarioTestRequest}. */
export const CreateScenarioTestRequestSchema = z.object({
  name: z.string().trim().min(1).max(255),
  slice_id: z.string().startsWith("slc_"),
  evaluation_functions: z.array(EvalFunctionCallSchema).min(1),
});
/**
 * `POST validate/scenario_test`: a scenario test on a slice with its evaluation functions.
 *
 * @example
 * ```ts
 * import { CreateScenarioTestRequest } from "@nucleus/schemas";
 *
 * CreateScenarioTestRequest.encode({ name: "night", sliceId: "slc_1", evaluationFunctions: [{ id: "ef_1", evalFuncArguments: {} }] });
 * ```
 */
export const CreateScenarioTestRequest = createCodec(CreateScenarioTestRequestSchema);
/** Body of `POST validate/scenario_test`. */
export type CreateScenarioTestRequest = Camelize<z.input<typeof CreateScenarioTestRequestSchema>>;

/** The wire schema of {@link ScenarioTestInfo}. */
export const ScenarioTestInfoSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  slice_id: z.string(),
  baseline_model_id: z.string().nullish(),
});
/**
 * A scenario test: its name, slice and baseline model.
 *
 * @example
 * ```ts
 * import { ScenarioTestInfo } from "@nucleus/schemas";
 *
 * ScenarioTestInfo.decode({ id: "ut_1", name: "night", slice_id: "slc_1" }).sliceId; // "slc_1"
 * ```
 */
export const ScenarioTestInfo = createCodec(ScenarioTestInfoSchema);
/** A scenario test. */
export type ScenarioTestInfo = Camelize<z.output<typeof ScenarioTestInfoSchema>>;

/** The wire schema of {@link ScenarioTestMetric}: exactly the keys the official client accepts. */
export const ScenarioTestMetricSchema = z.object({
  scenario_test_id: z.string(),
  eval_function_id: z.string(),
  threshold: z.number().nullable(),
  threshold_comparison: ThresholdComparisonSchema,
  eval_func_arguments: z.record(z.string(), z.unknown()),
});
/**
 * One evaluation function of a scenario test with its threshold.
 *
 * @example
 * ```ts
 * import { ScenarioTestMetric } from "@nucleus/schemas";
 *
 * ScenarioTestMetric.decode({ scenario_test_id: "ut_1", eval_function_id: "ef_1", threshold: 0.5, threshold_comparison: "greater_than_equal_to", eval_func_arguments: {} }).threshold; // 0.5
 * ```
 */
export const ScenarioTestMetric = createCodec(ScenarioTestMetricSchema);
/** An evaluation function of a scenario test. */
export type ScenarioTestMetric = Camelize<z.output<typeof ScenarioTestMetricSchema>>;

/** The wire schema of {@link ScenarioTestEvaluation}. */
export const ScenarioTestEvaluationSchema = z.looseObject({
  id: z.string(),
  scenario_test_id: z.string(),
  eval_function_id: z.string(),
  model_id: z.string(),
  status: ScenarioTestEvaluationStatusSchema,
  result: z.number().nullable(),
  pass: z.boolean(),
  threshold: z.number().nullish(),
  threshold_comparison: ThresholdComparisonSchema.optional(),
  error: z.string().nullish(),
  created_at: z.string().optional(),
});
/**
 * One evaluation of a model on one evaluation function of a scenario test: the aggregate result
 * and whether it passed the threshold.
 *
 * @example
 * ```ts
 * import { ScenarioTestEvaluation } from "@nucleus/schemas";
 *
 * ScenarioTestEvaluation.decode({ id: "ste_1", scenario_test_id: "ut_1", eval_function_id: "ef_1", model_id: "prj_1", status: "completed", result: 0.8, pass: true }).pass; // true
 * ```
 */
export const ScenarioTestEvaluation = createCodec(ScenarioTestEvaluationSchema);
/** An evaluation of a scenario test. */
export type ScenarioTestEvaluation = Camelize<z.output<typeof ScenarioTestEvaluationSchema>>;

/** The wire schema of {@link ScenarioTestItemEvaluation}. */
export const ScenarioTestItemEvaluationSchema = z.looseObject({
  evaluation_id: z.string(),
  scenario_test_id: z.string(),
  eval_function_id: z.string(),
  /** The item's id; null for a result about a scene or a track. */
  dataset_item_id: z.string().nullable(),
  reference_id: z.string().optional(),
  /** What the result is about (results uploaded per scene or per track say so). */
  level: z.enum(["item", "scene", "track"]).optional(),
  /** The scene's id, for a result about a scene. */
  scene_id: z.string().optional(),
  /** The track's reference id, for a result about a track. */
  track_reference_id: z.string().optional(),
  result: z.number().nullable(),
  weight: z.number().optional(),
  pass: z.boolean(),
});
/**
 * The result of one evaluation on one item.
 *
 * @example
 * ```ts
 * import { ScenarioTestItemEvaluation } from "@nucleus/schemas";
 *
 * ScenarioTestItemEvaluation.decode({ evaluation_id: "ste_1", scenario_test_id: "ut_1", eval_function_id: "ef_1", dataset_item_id: "di_1", result: 1, pass: true }).result; // 1
 * ```
 */
export const ScenarioTestItemEvaluation = createCodec(ScenarioTestItemEvaluationSchema);
/** A per-item result. */
export type ScenarioTestItemEvaluation = Camelize<z.output<typeof ScenarioTestItemEvaluationSchema>>;

/** The wire schema of {@link UploadEvaluationResultsRequest}. */
export const UploadEvaluationResultsRequestSchema = z
  .object({
    unit_test_id: z.string().min(1),
    eval_function_id: z.string().startsWith("ef_"),
    result_per_ref_id: z.record(z.string(), z.number()),
    weight_per_ref_id: z.record(z.string(), z.number().min(0).max(1)).default({}),
    overall_metric: z.number().optional(),
    model_id: z.string().min(1),
    slice_id: z.string().startsWith("slc_"),
    level: EvalFunctionLevelSchema.default("item"),
  })
  .refine((body) => Object.keys(body.result_per_ref_id).length > 0, {
    path: ["result_per_ref_id"],
    message: "needs at least one result",
  });
/**
 * `POST validate/scenario_test/upload_results`: results of an external function, per reference
 * id, with weights in [0, 1] and their weighted mean.
 *
 * @example
 * ```ts
 * import { UploadEvaluationResultsRequest } from "@nucleus/schemas";
 *
 * UploadEvaluationResultsRequest.encode({
 *   unitTestId: "ut_1", evalFunctionId: "ef_1", resultPerRefId: { img_1: 0.9 }, weightPerRefId: { img_1: 1 },
 *   overallMetric: 0.9, modelId: "prj_1", sliceId: "slc_1",
 * });
 * ```
 */
export const UploadEvaluationResultsRequest = createCodec(UploadEvaluationResultsRequestSchema);
/** Body of `POST validate/scenario_test/upload_results`. */
export type UploadEvaluationResultsRequest = Camelize<z.input<typeof UploadEvaluationResultsRequestSchema>>;

/** `POST validate/scenario_test_eval_function`. */
export const AddScenarioTestFunctionRequest = createCodec(
  z.object({ scenario_test_name: z.string().min(1), eval_function_id: z.string().startsWith("ef_") }),
);

/** `POST validate/metric/set_threshold/{test}/{fn}`: the comparison is optional (kept when absent). */
export const SetThresholdRequest = createCodec(
  z.object({ threshold: z.number().nullable(), threshold_comparison: ThresholdComparisonSchema.optional() }),
);

/** `POST validate/{model_id}/evaluate`: the scenario tests by name (every test when empty). */
export const EvaluateScenarioTestsRequest = createCodec(
  z.object({ test_names: z.array(z.string().min(1)).default([]) }),
);

/** `GET validate/scenario_test/{id}/metrics`: the test's evaluation functions with their thresholds. */
export const ScenarioTestMetricsResponse = createCodec(
  z.looseObject({ scenario_test_metrics: z.array(ScenarioTestMetricSchema) }),
);

/** The wire schema of a scenario test as listed: {@link ScenarioTestInfoSchema} and its dataset. */
export const ScenarioTestDetailSchema = ScenarioTestInfoSchema.extend({ dataset_id: z.string().optional() });

/**
 * Every route of Validate, spread into the `routes` table.
 *
 * @example
 * ```ts
 * import { validateRoutes } from "@nucleus/schemas";
 *
 * validateRoutes.evaluateScenarioTests.path; // "validate/:modelId/evaluate"
 * ```
 */
export const validateRoutes = defineRoutes({
  listEvalFunctions: {
    method: "GET",
    path: "validate/eval_fn",
    summary:
      "The evaluation functions: the standard ones the server computes and the caller's external ones.",
    response: EvalFunctionListResponse,
  },
  createEvalFunction: {
    method: "POST",
    path: "validate/eval_fn",
    summary: "Registers an external evaluation function, whose results are uploaded.",
    body: CreateEvalFunctionRequest,
    response: CreateEvalFunctionResponse,
  },
  createScenarioTest: {
    method: "POST",
    path: "validate/scenario_test",
    summary: "Creates a scenario test: a slice and the evaluation functions it is judged by.",
    body: CreateScenarioTestRequest,
    response: createCodec(z.looseObject({ scenario_test_id: z.string() })),
  },
  listScenarioTestIds: {
    method: "GET",
    path: "validate/scenario_test",
    summary: "The ids of every scenario test.",
    response: createCodec(z.looseObject({ scenario_test_ids: z.array(z.string()) })),
  },
  listScenarioTests: {
    method: "GET",
    path: "validate/scenario_test/details",
    summary: "Every scenario test with its name, slice and baseline model.",
    response: createCodec(z.array(ScenarioTestDetailSchema)),
  },
  uploadEvaluationResults: {
    method: "POST",
    path: "validate/scenario_test/upload_results",
    summary: "Stores the results of an external evaluation function for a model, per reference id.",
    body: UploadEvaluationResultsRequest,
    response: createCodec(
      z.looseObject({ evaluation_id: z.string(), result: z.number(), pass: z.boolean() }),
    ),
  },
  getScenarioTest: {
    method: "GET",
    path: "validate/scenario_test/:scenarioTestId",
    summary: "A scenario test.",
    response: createCodec(ScenarioTestDetailSchema.extend({ unit_test: ScenarioTestInfoSchema })),
  },
  scenarioTestInfo: {
    method: "GET",
    path: "validate/scenario_test/:scenarioTestId/info",
    summary: "A scenario test's name, slice and baseline model.",
    response: createCodec(ScenarioTestDetailSchema),
  },
  deleteScenarioTest: {
    method: "DELETE",
    path: "validate/scenario_test/:scenarioTestId",
    summary: "Deletes a scenario test with its evaluations.",
    response: createCodec(z.looseObject({ success: z.boolean() })),
  },
  scenarioTestMetrics: {
    method: "GET",
    path: "validate/scenario_test/:scenarioTestId/metrics",
    summary: "The evaluation functions of a scenario test with their thresholds.",
    response: ScenarioTestMetricsResponse,
  },
  scenarioTestItems: {
    method: "GET",
    path: "validate/scenario_test/:scenarioTestId/items",
    summary:
      "The items of a scenario test's slice, the scenes they are frames of, and the tracks their annotations follow.",
    response: createCodec(
      z.looseObject({
        dataset_items: z.array(DatasetItemRecordSchema),
        scenes: z.array(SceneResponseSchema),
        tracks: z.array(TrackSchema),
      }),
    ),
  },
  scenarioTestEvalHistory: {
    method: "GET",
    path: "validate/scenario_test/:scenarioTestId/eval_history/details",
    summary: "Every evaluation of a scenario test, oldest first.",
    response: createCodec(z.array(ScenarioTestEvaluationSchema)),
  },
  scenarioTestEvalHistoryIds: {
    method: "GET",
    path: "validate/scenario_test/:scenarioTestId/eval_history",
    summary: "Every evaluation of a scenario test, oldest first (the older form of the history).",
    response: createCodec(z.looseObject({ evaluations: z.array(ScenarioTestEvaluationSchema) })),
  },
  setBaselineModel: {
    method: "POST",
    path: "validate/scenario_test/:scenarioTestId/set_baseline_model/:modelId",
    summary:
      "Makes a model the baseline: its latest results stand in for the thresholds a function does not set.",
    body: EmptyRequest,
    idempotent: true,
    response: createCodec(z.looseObject({ baseline_model_id: z.string() })),
  },
  addScenarioTestFunction: {
    method: "POST",
    path: "validate/scenario_test_eval_function",
    summary: "Adds an evaluation function to a scenario test, named by the test's name.",
    body: AddScenarioTestFunctionRequest,
    idempotent: true,
    response: createCodec(
      z.looseObject({
        scenario_test_id: z.string(),
        eval_function_id: z.string(),
        threshold: z.number().nullable(),
        threshold_comparison: ThresholdComparisonSchema,
      }),
    ),
  },
  setMetricThreshold: {
    method: "POST",
    path: "validate/metric/set_threshold/:scenarioTestId/:evalFunctionId",
    summary: "Sets the threshold (and, optionally, the comparison) of an evaluation function of a test.",
    body: SetThresholdRequest,
    idempotent: true,
    response: createCodec(
      z.looseObject({ threshold: z.number().nullable(), threshold_comparison: ThresholdComparisonSchema }),
    ),
  },
  evaluateScenarioTests: {
    method: "POST",
    path: "validate/:modelId/evaluate",
    summary: "Evaluates a model on scenario tests by name (all of them when none is named), as a job.",
    body: EvaluateScenarioTestsRequest,
    response: createCodec(JobSchema),
  },
  calculateModelMetrics: {
    method: "POST",
    path: "validate/:modelId/metrics",
    summary: "Evaluates a model on every scenario test; the jobs that do it.",
    body: EmptyRequest,
    response: createCodec(z.array(JobSchema)),
  },
  scenarioTestEvaluationInfo: {
    method: "GET",
    path: "validate/eval/:evaluationId/info",
    summary: "An evaluation with its result on each item.",
    response: createCodec(
      z.looseObject({
        scenario_test_evaluation: ScenarioTestEvaluationSchema,
        scenario_test_item_evaluations: z.array(ScenarioTestItemEvaluationSchema),
      }),
    ),
  },
});

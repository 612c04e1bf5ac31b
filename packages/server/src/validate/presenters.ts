/** The wire forms of Validate records, as the official client reads them. */
import type {
  EvalFunctionEntry,
  ScenarioTestEvaluation,
  ScenarioTestItemEvaluation,
  ScenarioTestMetric,
  WireOf,
} from "@nucleus/schemas";
import type {
  ExternalFunctionRecord,
  ItemResultRecord,
  ScenarioEvaluationRecord,
  ScenarioTestRecord,
  TestFunctionRecord,
} from "../store/index.js";
import type { StandardFunction } from "./functions.js";

/** A standard function: public, owned by no user. */
export function standardEntryWire(fn: StandardFunction): WireOf<typeof EvalFunctionEntry> {
  return {
    id: fn.id,
    name: fn.name,
    is_public: true,
    is_external_function: false,
    user_id: "public",
    serialized_fn: null,
    raw_source: null,
  };
}

/** An external function of the caller. */
export function functionEntryWire(fn: ExternalFunctionRecord): WireOf<typeof EvalFunctionEntry> {
  return {
    id: fn.id,
    name: fn.name,
    is_public: false,
    is_external_function: true,
    user_id: fn.tenant,
    serialized_fn: null,
    raw_source: null,
    level: fn.level,
  };
}

/** A scenario test. */
export function testWire(test: ScenarioTestRecord) {
  return {
    id: test.id,
    name: test.name,
    slice_id: test.sliceId,
    dataset_id: test.datasetId,
    baseline_model_id: test.baselineModelId,
  };
}

/** A function of a test: exactly the keys the official client's dataclass takes. */
export function testFunctionWire(fn: TestFunctionRecord): WireOf<typeof ScenarioTestMetric> {
  return {
    scenario_test_id: fn.scenarioTestId,
    eval_function_id: fn.evalFunctionId,
    threshold: fn.threshold,
    threshold_comparison: fn.comparison,
    eval_func_arguments: fn.arguments,
  };
}

/** An evaluation. */
export function evaluationWire(e: ScenarioEvaluationRecord): WireOf<typeof ScenarioTestEvaluation> {
  return {
    id: e.id,
    scenario_test_id: e.scenarioTestId,
    eval_function_id: e.evalFunctionId,
    model_id: e.modelId,
    status: e.status,
    result: e.result,
    pass: e.pass,
    threshold: e.threshold,
    threshold_comparison: e.comparison,
    error: e.error,
    created_at: e.createdAt,
  };
}

/** One item's (or scene's, or track's) result of an evaluation. */
export function itemEvaluationWire(
  e: ScenarioEvaluationRecord,
  item: ItemResultRecord,
): WireOf<typeof ScenarioTestItemEvaluation> {
  const level = item.level ?? "item";
  return {
    evaluation_id: e.id,
    scenario_test_id: e.scenarioTestId,
    eval_function_id: e.evalFunctionId,
    dataset_item_id: level === "item" ? item.itemId : null,
    reference_id: item.referenceId,
    level,
    ...(level === "scene" ? { scene_id: item.itemId } : {}),
    ...(level === "track" ? { track_reference_id: item.referenceId } : {}),
    result: item.result,
    weight: item.weight,
    pass: item.pass,
  };
}

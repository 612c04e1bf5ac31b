/**
 * Validate records: external evaluation functions, scenario tests (a slice and the functions it
 * is judged by, each with a threshold), and evaluations of models on them with per-item results.
 * The standard evaluation functions are the server's own and are not stored.
 */
import { randomBytes } from "node:crypto";
import type { Tenant } from "./common.js";

/** How a result is compared with its threshold. */
export type Comparison = "greater_than" | "greater_than_equal_to" | "less_than" | "less_than_equal_to";

/** What a result is about: one item, one scene, or one track. */
export type ResultLevel = "item" | "scene" | "track";

/** An evaluation function whose results are computed outside the server and uploaded. */
export interface ExternalFunctionRecord {
  id: string;
  tenant: Tenant;
  name: string;
  level: ResultLevel;
  createdAt: string;
}

/** A scenario test. */
export interface ScenarioTestRecord {
  id: string;
  tenant: Tenant;
  name: string;
  sliceId: string;
  datasetId: string;
  /** The model whose latest results stand in for thresholds a function does not set. */
  baselineModelId: string | null;
  createdAt: string;
}

/** One evaluation function of a scenario test. */
export interface TestFunctionRecord {
  scenarioTestId: string;
  evalFunctionId: string;
  /** The function's arguments (`iou_threshold`, filters, ...), as the client sent them. */
  arguments: Record<string, unknown>;
  threshold: number | null;
  comparison: Comparison;
}

/** The state of an evaluation. */
export type ScenarioEvaluationStatus = "pending" | "started" | "completed" | "errored";

/** One evaluation of a model on one function of a scenario test. */
export interface ScenarioEvaluationRecord {
  id: string;
  tenant: Tenant;
  scenarioTestId: string;
  evalFunctionId: string;
  modelId: string;
  /** The job that computes it; null for uploaded results. */
  jobId: string | null;
  status: ScenarioEvaluationStatus;
  result: number | null;
  pass: boolean;
  /** The threshold and comparison it was judged by (null: none applied). */
  threshold: number | null;
  comparison: Comparison;
  error: string | null;
  createdAt: string;
}

/** The result of an evaluation on one item (or, for results uploaded per scene or track, one scene or track). */
export interface ItemResultRecord {
  /** What the result is about; "item" when absent. */
  level?: ResultLevel;
  /** The item's id; the scene's id at scene level; the track's reference id at track level. */
  itemId: string;
  referenceId: string;
  result: number | null;
  weight: number;
  pass: boolean;
}

/** What a new scenario test is made of. */
export interface NewScenarioTest {
  name: string;
  sliceId: string;
  datasetId: string;
  functions: readonly { evalFunctionId: string; arguments: Record<string, unknown> }[];
}

/** A new evaluation, pending until its outcome is recorded. */
export interface NewScenarioEvaluation {
  scenarioTestId: string;
  evalFunctionId: string;
  modelId: string;
  jobId: string | null;
  /** When it was made (ISO 8601): now unless given (a dump's restore). */
  createdAt?: string | undefined;
}

/** The outcome of an evaluation. */
export interface ScenarioOutcome {
  status: "completed" | "errored";
  result: number | null;
  pass: boolean;
  threshold: number | null;
  comparison: Comparison;
  error: string | null;
}

/** Scenario tests, their functions and evaluations, per tenant. */
export interface ValidateStore {
  /** Registers an external function; a name already registered returns the existing one. */
  createFunction(
    tenant: Tenant,
    input: { name: string; level: ExternalFunctionRecord["level"] },
  ): Promise<ExternalFunctionRecord>;
  /** The tenant's external functions, in creation order. */
  listFunctions(tenant: Tenant): Promise<ExternalFunctionRecord[]>;
  /** Creates a scenario test with its functions (no threshold, `greater_than_equal_to`). */
  createTest(tenant: Tenant, input: NewScenarioTest): Promise<ScenarioTestRecord>;
  getTest(tenant: Tenant, id: string): Promise<ScenarioTestRecord | undefined>;
  findTest(tenant: Tenant, query: { name: string }): Promise<ScenarioTestRecord | undefined>;
  /** The tenant's scenario tests, in creation order. */
  listTests(tenant: Tenant): Promise<ScenarioTestRecord[]>;
  /** Deletes a test with its functions and evaluations; false when there was none. */
  deleteTest(tenant: Tenant, id: string): Promise<boolean>;
  setBaseline(tenant: Tenant, id: string, modelId: string): Promise<void>;
  /** A test's functions, in the order they were added. */
  functions(scenarioTestId: string): Promise<TestFunctionRecord[]>;
  /** Adds a function to a test; one it has already is returned as it is. */
  addFunction(
    scenarioTestId: string,
    input: { evalFunctionId: string; arguments: Record<string, unknown> },
  ): Promise<TestFunctionRecord>;
  /** Sets a function's threshold (and comparison, when given); undefined when the test lacks it. */
  setThreshold(
    scenarioTestId: string,
    evalFunctionId: string,
    threshold: number | null,
    comparison?: Comparison,
  ): Promise<TestFunctionRecord | undefined>;
  /** Creates pending evaluations, all or none. */
  createEvaluations(
    tenant: Tenant,
    inputs: readonly NewScenarioEvaluation[],
  ): Promise<ScenarioEvaluationRecord[]>;
  /** Records an evaluation's outcome with its per-item results, together. */
  finishEvaluation(id: string, outcome: ScenarioOutcome, items: readonly ItemResultRecord[]): Promise<void>;
  /** Marks a pending evaluation started. */
  startEvaluation(id: string): Promise<void>;
  getEvaluation(tenant: Tenant, id: string): Promise<ScenarioEvaluationRecord | undefined>;
  /** A test's evaluations, oldest first. */
  history(scenarioTestId: string): Promise<ScenarioEvaluationRecord[]>;
  /** The evaluations a job computes, in creation order. */
  evaluationsOfJob(jobId: string): Promise<ScenarioEvaluationRecord[]>;
  /** An evaluation's per-item results, in item order. */
  itemResults(evaluationId: string): Promise<ItemResultRecord[]>;
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

/**
 * A new Validate id: `ef_` (evaluation function), `ut_` (scenario test) or `ste_` (evaluation),
 * then 20 random lowercase base32 characters, like the protocol's other ids.
 */
export function newValidateId(prefix: "ef_" | "ut_" | "ste_"): string {
  let out: string = prefix;
  for (const byte of randomBytes(20)) out += ALPHABET[byte & 31];
  return out;
}

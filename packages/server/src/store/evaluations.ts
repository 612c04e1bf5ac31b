import type { Tenant } from "./common.js";
import type { EvaluationMetrics, EvaluationOptions } from "./documents.js";

/** Where an evaluation is: waiting for its job, being computed, or done. */
export type EvaluationStatus = "pending" | "computing" | "succeeded" | "failed";

/** An evaluation of a model run against its dataset's ground truth. */
export interface EvaluationRecord {
  id: string;
  tenant: Tenant;
  runId: string;
  datasetId: string;
  name: string | null;
  status: EvaluationStatus;
  options: EvaluationOptions;
  /** Set once it succeeded. */
  metrics: EvaluationMetrics | null;
  /** Set when it failed. */
  errorMessage: string | null;
  createdAt: string;
}

/** What a new evaluation is made of; it starts `pending`. */
export interface NewEvaluation {
  runId: string;
  datasetId: string;
  name: string | null;
  options: EvaluationOptions;
}

/** What changes as an evaluation is computed. */
export type EvaluationUpdate = Partial<Pick<EvaluationRecord, "status" | "metrics" | "errorMessage">>;

/** Evaluations of each run, newest first. */
export interface EvaluationStore {
  create(tenant: Tenant, input: NewEvaluation): Promise<EvaluationRecord>;
  get(tenant: Tenant, id: string): Promise<EvaluationRecord | undefined>;
  /** A run's evaluations, newest first. */
  list(tenant: Tenant, filter: { runId: string }): Promise<EvaluationRecord[]>;
  update(tenant: Tenant, id: string, fields: EvaluationUpdate): Promise<void>;
  /** False when there was none. */
  delete(tenant: Tenant, id: string): Promise<boolean>;
}

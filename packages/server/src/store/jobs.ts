import type { JobStatusValue } from "@nucleus/schemas";
import type { Tenant } from "./common.js";

/** What an async upload job does: which NDJSON to load, into which dataset or run. */
export interface UploadJobSpec {
  type: "uploadDatasetItems" | "uploadAnnotations" | "uploadPredictions";
  datasetId: string;
  runId?: string | undefined;
  mediaKey: string;
  update: boolean;
}

/** What a scene upload job does: write the scenes of a payload (one scene a line). */
export interface SceneUploadJobSpec {
  type: "uploadLidarScene" | "uploadVideoScene";
  datasetId: string;
  mediaKey: string;
  update: boolean;
}

/** What an evaluation job does: compute one stored evaluation of a model run. */
export interface EvaluationJobSpec {
  type: "modelRunCommit" | "modelMetrics";
  evaluationId: string;
}

/** What a job does (a scenario test evaluation names its model); jobs done when created carry none. */
export type JobSpec =
  | UploadJobSpec
  | SceneUploadJobSpec
  | EvaluationJobSpec
  | { type: "scenarioTestEvaluation"; modelId: string }
  | Record<string, never>;

/** What the protocol reports as a job's message: text, or an object (upload counts, a final error). */
export type JobMessage = string | Record<string, unknown> | null;

/** A background job. */
export interface JobRecord {
  id: string;
  tenant: Tenant;
  datasetId: string | null;
  type: string;
  /** `Running` until done, then `Completed` or `Errored_Server`. */
  status: JobStatusValue;
  /** The job's message, as the protocol reports it. */
  message: JobMessage;
  completedSteps: number;
  totalSteps: number;
  /** Errors of single entries (the most recent ones). */
  errors: string[];
  spec: JobSpec;
  createdAt: string;
  /** How many times a runner claimed it. */
  attempts: number;
  /** Who runs it and until when (ms since the epoch), while a runner holds it. */
  lease: { owner: string; expiresAt: number } | null;
}

/** A new job: `Running` (a runner will claim it) unless created done. */
export interface NewJob {
  datasetId: string | null;
  type: string;
  spec: JobSpec;
  /** For jobs that are done when created. */
  done?: { message: JobMessage };
}

/** What a runner reports on a job it holds. */
export type JobUpdate = Partial<
  Pick<JobRecord, "status" | "message" | "completedSteps" | "totalSteps" | "errors">
>;

/** A claim on jobs: who holds it, and for how long after each claim or renewal. */
export interface Lease {
  owner: string;
  durationMs: number;
}

/**
 * Jobs of each tenant, in creation order. Runners claim `Running` jobs with a lease (owner and
 * expiry) and renew it while they work, so two processes on one store never run the same job,
 * and a job whose runner died is claimed again once its lease expires.
 */
export interface JobStore {
  create(tenant: Tenant, input: NewJob): Promise<JobRecord>;
  get(tenant: Tenant, id: string): Promise<JobRecord | undefined>;
  list(
    tenant: Tenant,
    filter: { datasetId?: string | null; types?: readonly string[]; showCompleted: boolean; limit: number },
  ): Promise<JobRecord[]>;
  /** Claims a job if it is `Running` and nobody holds a live lease on it. */
  claim(id: string, lease: Lease): Promise<JobRecord | undefined>;
  /** Claims the oldest job that is `Running` with no live lease, if any. */
  claimNext(lease: Lease): Promise<JobRecord | undefined>;
  /** Extends the leases `lease.owner` still holds among `ids`; returns those ids. */
  renew(ids: readonly string[], lease: Lease): Promise<string[]>;
  /**
   * How many jobs, of every tenant, wait for a runner (`Running` with no live lease) and how many
   * a runner holds: the depth of the queue, for metrics.
   */
  depth(): Promise<{ queued: number; running: number }>;
  /**
   * Records progress or the outcome of a job that `owner` holds; a status other than `Running`
   * ends the lease. False (and nothing written) when `owner` no longer holds it.
   */
  update(id: string, owner: string, fields: JobUpdate): Promise<boolean>;
}

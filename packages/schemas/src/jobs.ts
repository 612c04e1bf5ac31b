import * as z from "zod";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";

/**
 * Every job status. Clients poll only while a job is `Running`; statuses starting with
 * `Errored` are failures.
 */
export const JOB_STATUSES = [
  "Queued",
  "Running",
  "Completed",
  "Errored",
  "Errored_Server",
  "Errored_User",
  "Errored_Partial",
  "Errored_Hanging",
  "Cancelled",
  "Retried",
] as const;

/** A job status (see {@link JOB_STATUSES}). */
export const JobStatusValueSchema = z.enum(JOB_STATUSES);
/** A job status. */
export type JobStatusValue = z.output<typeof JobStatusValueSchema>;

/** Job types the protocol names (`CustomerJobTypes`); servers may add others. */
export const JOB_TYPES = [
  "uploadDatasetItems",
  "uploadPredictions",
  "uploadAnnotations",
  "uploadLidarScene",
  "uploadVideoScene",
  "modelInferenceRun",
  "indexingImage",
  "indexingObject",
  "annotationDeletion",
  "sendToLabeling",
  "ingestTasks",
  "customIndexing",
  "embeddingDelete",
  "testEvaluation",
  "modelMetrics",
  "modelRunCommit",
  "autotagInference",
  "sliceQuery",
  "cloneDataset",
  "metadataUpdate",
  "triggerEvaluate",
  "exportEmbeddings",
] as const;

/** True when a job status is final and a failure. */
export function isErroredStatus(status: string): boolean {
  return status.startsWith("Errored");
}

/** True while a job has not finished: `Queued` or `Running` (the official client waits only on `Running`). */
export function isPendingStatus(status: string): boolean {
  return status === "Running" || status === "Queued";
}

/** The wire schema of {@link Job}. */
export const JobSchema = z.looseObject({
  job_id: z.string(),
  job_last_known_status: JobStatusValueSchema,
  job_type: z.string(),
  job_creation_time: z.string(),
});
/**
 * The four-key job object returned when a job is created, by `job/{id}/info` and by `jobs/`.
 */
export const Job = createCodec(JobSchema);
/** A job. */
export type Job = Camelize<z.output<typeof JobSchema>>;

/** The job list of `POST jobs/`. */
export const JobList = createCodec(z.array(JobSchema));
/** A job list. */
export type JobList = Job[];

/** The wire schema of {@link JobStatus}. */
export const JobStatusSchema = z.looseObject({
  job_id: z.string(),
  status: JobStatusValueSchema,
  message: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  job_progress: z.string().regex(/^\d+\.\d\d$/),
  completed_steps: z.int().min(0),
  total_steps: z.int().min(0),
  job_type: z.string().optional(),
});
/**
 * The status of a job (`GET job/{id}`): `job_progress` is a string with two decimals ("0.50"),
 * `message` a string or an object (upload counts, a final error).
 */
export const JobStatus = createCodec(JobStatusSchema);
/** A job status. */
export type JobStatus = Camelize<z.output<typeof JobStatusSchema>>;

/** `GET job/{id}/errors`: one string per failed entry. */
export const JobErrors = createCodec(z.array(z.string()));
/** A job's errors. */
export type JobErrors = string[];

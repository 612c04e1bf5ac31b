import type { Job, WireOf } from "@nucleus/schemas";
import type { JobRecord } from "../store/index.js";

/** The four-key job object as clients read it. */
export type JobWire = WireOf<typeof Job>;

/** The four-key job object (`JobSchema`). */
export function jobWire(job: JobRecord): JobWire {
  return {
    job_id: job.id,
    job_last_known_status: job.status,
    job_type: job.type,
    job_creation_time: job.createdAt,
  };
}

/** A job's status (`JobStatusSchema`), with progress as a two-decimal string. */
export function jobStatusWire(job: JobRecord) {
  const progress =
    job.totalSteps > 0 ? job.completedSteps / job.totalSteps : job.status === "Completed" ? 1 : 0;
  return {
    job_id: job.id,
    status: job.status,
    message: job.message,
    job_progress: progress.toFixed(2),
    completed_steps: job.completedSteps,
    total_steps: job.totalSteps,
    job_type: job.type,
  };
}

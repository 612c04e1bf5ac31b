import type { Job as JobData, JobStatus as JobStatusData } from "@nucleus/schemas";
import { isErroredStatus, isPendingStatus, routes } from "@nucleus/schemas";
import { JobError } from "../errors.js";
import type { Api } from "../internal/api.js";
import { sleep } from "../internal/http.js";
import type { CallOptions } from "../options.js";

/** Options of {@link Job.waitUntilDone}. */
export interface WaitOptions extends CallOptions {
  /** Time between polls, in milliseconds. Default 1000. */
  pollInterval?: number;
  /** Called with every status polled, for progress display. */
  onStatus?: (status: JobStatusData) => void;
}

/**
 * A server-side job: an async upload, a deletion, an evaluation. Poll it with {@link status}
 * or wait for it with {@link waitUntilDone}.
 */
export class Job {
  /** @internal Made by the client and other resources; not constructed directly. */
  constructor(
    private readonly api: Api,
    /** The job's id (`job_...`). */
    readonly id: string,
    /** What the server last said about it. */
    readonly data?: JobData,
  ) {}

  /**
   * The job's current status, progress and message.
   *
   * @example
   * ```ts
   * const { status, jobProgress } = await job.status();
   * ```
   */
  async status(options: CallOptions = {}): Promise<JobStatusData> {
    return this.api.call(routes.jobStatus, { params: { jobId: this.id } }, options);
  }

  /**
   * The job's four-key summary: id, last known status, type and creation time.
   *
   * @example
   * ```ts
   * const { jobType, jobLastKnownStatus } = await job.info();
   * ```
   */
  async info(options: CallOptions = {}): Promise<JobData> {
    return this.api.call(routes.jobInfo, { params: { jobId: this.id } }, options);
  }

  /**
   * One message per entry that failed (empty when everything applied).
   *
   * @example
   * ```ts
   * for (const message of await job.errors()) console.error(message);
   * ```
   */
  async errors(options: CallOptions = {}): Promise<string[]> {
    return this.api.call(routes.jobErrors, { params: { jobId: this.id } }, options);
  }

  /**
   * Polls until the job finishes and returns its final status; throws a {@link JobError} when
   * it ends `Errored*`.
   *
   * @example
   * ```ts
   * const final = await job.waitUntilDone({ onStatus: (s) => console.log(s.jobProgress) });
   * ```
   */
  async waitUntilDone(options: WaitOptions = {}): Promise<JobStatusData> {
    for (;;) {
      const current = await this.status(options);
      options.onStatus?.(current);
      if (isErroredStatus(current.status)) {
        const message =
          typeof current.message === "string" ? current.message : JSON.stringify(current.message);
        throw new JobError(this.id, current.status, message);
      }
      if (!isPendingStatus(current.status)) return current;
      await sleep(options.pollInterval ?? 1_000, options.signal);
      options.signal?.throwIfAborted();
    }
  }
}

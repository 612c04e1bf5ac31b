import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Annotation, DatasetItem, MAX_JSON_DEPTH, Prediction } from "@nucleus/schemas";
import { MetricsStopped } from "../evaluation/coco-accumulate.js";
import { isDiskFull } from "../http/disk-full.js";
import { depthPast } from "../json-depth.js";
import type { MediaStore } from "../media.js";
import { refusalMessage } from "../presenters/problems.js";
import { isSceneJobType, runSceneJob } from "../scenes/job.js";
import { planItemVectors } from "../services/item-vectors.js";
import { DEFAULT_IOU, matchSetsOf } from "../services/match-sets.js";
import { checkObjectVectors } from "../services/object-vectors.js";
import { upsertCheckedLabels } from "../services/taxonomy-check.js";
import type {
  EntityStores,
  EvaluationJobSpec,
  JobMessage,
  JobRecord,
  JobSpec,
  JobUpdate,
  LabelInput,
  LabelTarget,
  Lease,
  NewItem,
  NucleusStore,
  UploadJobSpec,
} from "../store/index.js";
import { runScenarioJob, SCENARIO_JOB_TYPE } from "../validate/evaluate.js";
import { countPayloadLines, type PayloadLine, payloadLines } from "./payload-lines.js";

/** How a runner holds jobs: lease length, and how often it looks for jobs nobody holds. */
export interface JobRunnerTiming {
  /** How long a claim lasts without renewal; renewed every third of it while the job runs. */
  leaseMs: number;
  /** How often to look for jobs nobody holds (new ones, or ones whose runner died). */
  pollMs: number;
}

/** The default timing: a dead runner's jobs are picked up within about half a minute. */
export const DEFAULT_JOB_TIMING: JobRunnerTiming = { leaseMs: 30_000, pollMs: 2_000 };

/** Options of a {@link JobRunner}. */
export interface JobRunnerOptions {
  log: (line: string) => void;
  /** Refuse predictions on committed runs. */
  immutableCommittedRuns: boolean;
  timing?: JobRunnerTiming;
  /** Who this runner is in leases; unique per process by default. */
  owner?: string;
  /** Runs jobs of other types, by type: `report` records progress (and throws when the lease is gone). */
  handlers?: Readonly<Record<string, JobHandler>>;
}

/** Runs one job of a type the runner does not know itself. */
export type JobHandler = (job: JobRecord, report: (fields: JobUpdate) => Promise<void>) => Promise<void>;

function isEvaluation(spec: JobSpec): spec is EvaluationJobSpec {
  return spec.type === "modelRunCommit" || spec.type === "modelMetrics";
}

function isUpload(spec: JobSpec): spec is UploadJobSpec {
  return (
    spec.type === "uploadDatasetItems" ||
    spec.type === "uploadAnnotations" ||
    spec.type === "uploadPredictions"
  );
}

/** This runner no longer holds the job: another runner claimed it after the lease expired. */
class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: another runner holds it now`);
    this.name = "LeaseLost";
  }
}

/** Ends a job this runner was told to stop: the job stays unfinished for a later runner. */
class RunnerStopped extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: the runner stopped before the job ended`);
    this.name = "RunnerStopped";
  }
}

/** Errors that leave a job unfinished rather than failed. */
const unfinished = (error: unknown) =>
  error instanceof LeaseLost || error instanceof RunnerStopped || error instanceof MetricsStopped;

/** A job this runner is working on; `lost` is set when a renewal finds the lease gone. */
interface Held {
  job: JobRecord;
  lost: boolean;
}

/** Lines applied per transaction: large enough to be fast, small enough to report progress. */
const CHUNK = 1_000;

const CODECS = {
  uploadDatasetItems: DatasetItem,
  uploadAnnotations: Annotation,
  uploadPredictions: Prediction,
} as const;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs background jobs. A job runs only while its runner holds a lease on it (owner and expiry
 * in the store, renewed while it runs), so two processes on one data folder never run the same
 * job, and the jobs of a process that died are claimed again once their leases expire. A job's
 * input is stored before the job is created, and uploads are keyed by reference id and
 * annotation id, so running a job again after a crash loses and duplicates nothing.
 */
export class JobRunner {
  private readonly active = new Set<Promise<void>>();
  private readonly held = new Map<string, Held>();
  private readonly lease: Lease;
  private readonly timing: JobRunnerTiming;
  private timers: NodeJS.Timeout[] = [];
  private polling = false;
  private stopped = false;

  constructor(
    private readonly store: NucleusStore,
    private readonly media: MediaStore,
    private readonly options: JobRunnerOptions,
  ) {
    this.timing = options.timing ?? DEFAULT_JOB_TIMING;
    this.lease = {
      owner: options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`,
      durationMs: this.timing.leaseMs,
    };
  }

  /** Who this runner is in the store's leases. */
  get owner(): string {
    return this.lease.owner;
  }

  /** Claims and runs a job this process just created, once the current request has been answered. */
  start(jobId: string): void {
    if (this.stopped) return;
    this.track(async () => {
      await nextTurn();
      const job = await this.store.jobs.claim(jobId, this.lease);
      if (job) await this.run(job);
    });
  }

  /** Looks for jobs nobody holds now and then every `pollMs`, and renews the leases it holds. */
  startPolling(): void {
    if (this.stopped || this.timers.length > 0) return;
    void this.pollOnce();
    const poll = setInterval(() => void this.pollOnce(), this.timing.pollMs);
    const renew = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.timing.leaseMs / 3)));
    // Timers never keep a process alive on their own.
    poll.unref();
    renew.unref();
    this.timers = [poll, renew];
  }

  /** Claims every job nobody holds and starts it; resolves with how many it started. */
  pollOnce(): Promise<number> {
    if (this.polling || this.stopped) return Promise.resolve(0);
    this.polling = true;
    let started = 0;
    return this.track(async () => {
      try {
        for (;;) {
          if (this.stopped) break;
          const job = await this.store.jobs.claimNext(this.lease);
          if (!job) break;
          started += 1;
          this.track(() => this.run(job));
        }
      } catch (error) {
        this.options.log(`job poll failed: ${(error as Error).stack ?? String(error)}`);
      } finally {
        this.polling = false;
      }
    }).then(() => started);
  }

  /** Resolves when no job (or poll) of this runner is running. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active);
  }

  /**
   * Claims nothing more and resolves when the running jobs are done. Evaluations stop at their
   * next step and stay unfinished: a runner started later resumes them once their lease ends.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.idle();
  }

  private track(work: () => Promise<void>): Promise<void> {
    const running: Promise<void> = work().finally(() => this.active.delete(running));
    this.active.add(running);
    return running;
  }

  /** Extends the leases of the jobs running here; a job whose lease is gone stops at its next step. */
  private async renew(): Promise<void> {
    const ids = [...this.held.keys()];
    if (ids.length === 0) return;
    try {
      const kept = new Set(await this.store.jobs.renew(ids, this.lease));
      for (const id of ids) {
        const held = this.held.get(id);
        if (held && !kept.has(id)) held.lost = true;
      }
    } catch (error) {
      this.options.log(`lease renewal failed: ${(error as Error).stack ?? String(error)}`);
    }
  }

  private async run(job: JobRecord): Promise<void> {
    const held: Held = { job, lost: false };
    this.held.set(job.id, held);
    try {
      if (isEvaluation(job.spec)) await this.runEvaluation(held, job.spec);
      else if (isUpload(job.spec)) await this.runUpload(held, job.spec);
      else if (isSceneJobType(job.spec.type ?? ""))
        await runSceneJob(this.store, this.media, job, (fields) => this.report(held, fields));
      else if (job.spec.type === SCENARIO_JOB_TYPE)
        await runScenarioJob(this.store, job, (fields) => this.report(held, fields), this.media);
      else if (this.options.handlers?.[job.spec.type ?? ""])
        await this.options.handlers[job.spec.type as string]?.(job, (fields) => this.report(held, fields));
      else throw new Error(`job ${job.id} has nothing to run (${job.type})`);
    } catch (error) {
      if (unfinished(error)) {
        this.options.log((error as Error).message);
        return;
      }
      this.options.log(`job ${job.id} failed: ${(error as Error).stack ?? String(error)}`);
      await this.store.jobs
        .update(job.id, this.lease.owner, {
          status: "Errored_Server",
          message: { final_error: `${(error as Error).name}: ${(error as Error).message}` },
        })
        .catch((failure: Error) => this.options.log(`job ${job.id}: ${failure.message}`));
    } finally {
      this.held.delete(job.id);
    }
  }

  /** Records progress on a held job; stops the job (LeaseLost) when another runner holds it now. */
  private async report(held: Held, fields: JobUpdate): Promise<void> {
    if (held.lost || !(await this.store.jobs.update(held.job.id, this.lease.owner, fields))) {
      throw new LeaseLost(held.job.id);
    }
  }

  private async runEvaluation(held: Held, spec: EvaluationJobSpec): Promise<void> {
    const { tenant } = held.job;
    const evaluation = await this.store.evaluations.get(tenant, spec.evaluationId);
    if (!evaluation) throw new Error(`evaluation ${spec.evaluationId} no longer exists`);
    await this.store.evaluations.update(tenant, evaluation.id, { status: "computing" });
    await this.report(held, { totalSteps: 1 });
    try {
      // Matched item by item and stored a page of items at a time, the match rows give the run's
      // metrics: object queries, charts and evaluations of a subset read the same rows.
      const { metrics } = await matchSetsOf(this.store).compute(
        evaluation,
        DEFAULT_IOU,
        async () => {
          if (held.lost) throw new LeaseLost(held.job.id);
          if (this.stopped) throw new RunnerStopped(held.job.id);
        },
        () => this.stopped || held.lost,
      );
      await this.store.transaction(async (tx) => {
        const done = await tx.jobs.update(held.job.id, this.lease.owner, {
          status: "Completed",
          completedSteps: 1,
          message: { evaluation_id: evaluation.id, map: metrics.map },
        });
        if (!done) throw new LeaseLost(held.job.id);
        await tx.evaluations.update(tenant, evaluation.id, { status: "succeeded", metrics });
      });
    } catch (error) {
      if (!unfinished(error)) {
        await this.store.evaluations.update(tenant, evaluation.id, {
          status: "failed",
          errorMessage: (error as Error).message,
        });
      }
      throw error;
    }
  }

  /**
   * Applies an NDJSON payload a chunk of lines at a time. Each chunk applies in one transaction
   * with the job's progress (lines done, counts, errors), so the job's record always says exactly
   * which lines were applied, and a job resumed after a crash continues after the last chunk that
   * applied, counting only what it applied itself. A chunk that fails applies nothing: the job
   * ends saying which lines were applied and which were not.
   */
  private async runUpload(held: Held, spec: UploadJobSpec): Promise<void> {
    const { job } = held;
    const done = job.completedSteps;
    const total = job.totalSteps > 0 ? job.totalSteps : await countPayloadLines(this.media, spec.mediaKey);
    if (job.totalSteps === 0) await this.report(held, { totalSteps: total });
    const progress: UploadProgress = {
      counts: { ...ZERO_COUNTS, ...countsOf(job.message) },
      errors: [...job.errors],
      lines: done,
      lastLine: 0,
      total,
    };
    const codec = CODECS[spec.type];
    let seen = 0;
    let chunk: PayloadLine[] = [];
    try {
      for await (const entry of payloadLines(this.media, spec.mediaKey)) {
        seen += 1;
        // Lines a previous attempt applied are skipped: their counts are in the job already.
        if (seen <= done) {
          progress.lastLine = entry.number;
          continue;
        }
        chunk.push(entry);
        if (chunk.length === CHUNK) {
          await this.applyChunk(held, spec, codec, chunk, progress);
          chunk = [];
          await nextTurn();
        }
      }
      if (chunk.length > 0) await this.applyChunk(held, spec, codec, chunk, progress);
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      await this.report(held, {
        status: "Errored_Server",
        message: {
          ...uploadMessage(spec, total, progress),
          final_error: stoppedMessage(error, progress, total),
        },
      });
      this.options.log(
        `job ${job.id} stopped after ${progress.lines} of ${total} lines: ${(error as Error).message}`,
      );
      return;
    }
    await this.report(held, {
      status: "Completed",
      message: uploadMessage(spec, total, progress),
      completedSteps: total,
    });
  }

  /** Validates and applies one chunk of lines, with the job's progress, in one transaction. */
  private async applyChunk(
    held: Held,
    spec: UploadJobSpec,
    codec: (typeof CODECS)[keyof typeof CODECS],
    chunk: readonly PayloadLine[],
    progress: UploadProgress,
  ): Promise<void> {
    if (held.lost) throw new LeaseLost(held.job.id);
    const errors: string[] = [];
    const valid: unknown[] = [];
    for (const { number, line } of chunk) {
      if (depthPast(line, MAX_LINE_DEPTH) !== undefined) {
        errors.push(`line ${number}: nests JSON deeper than ${MAX_LINE_DEPTH} levels, the limit`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        errors.push(`line ${number}: not valid JSON`);
        continue;
      }
      const result = codec.check(value);
      if (result.ok) valid.push(result.value);
      else for (const issue of result.issues) errors.push(`line ${number}: ${issue.text}`);
    }
    const counts = { ...progress.counts };
    const allErrors = [...progress.errors, ...errors];
    await this.store.transaction(async (tx) => {
      await this.apply(tx, held.job, spec, valid, counts, allErrors);
      const lines = progress.lines + chunk.length;
      const recorded = await tx.jobs.update(held.job.id, this.lease.owner, {
        completedSteps: lines,
        message: uploadMessage(spec, progress.total, { ...progress, counts, lines, errors: allErrors }),
        errors: allErrors.slice(-10_000),
      });
      if (!recorded) throw new LeaseLost(held.job.id);
    });
    // Committed: only now does the job's own account move on.
    progress.counts = counts;
    progress.errors = allErrors.slice(-10_000);
    progress.lines += chunk.length;
    progress.lastLine = (chunk[chunk.length - 1] as PayloadLine).number;
  }

  private async apply(
    stores: EntityStores,
    job: JobRecord,
    spec: UploadJobSpec,
    valid: unknown[],
    counts: UploadCounts,
    errors: string[],
  ): Promise<void> {
    if (valid.length === 0) return;
    if (spec.type === "uploadDatasetItems") {
      // Vectors that cannot be kept are reported; their items are stored all the same.
      const storeVectors = await planItemVectors(
        stores,
        spec.datasetId,
        valid as NewItem[],
        spec.update,
        (message) => errors.push(message),
      );
      const result = await stores.items.upsert(spec.datasetId, valid as NewItem[], {
        update: spec.update,
      });
      await storeVectors?.();
      counts.new += result.newItems;
      counts.updated += result.updatedItems;
      counts.ignored += result.ignoredItems;
      return;
    }
    if (spec.type === "uploadPredictions") {
      const run = spec.runId ? await stores.runs.get(job.tenant, spec.runId) : undefined;
      if (!run) throw new Error(`model run ${spec.runId} no longer exists`);
      if (run.status === "Committed" && this.options.immutableCommittedRuns) {
        errors.push(`model run ${run.id} is committed: its predictions cannot change`);
        return;
      }
    }
    const target: LabelTarget =
      spec.type === "uploadPredictions"
        ? { kind: "predictions", datasetId: spec.datasetId, runId: spec.runId as string }
        : { kind: "annotations", datasetId: spec.datasetId };
    // A bad object vector is reported; its label is stored without it.
    const labels = await checkObjectVectors(stores, spec.datasetId, valid as LabelInput[], {
      where: (_, label) =>
        `${target.kind === "predictions" ? "prediction" : "annotation"} on reference_id ${JSON.stringify(label.reference_id)}${"annotation_id" in label && label.annotation_id ? ` (annotation_id ${JSON.stringify(label.annotation_id)})` : ""}`,
      refuse: (message) => errors.push(message),
    });
    const result = await upsertCheckedLabels(stores, target, labels, { update: spec.update });
    counts.processed += result.processed;
    counts.ignored += result.ignored;
    for (const refusal of result.refused) errors.push(refusalMessage(refusal.problem));
  }
}

/** What an upload job applied so far: counts, entry errors, and how many non-blank lines it went through. */
interface UploadProgress {
  counts: UploadCounts;
  errors: string[];
  /** Non-blank lines done (applied or refused), in payload order. */
  lines: number;
  /** The payload line number of the last line done. */
  lastLine: number;
  /** Non-blank lines in the payload. */
  total: number;
}

/** Counts of an upload job, as the protocol reports them. */
interface UploadCounts {
  processed: number;
  ignored: number;
  new: number;
  updated: number;
}

const ZERO_COUNTS: UploadCounts = { processed: 0, ignored: 0, new: 0, updated: 0 };

/** How deep one NDJSON line may nest (an entry's envelope around metadata). */
const MAX_LINE_DEPTH = MAX_JSON_DEPTH + 8;

/** The protocol's message of an upload job: its counts, as far as it got. */
function uploadMessage(
  spec: UploadJobSpec,
  total: number,
  progress: UploadProgress,
): Record<string, unknown> {
  const { counts, errors } = progress;
  return spec.type === "uploadDatasetItems"
    ? {
        item_upload: {
          total,
          new: counts.new,
          updated: counts.updated,
          ignored: counts.ignored,
          errored: errors.length,
        },
      }
    : {
        [spec.type === "uploadAnnotations" ? "annotation_upload" : "prediction_upload"]: {
          total,
          processed: counts.processed,
          ignored: counts.ignored,
          errored: errors.length,
          datasetId: spec.datasetId,
        },
      };
}

/** The counts a job recorded with its progress (its message while running), to resume from. */
function countsOf(message: JobMessage): Partial<UploadCounts> {
  if (message === null || typeof message !== "object") return {};
  const inner = (message.item_upload ?? message.annotation_upload ?? message.prediction_upload) as
    | Record<string, unknown>
    | undefined;
  if (!inner) return {};
  const read = (name: string) => (typeof inner[name] === "number" ? (inner[name] as number) : 0);
  return {
    processed: read("processed"),
    ignored: read("ignored"),
    new: read("new"),
    updated: read("updated"),
  };
}

/** Says exactly which lines a stopped upload applied, and why it stopped. */
function stoppedMessage(error: unknown, progress: UploadProgress, total: number): string {
  const reason = isDiskFull(error)
    ? "the server's disk is full"
    : `${(error as Error).name}: ${(error as Error).message}`;
  const applied =
    progress.lines === 0
      ? "no line was applied"
      : `the first ${progress.lines} entries (payload lines 1-${progress.lastLine}) were applied`;
  return `Stopped after ${progress.lines} of ${total} entries because ${reason}: ${applied}, and the ${total - progress.lines} after them were not. Upload those again.`;
}

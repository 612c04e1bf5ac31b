import { readFile } from "node:fs/promises";
import { Annotation, DatasetItem, Prediction } from "@nucleus/schemas";
import { evaluateRun } from "../evaluation/evaluate-run.js";
import type { MediaStore } from "../media.js";
import type { NucleusStore } from "../store/store.js";
import type { ItemInput, LabelInput } from "../store/types.js";

/** What an async upload job does: which NDJSON to load, into which dataset or run. */
export interface UploadJobSpec {
  type: "uploadDatasetItems" | "uploadAnnotations" | "uploadPredictions";
  datasetId: string;
  runId?: string | undefined;
  mediaKey: string;
  update: boolean;
}

/** What an evaluation job does: compute one stored evaluation of a model run. */
export interface EvaluationJobSpec {
  type: "modelRunCommit" | "modelMetrics";
  evaluationId: string;
}

function isEvaluation(spec: UploadJobSpec | EvaluationJobSpec): spec is EvaluationJobSpec {
  return spec.type === "modelRunCommit" || spec.type === "modelMetrics";
}

/** Lines applied per transaction: large enough to be fast, small enough to report progress. */
const CHUNK = 1_000;

const CODECS = {
  uploadDatasetItems: DatasetItem,
  uploadAnnotations: Annotation,
  uploadPredictions: Prediction,
} as const;

/**
 * Runs background jobs in this process. A job's input is stored before the job is created,
 * so a job that was running when the server stopped is run again on start: uploads are keyed
 * by reference id and annotation id, so running one twice loses and duplicates nothing.
 */
export class JobRunner {
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly store: NucleusStore,
    private readonly media: MediaStore,
    private readonly log: (line: string) => void,
    private readonly immutableCommittedRuns = false,
  ) {}

  /** Starts a job after the current request has been answered. */
  start(jobId: string): void {
    const running: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(jobId))
      .finally(() => this.active.delete(running));
    this.active.add(running);
  }

  /** Restarts every job left `Running` by a previous process. */
  resume(): void {
    for (const job of this.store.runningJobs()) this.start(job.id);
  }

  /** Resolves when no job is running. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active);
  }

  private async run(jobId: string): Promise<void> {
    const job = this.store.jobById(jobId);
    if (job?.status !== "Running") return;
    try {
      const spec = JSON.parse(job.spec) as UploadJobSpec | EvaluationJobSpec;
      if (isEvaluation(spec)) this.runEvaluation(jobId, spec);
      else await this.runUpload(jobId, spec);
    } catch (error) {
      this.log(`job ${jobId} failed: ${(error as Error).stack ?? String(error)}`);
      this.store.updateJob(jobId, {
        status: "Errored_Server",
        message: JSON.stringify({ final_error: `${(error as Error).name}: ${(error as Error).message}` }),
      });
    }
  }

  private runEvaluation(jobId: string, spec: EvaluationJobSpec): void {
    const evaluation = this.store.evaluationById(spec.evaluationId);
    if (!evaluation) throw new Error(`evaluation ${spec.evaluationId} no longer exists`);
    this.store.updateEvaluation(evaluation.id, { status: "computing" });
    this.store.updateJob(jobId, { total_steps: 1 });
    try {
      const results = evaluateRun(
        this.store,
        evaluation.dataset_id,
        evaluation.run_id,
        JSON.parse(evaluation.options),
      );
      this.store.updateEvaluation(evaluation.id, { status: "succeeded", results: JSON.stringify(results) });
      this.store.updateJob(jobId, {
        status: "Completed",
        completed_steps: 1,
        message: JSON.stringify({ evaluation_id: evaluation.id, map: results.map }),
      });
    } catch (error) {
      this.store.updateEvaluation(evaluation.id, {
        status: "failed",
        error_message: (error as Error).message,
      });
      throw error;
    }
  }

  private async runUpload(jobId: string, spec: UploadJobSpec): Promise<void> {
    const text = (await readFile(this.media.pathOf(spec.mediaKey))).toString("utf8");
    const lines = text
      .split("\n")
      .map((line, i) => ({ number: i + 1, line }))
      .filter(({ line }) => line.trim() !== "");
    this.store.updateJob(jobId, { total_steps: lines.length, completed_steps: 0 });

    const errors: string[] = [];
    const counts = { processed: 0, ignored: 0, new: 0, updated: 0 };
    const codec = CODECS[spec.type];
    for (let start = 0; start < lines.length; start += CHUNK) {
      const valid: unknown[] = [];
      for (const { number, line } of lines.slice(start, start + CHUNK)) {
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
      this.apply(spec, valid, counts, errors);
      this.store.updateJob(jobId, {
        completed_steps: Math.min(start + CHUNK, lines.length),
        errors: JSON.stringify(errors.slice(-10_000)),
      });
      await new Promise((resolve) => setImmediate(resolve));
    }

    const message =
      spec.type === "uploadDatasetItems"
        ? {
            item_upload: {
              total: lines.length,
              new: counts.new,
              updated: counts.updated,
              ignored: counts.ignored,
              errored: errors.length,
            },
          }
        : {
            [spec.type === "uploadAnnotations" ? "annotation_upload" : "prediction_upload"]: {
              total: lines.length,
              processed: counts.processed,
              ignored: counts.ignored,
              errored: errors.length,
              datasetId: spec.datasetId,
            },
          };
    this.store.updateJob(jobId, {
      status: "Completed",
      message: JSON.stringify(message),
      completed_steps: lines.length,
      errors: JSON.stringify(errors.slice(-10_000)),
    });
  }

  private apply(
    spec: UploadJobSpec,
    valid: unknown[],
    counts: { processed: number; ignored: number; new: number; updated: number },
    errors: string[],
  ): void {
    if (valid.length === 0) return;
    if (spec.type === "uploadDatasetItems") {
      const result = this.store.upsertItems(spec.datasetId, valid as ItemInput[], spec.update);
      counts.new += result.newItems;
      counts.updated += result.updatedItems;
      counts.ignored += result.ignoredItems;
      return;
    }
    if (spec.type === "uploadPredictions") {
      const run = spec.runId ? this.store.jobRun(spec.runId) : undefined;
      if (!run) throw new Error(`model run ${spec.runId} no longer exists`);
      if (run.status === "Committed" && this.immutableCommittedRuns) {
        errors.push(`model run ${run.id} is committed: its predictions cannot change`);
        return;
      }
    }
    const target =
      spec.type === "uploadPredictions"
        ? { kind: "predictions" as const, datasetId: spec.datasetId, runId: spec.runId as string }
        : { kind: "annotations" as const, datasetId: spec.datasetId };
    const result = this.store.upsertLabels(target, valid as LabelInput[], spec.update);
    counts.processed += result.processed;
    counts.ignored += result.ignored;
    errors.push(...result.errors);
  }
}

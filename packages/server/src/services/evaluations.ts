import { buildCharts } from "../evaluation/charts.js";
import {
  type ExampleMetadata,
  type ExamplesQuery,
  exampleWire,
  selectExamples,
} from "../evaluation/examples.js";
import { type Matches, matchRun } from "../evaluation/matches.js";
import { loadRunObjects } from "../evaluation/objects.js";
import type { JobRunner } from "../jobs/runner.js";
import type {
  EvaluationJobSpec,
  EvaluationMetrics,
  EvaluationOptions,
  EvaluationRecord,
  JobRecord,
  ModelRunRecord,
  NucleusStore,
  Tenant,
} from "../store/index.js";
import { RecentResults } from "./recent.js";

/** What starts an evaluation: its name, options, the job type to report, and a commit of the run. */
export interface EvaluationRequest {
  name: string | null;
  options: EvaluationOptions;
  jobType: EvaluationJobSpec["type"];
  /** Commits the run with these options in the same transaction (a commit's evaluation). */
  commitOptions?: unknown;
}

/**
 * Evaluations of model runs: starting them (the record and its job, together), and the charts
 * and examples of finished ones. Paging through examples asks for the same match rows again and
 * again, so the last few are kept until anything is written.
 */
export class EvaluationService {
  // Clients page through examples 50 at a time; matching a large run takes far longer than a page.
  private readonly recentMatches = new RecentResults<Matches>(4);

  constructor(
    private readonly store: NucleusStore,
    private readonly jobs: JobRunner,
  ) {}

  /** Creates an evaluation of a run and the job that computes it, then starts the job. */
  async start(
    tenant: Tenant,
    run: ModelRunRecord,
    request: EvaluationRequest,
  ): Promise<{ evaluation: EvaluationRecord; job: JobRecord }> {
    const started = await this.store.transaction(async (tx) => {
      if (request.commitOptions !== undefined) await tx.runs.commit(tenant, run.id, request.commitOptions);
      const evaluation = await tx.evaluations.create(tenant, {
        runId: run.id,
        datasetId: run.datasetId,
        name: request.name,
        options: request.options,
      });
      const spec: EvaluationJobSpec = { type: request.jobType, evaluationId: evaluation.id };
      const job = await tx.jobs.create(tenant, { datasetId: run.datasetId, type: request.jobType, spec });
      return { evaluation, job };
    });
    // After the commit, so any runner that looks finds the job.
    this.jobs.start(started.job.id);
    return started;
  }

  /** The charts of a succeeded evaluation at one IoU threshold. */
  async charts(evaluation: EvaluationRecord, metrics: EvaluationMetrics, iouThreshold: number) {
    return buildCharts(metrics, await this.matchesOf(evaluation, iouThreshold), iouThreshold);
  }

  /** A page of a succeeded evaluation's examples, with item and prediction metadata. */
  async examples(evaluation: EvaluationRecord, query: ExamplesQuery, iouThreshold: number) {
    const { rows } = await this.matchesOf(evaluation, iouThreshold);
    const { page, total } = selectExamples(rows, query);
    const metadata = await this.metadataOf(evaluation, page);
    return {
      rows: page.map((row, i) => exampleWire(evaluation.id, row, query.offset + i, query, metadata)),
      total,
    };
  }

  private async matchesOf(evaluation: EvaluationRecord, iouThreshold: number): Promise<Matches> {
    // Read before the data: a write while matching leaves a newer version, so nothing stale stays.
    const version = await this.store.writeVersion();
    return this.recentMatches.get(`${evaluation.id}\u0000${iouThreshold}`, version, async () => {
      const objects = await loadRunObjects(this.store, evaluation.datasetId, evaluation.runId);
      return matchRun(objects, evaluation.options, iouThreshold);
    });
  }

  /** Item metadata and prediction metadata of the rows of one examples page, by id. */
  private async metadataOf(
    evaluation: EvaluationRecord,
    page: readonly { itemId: string | number; predictionId?: string | number }[],
  ): Promise<ExampleMetadata> {
    const itemIds = [...new Set(page.map((r) => String(r.itemId)))];
    const items = new Map<string, Record<string, unknown>>();
    for (const id of itemIds) {
      const item = await this.store.items.get(evaluation.datasetId, id);
      if (item) items.set(id, item.metadata);
    }
    const predictions = new Map<string, Record<string, unknown>>();
    const wanted = new Set(
      page.flatMap((r) => (r.predictionId === undefined ? [] : [String(r.predictionId)])),
    );
    if (wanted.size > 0) {
      const target = {
        kind: "predictions",
        datasetId: evaluation.datasetId,
        runId: evaluation.runId,
      } as const;
      for (const label of await this.store.labels.list(target, itemIds)) {
        if (!wanted.has(label.id)) continue;
        const payload = label.payload as { metadata?: Record<string, unknown> | null };
        predictions.set(label.id, payload.metadata ?? {});
      }
    }
    return { items, predictions };
  }
}

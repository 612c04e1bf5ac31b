import { type ModelRunInfoResponse, type Prediction, type PredictionGroups, routes } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import { uploadLabels } from "../internal/uploads.js";
import type { CallOptions } from "../options.js";
import type { LabelUploadResult, PreparedBatch, UploadOptions } from "../uploads.js";
import { type SubsetEvaluation, subsetEvaluation } from "./curation.js";
import { Evaluation } from "./evaluation.js";
import { runPredictions } from "./exports.js";
import type { Job } from "./job.js";

/** How a commit matches predictions to ground truth. */
export interface CommitOptions extends CallOptions {
  /** Match regardless of label. */
  classAgnostic?: boolean;
  /** Pairs of (ground-truth label, prediction label) that count as a match. */
  allowedLabelMatches?: { groundTruthLabel: string; modelPredictionLabel: string }[];
}

/**
 * Options of {@link ModelRun.createEvaluation}.
 *
 * @example
 * ```ts
 * import type { CreateEvaluationOptions } from "@nucleus/core";
 *
 * const options: CreateEvaluationOptions = {
 *   name: "trucks count as cars",
 *   allowedLabelMatches: [{ groundTruthLabel: "car", modelPredictionLabel: "truck" }],
 * };
 * ```
 */
export interface CreateEvaluationOptions extends CallOptions {
  /** A name to tell evaluations apart. */
  name?: string;
  /** Pairs of (ground-truth label, prediction label) that may match each other. */
  allowedLabelMatches?: { groundTruthLabel: string; modelPredictionLabel: string }[];
}

/** A model's predictions on one dataset. Commit it to evaluate it. */
export class ModelRun {
  /** @internal Made by the client and other resources; not constructed directly. */
  constructor(
    private readonly api: Api,
    /** The run's id (`run_...`). */
    readonly id: string,
    /** The dataset the run predicts on. */
    readonly datasetId: string,
  ) {}

  /**
   * Uploads predictions, validated first. With `asynchronous: true`, returns the {@link Job}.
   *
   * @example
   * ```ts
   * await run.predict([{ type: "box", label: "car", referenceId: "img_1", geometry: { x: 0, y: 0, width: 5, height: 5 }, confidence: 0.9 }]);
   * ```
   */
  predict(
    predictions: readonly Prediction[] | PreparedBatch<"predictions">,
    options: UploadOptions & { asynchronous: true },
  ): Promise<Job>;
  predict(
    predictions: readonly Prediction[] | PreparedBatch<"predictions">,
    options?: UploadOptions,
  ): Promise<LabelUploadResult>;
  async predict(
    predictions: readonly Prediction[] | PreparedBatch<"predictions">,
    options: UploadOptions = {},
  ): Promise<LabelUploadResult | Job> {
    return uploadLabels(
      this.api,
      {
        kind: "predictions",
        datasetId: this.datasetId,
        runId: this.id,
      },
      predictions,
      options,
    );
  }

  /**
   * Marks the run finished and starts its evaluation against the ground truth.
   *
   * @example
   * ```ts
   * await run.commit({ classAgnostic: false });
   * ```
   */
  async commit(options: CommitOptions = {}): Promise<void> {
    const { classAgnostic, allowedLabelMatches } = options;
    await this.api.call(
      routes.commitModelRun,
      { params: { runId: this.id }, body: { classAgnostic, allowedLabelMatches } },
      options,
    );
  }

  /**
   * The run's model, dataset, name, status (`Started` or `Committed`) and metadata.
   *
   * @example
   * ```ts
   * const { status } = await run.info();
   * ```
   */
  async info(options: CallOptions = {}): Promise<ModelRunInfoResponse> {
    return this.api.call(routes.modelRunInfo, { params: { runId: this.id } }, options);
  }

  /**
   * The predictions on the item with this reference id, grouped by type.
   *
   * @example
   * ```ts
   * const { box } = await run.refloc("img_1");
   * ```
   */
  async refloc(referenceId: string, options: CallOptions = {}): Promise<PredictionGroups> {
    return (
      await this.api.call(routes.modelRunByReference, { params: { runId: this.id, referenceId } }, options)
    ).annotations;
  }

  /**
   * The predictions on the item at this position of the dataset, grouped by type.
   *
   * @example
   * ```ts
   * const predictions = await run.iloc(0);
   * ```
   */
  async iloc(index: number, options: CallOptions = {}): Promise<PredictionGroups> {
    return (await this.api.call(routes.modelRunByIndex, { params: { runId: this.id, index } }, options))
      .annotations;
  }

  /**
   * The predictions on the item with this id (`di_...`), grouped by type.
   *
   * @example
   * ```ts
   * const predictions = await run.loc("di_...");
   * ```
   */
  async loc(itemId: string, options: CallOptions = {}): Promise<PredictionGroups> {
    return (await this.api.call(routes.modelRunById, { params: { runId: this.id, itemId } }, options))
      .annotations;
  }

  /**
   * Deletes the run and its predictions.
   *
   * @example
   * ```ts
   * await run.delete();
   * ```
   */
  async delete(options: CallOptions = {}): Promise<void> {
    await this.api.call(routes.deleteModelRun, { params: { runId: this.id }, body: {} }, options);
  }

  /**
   * Starts an Evaluations V2 evaluation of the run's predictions; it computes in the
   * background (see {@link Evaluation.waitUntilDone}).
   *
   * @example
   * ```ts
   * const evaluation = await run.createEvaluation({ name: "nightly" });
   * await evaluation.waitUntilDone();
   * ```
   */
  async createEvaluation(options: CreateEvaluationOptions = {}): Promise<Evaluation> {
    const { name, allowedLabelMatches } = options;
    const { evaluationId } = await this.api.call(
      routes.createEvaluation,
      { params: { runId: this.id }, body: { name, allowedLabelMatches } },
      options,
    );
    return new Evaluation(this.api, evaluationId);
  }

  /**
   * The run's evaluations, newest first.
   *
   * @example
   * ```ts
   * for (const evaluation of await run.evaluations()) console.log(evaluation.id, evaluation.data?.status);
   * ```
   */
  async evaluations(options: CallOptions = {}): Promise<Evaluation[]> {
    const list = await this.api.call(routes.listEvaluations, { params: { runId: this.id } }, options);
    return list.map((data) => new Evaluation(this.api, data.id, data));
  }

  /**
   * The run's metrics on the items of a query or a slice (every item when neither is given):
   * mAP, AP50, AP75, per-class AP and AR, AP by size, and the Evaluations V2 charts, from the
   * match rows of its latest evaluation. The run must have been committed (or evaluated).
   *
   * @example
   * ```ts
   * const { metrics, items } = await run.evaluation({ query: 'metadata.weather = "foggy"' });
   * console.log(`AP50 when foggy: ${metrics.map50} over ${items} items`);
   * ```
   */
  evaluation(
    options: CallOptions & { query?: string; slice?: string | { id: string }; iouThreshold?: number } = {},
  ): Promise<SubsetEvaluation> {
    return subsetEvaluation(this.api, this.id, options);
  }

  /**
   * Every prediction of the run, grouped by type.
   *
   * @example
   * ```ts
   * const { box = [] } = await run.ungroupedExport();
   * ```
   */
  ungroupedExport(options: CallOptions = {}): Promise<PredictionGroups> {
    return runPredictions(this.api, this.id, options);
  }
}

import {
  type EvaluationCharts as EvaluationChartsWire,
  type EvaluationExample,
  type EvaluationExamplesPage,
  type Evaluation as EvaluationInfo,
  NO_OBJECT_LABEL,
  routes,
} from "@nucleus/schemas";
import { NucleusError } from "../errors.js";
import type { Api } from "../internal/api.js";
import { sleep } from "../internal/http.js";
import type { CallOptions } from "../options.js";
import type { EvaluationFilters } from "./curation.js";

export type { EvaluationExample, EvaluationInfo };

/**
 * One cell of an evaluation's confusion matrix: how many objects with ground-truth label
 * `gtLabel` were matched by a prediction labelled `predLabel`. `gtLabel` is `null` for
 * predictions that match no object (false positives on background), `predLabel` is `null` for
 * objects no prediction found (false negatives).
 *
 * @example
 * ```ts
 * import type { ConfusionCell } from "@nucleus/core";
 *
 * const missedCars: ConfusionCell = { gtLabel: "car", predLabel: null, count: 3 };
 * ```
 */
export interface ConfusionCell {
  gtLabel: string | null;
  predLabel: string | null;
  count: number;
}

/**
 * An evaluation's charts: mAP, per-class AP, confusion matrix, score histogram, PR curve and
 * error attribution, at one IoU threshold.
 *
 * @example
 * ```ts
 * import type { EvaluationCharts } from "@nucleus/core";
 *
 * declare const charts: EvaluationCharts;
 * const spurious = charts.confusionMatrix.filter((cell) => cell.gtLabel === null);
 * ```
 */
export type EvaluationCharts = {
  // A mapped type rather than Omit: Omit over a type with an index signature turns every field into unknown.
  [K in keyof EvaluationChartsWire as K extends "confusionMatrix" ? never : K]: EvaluationChartsWire[K];
} & { confusionMatrix: ConfusionCell[] };

/**
 * Options of {@link Evaluation.examples}.
 *
 * @example
 * ```ts
 * import type { ExamplesOptions } from "@nucleus/core";
 *
 * const worstFalsePositives: ExamplesOptions = { matchType: "FP", sortBy: "confidence", sortOrder: "desc" };
 * ```
 */
export interface ExamplesOptions extends CallOptions {
  /** Only true positives, false positives or false negatives. Default: all of them. */
  matchType?: "TP" | "FP" | "FN";
  /** Rows per page. Default 50. */
  limit?: number;
  /** Rows to skip. Default 0. */
  offset?: number;
  sortBy?: "confidence" | "iou" | "dataset_item_id";
  sortOrder?: "asc" | "desc";
  /** The IoU a match needs. Default 0.5. */
  iouThreshold?: number;
  /** Only the match rows of this query (`item.metadata.weather = "foggy"`, `iou < 0.1`, ...). */
  query?: string;
  /** Only the match rows these Evaluations V2 filters keep. */
  filters?: EvaluationFilters;
}

/**
 * Options of {@link Evaluation.waitUntilDone}.
 *
 * @example
 * ```ts
 * import type { EvaluationWaitOptions } from "@nucleus/core";
 *
 * const options: EvaluationWaitOptions = { pollInterval: 2_000, onStatus: (e) => console.log(e.status) };
 * ```
 */
export interface EvaluationWaitOptions extends CallOptions {
  /** Time between polls, in milliseconds. Default 1000. */
  pollInterval?: number;
  /** Called with the evaluation at every poll. */
  onStatus?: (evaluation: EvaluationInfo) => void;
}

/** The wire's "no object" label back into the `null` this package's users read. */
function labelOf(label: string): string | null {
  return label === NO_OBJECT_LABEL ? null : label;
}

/**
 * An Evaluations V2 evaluation of a model run: COCO-style metrics computed by the server in the
 * background, then read as charts and as pages of TP/FP/FN examples.
 *
 * @example
 * ```ts
 * import type { ModelRun } from "@nucleus/core";
 *
 * declare const run: ModelRun;
 * const evaluation = await run.createEvaluation({ name: "nightly" });
 * await evaluation.waitUntilDone();
 * const { mapSummary, confusionMatrix } = await evaluation.charts({ iouThreshold: 0.5 });
 * ```
 */
export class Evaluation {
  /** @internal Made by the client and other resources; not constructed directly. */
  constructor(
    private readonly api: Api,
    /** The evaluation's id (`evalv2_...`). */
    readonly id: string,
    /** What the server last said about it. */
    readonly data?: EvaluationInfo,
  ) {}

  /**
   * The evaluation's status (`pending`, `computing`, `succeeded`, `failed`, `cancelled`), run,
   * dataset and options.
   *
   * @example
   * ```ts
   * const { status, errorMessage } = await evaluation.info();
   * ```
   */
  async info(options: CallOptions = {}): Promise<EvaluationInfo> {
    return this.api.call(routes.getEvaluation, { params: { evaluationId: this.id } }, options);
  }

  /**
   * Polls until the evaluation has succeeded (or was cancelled) and returns it; throws a
   * `NucleusError` with the server's message when it failed.
   *
   * @example
   * ```ts
   * await evaluation.waitUntilDone({ pollInterval: 500 });
   * ```
   */
  async waitUntilDone(options: EvaluationWaitOptions = {}): Promise<EvaluationInfo> {
    for (;;) {
      const current = await this.info(options);
      options.onStatus?.(current);
      if (current.status === "failed") {
        throw new NucleusError(`Evaluation ${this.id} failed: ${current.errorMessage ?? "no message"}`);
      }
      if (current.status === "succeeded" || current.status === "cancelled") return current;
      await sleep(options.pollInterval ?? 1_000, options.signal);
      options.signal?.throwIfAborted();
    }
  }

  /**
   * The evaluation's charts at one IoU threshold (default 0.5), of the match rows a `query` and
   * `filters` keep when given. In the confusion matrix, the missing side of a false positive or
   * false negative is `null`.
   *
   * @example
   * ```ts
   * const charts = await evaluation.charts({ iouThreshold: 0.75 });
   * const missed = charts.confusionMatrix.filter((cell) => cell.predLabel === null);
   * const foggy = await evaluation.charts({ query: 'item.metadata.weather = "foggy"' });
   * ```
   */
  async charts(
    options: CallOptions & { iouThreshold?: number; query?: string; filters?: EvaluationFilters } = {},
  ): Promise<EvaluationCharts> {
    const charts = await this.api.call(
      routes.evaluationCharts,
      {
        params: { evaluationId: this.id },
        query: {
          iouThreshold: options.iouThreshold ?? 0.5,
          query: options.query,
          filters: options.filters === undefined ? undefined : JSON.stringify(options.filters),
        },
      },
      options,
    );
    return {
      ...charts,
      confusionMatrix: charts.confusionMatrix.map((cell) => ({
        ...cell,
        gtLabel: labelOf(cell.gtLabel),
        predLabel: labelOf(cell.predLabel),
      })),
    };
  }

  /**
   * One page of the match rows behind the charts: each true positive, false positive or false
   * negative with its item, prediction, ground truth, labels, IoU and confidence; `total` counts
   * them all.
   *
   * @example
   * ```ts
   * const { rows, total } = await evaluation.examples({ matchType: "FN", limit: 20 });
   * ```
   */
  async examples(options: ExamplesOptions = {}): Promise<EvaluationExamplesPage> {
    const { matchType, sortBy, sortOrder, iouThreshold, query, filters } = options;
    return this.api.call(
      routes.evaluationExamples,
      {
        params: { evaluationId: this.id },
        body: {
          limit: options.limit ?? 50,
          offset: options.offset ?? 0,
          matchType,
          sortBy,
          sortOrder,
          query,
          filters,
        },
        ...(iouThreshold !== undefined ? { query: { iouThreshold } } : {}),
      },
      options,
    );
  }

  /**
   * Deletes the evaluation.
   *
   * @example
   * ```ts
   * await evaluation.delete();
   * ```
   */
  async delete(options: CallOptions = {}): Promise<void> {
    await this.api.call(routes.deleteEvaluation, { params: { evaluationId: this.id }, body: {} }, options);
  }
}

/**
 * Curation on a dataset: queries in the Nucleus query language (items, objects, counts, facets),
 * the metadata schema, tags, reviews, slices from a query, and evaluations of a subset. Dataset
 * and model run methods delegate here.
 */
import {
  type CheckQueryResponse,
  type ContractResult,
  type CurationItemsPageResponse,
  type DatasetItemRecord,
  type FacetsResponse,
  type MetadataSchemaResponse,
  NO_OBJECT_LABEL,
  type PatchMode,
  type ReviewListResponse,
  routes,
  type SubsetEvaluationResponse,
} from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";
import type { EvaluationCharts } from "./evaluation.js";

export type { PatchMode };

/** A run, by id or as an object with one. */
export type RunRef = string | { id: string };

const runIdOf = (run: RunRef | undefined) =>
  run === undefined ? undefined : typeof run === "string" ? run : run.id;

/**
 * Options of {@link Dataset.queryItems}.
 *
 * @example
 * ```ts
 * import type { QueryOptions } from "@nucleus/core";
 *
 * const options: QueryOptions = { pageSize: 500, modelRun: "run_..." };
 * ```
 */
export interface QueryOptions extends CallOptions {
  /** Items per request. Default 1000. */
  pageSize?: number;
  /** The run `predictions.*` counts; every run of the dataset when absent. */
  modelRun?: RunRef;
}

/**
 * Options of {@link Dataset.queryObjects}.
 *
 * @example
 * ```ts
 * import type { ObjectQueryOptions } from "@nucleus/core";
 *
 * const falsePositives: ObjectQueryOptions = { patchMode: "false_positive", modelRun: "run_..." };
 * ```
 */
export interface ObjectQueryOptions extends QueryOptions {
  /**
   * What to read: ground truth (default), a run's predictions (`predictions_only`), or the match
   * rows of its latest evaluation (`iou`: all; `false_positive`, `false_negative`). All but
   * ground truth need `modelRun`.
   */
  patchMode?: PatchMode;
}

/**
 * An object a query selects: a stored annotation or prediction (its fields, `id`, `referenceId`,
 * `datasetItemId`), or a match row (`matchType`, `iou`, `modelPredictionId`,
 * `groundTruthAnnotationId`, labels, `confidence`).
 *
 * @example
 * ```ts
 * import type { QueriedObject } from "@nucleus/core";
 *
 * const isFalsePositive = (o: QueriedObject) => o.matchType === "FP";
 * ```
 */
export type QueriedObject = ContractResult<typeof routes.queryObjectsPage>["items"][number];

/**
 * Facets of a query's items: count, objects and items per label, metadata value counts and
 * histograms (with edges), tags.
 *
 * @example
 * ```ts
 * import type { Facets } from "@nucleus/core";
 *
 * const carObjects = (facets: Facets) => facets.annotations.find((l) => l.label === "car")?.objects ?? 0;
 * ```
 */
export type Facets = FacetsResponse;

/**
 * Options of {@link Dataset.facets}.
 *
 * @example
 * ```ts
 * import type { FacetsOptions } from "@nucleus/core";
 *
 * const options: FacetsOptions = { metadataKeys: ["speed", "weather"], bins: 20 };
 * ```
 */
export interface FacetsOptions extends CallOptions {
  modelRun?: RunRef;
  /** Metadata keys (dotted paths) to describe; every key when absent. */
  metadataKeys?: string[];
  /** Buckets per numeric histogram (about: edges fall on round numbers). Default 10. */
  bins?: number;
  /** Values listed per text or boolean key. Default 20. */
  topValues?: number;
}

/**
 * Items to tag or review: by reference id, by item id, or every item of a query.
 *
 * @example
 * ```ts
 * import type { ItemSelection } from "@nucleus/core";
 *
 * const foggy: ItemSelection = { query: 'metadata.weather = "foggy"' };
 * ```
 */
export type ItemSelection =
  | { referenceIds: string[] }
  | { itemIds: string[] }
  | { query: string; modelRun?: RunRef };

/**
 * What a review says about an annotation or an item.
 *
 * @example
 * ```ts
 * import type { ReviewStatus } from "@nucleus/core";
 *
 * const status: ReviewStatus = "needs_fix";
 * ```
 */
export type ReviewStatus = "accepted" | "rejected" | "needs_fix";

/**
 * One review to record: of an item's ground-truth annotation, or of the whole item.
 *
 * @example
 * ```ts
 * import type { ReviewInput } from "@nucleus/core";
 *
 * const review: ReviewInput = { referenceId: "img_1", annotationId: "car-2", status: "rejected", comment: "a truck" };
 * ```
 */
export type ReviewInput = ({ referenceId: string } | { itemId: string }) & {
  annotationId?: string;
  status: ReviewStatus;
  comment?: string;
};

/**
 * A recorded review: who said what about which item or annotation, and when.
 *
 * @example
 * ```ts
 * import type { Review } from "@nucleus/core";
 *
 * const line = (r: Review) => `${r.reviewer} ${r.status} ${r.annotationId ?? r.referenceId} at ${r.createdAt}`;
 * ```
 */
export type Review = ReviewListResponse["reviews"][number];

/**
 * An item with its tags and review status.
 *
 * @example
 * ```ts
 * import type { CuratedItem } from "@nucleus/core";
 *
 * const isHard = (item: CuratedItem) => item.tags.includes("hard");
 * ```
 */
export type CuratedItem = CurationItemsPageResponse["items"][number];

/**
 * A slice made from a query: static (the items it selects now) or dynamic (the query, read again
 * on every read).
 *
 * @example
 * ```ts
 * import type { QuerySliceOptions } from "@nucleus/core";
 *
 * const foggy: QuerySliceOptions = { name: "foggy", query: 'metadata.weather = "foggy"', dynamic: true };
 * ```
 */
export interface QuerySliceOptions extends CallOptions {
  name: string;
  query: string;
  dynamic?: boolean;
  modelRun?: RunRef;
}

/**
 * Evaluations V2 filters over match rows, as the official client sends them.
 *
 * @example
 * ```ts
 * import type { EvaluationFilters } from "@nucleus/core";
 *
 * const confidentCars: EvaluationFilters = { predLabels: ["car"], confidenceRange: { min: 0.5 } };
 * ```
 */
export interface EvaluationFilters {
  confidenceRange?: { min?: number; max?: number };
  iouRange?: { min?: number; max?: number };
  predLabels?: string[];
  gtLabels?: string[];
  itemMetadata?: { key: string; op: "EQ" | "IN" | "GT" | "LT" | "GTE" | "LTE" | "NEQ"; value: unknown }[];
  predictionMetadata?: {
    key: string;
    op: "EQ" | "IN" | "GT" | "LT" | "GTE" | "LTE" | "NEQ";
    value: unknown;
  }[];
  labelEquality?: "EQ" | "NEQ";
  hasGroundTruth?: boolean;
  tideBackground?: boolean;
}

/**
 * A run's metrics on a subset of items: COCO's numbers and the Evaluations V2 charts (the
 * missing side of a confusion cell is `null`).
 *
 * @example
 * ```ts
 * import type { SubsetEvaluation } from "@nucleus/core";
 *
 * const ap50 = (e: SubsetEvaluation) => e.metrics.map50;
 * ```
 */
export type SubsetEvaluation = {
  // A mapped type rather than Omit: Omit over a type with an index signature turns every field into unknown.
  [K in keyof SubsetEvaluationResponse as K extends "charts" ? never : K]: SubsetEvaluationResponse[K];
} & { charts: EvaluationCharts };

/** The wire's "no object" label back into `null`. */
const labelOf = (label: string) => (label === NO_OBJECT_LABEL ? null : label);

/** Charts with the confusion matrix's missing sides as `null`. */
export function chartsOf(charts: SubsetEvaluationResponse["charts"]): EvaluationCharts {
  return {
    ...charts,
    confusionMatrix: charts.confusionMatrix.map((cell) => ({
      ...cell,
      gtLabel: labelOf(cell.gtLabel),
      predLabel: labelOf(cell.predLabel),
    })),
  } as EvaluationCharts;
}

/** A dataset's curation calls, for the resources to delegate to. */
export class Curation {
  constructor(
    private readonly api: Api,
    private readonly datasetId: string,
  ) {}

  queryItems(query: string, options: QueryOptions = {}): PageIterator<DatasetItemRecord> {
    const pageSize = options.pageSize ?? 1_000;
    const modelRunId = runIdOf(options.modelRun);
    return new PageIterator(async (pageToken) =>
      this.api.call(
        routes.queryItemsPage,
        { params: { datasetId: this.datasetId }, body: { pageToken, pageSize, query, modelRunId } },
        options,
      ),
    );
  }

  queryObjects(query: string, options: ObjectQueryOptions = {}): PageIterator<QueriedObject> {
    const pageSize = options.pageSize ?? 1_000;
    const modelRunId = runIdOf(options.modelRun);
    return new PageIterator(async (pageToken) =>
      this.api.call(
        routes.queryObjectsPage,
        {
          params: { datasetId: this.datasetId },
          body: { pageToken, pageSize, query, patchMode: options.patchMode, modelRunId },
        },
        options,
      ),
    );
  }

  curatedItems(query: string, options: QueryOptions = {}): PageIterator<CuratedItem> {
    const pageSize = options.pageSize ?? 1_000;
    const modelRunId = runIdOf(options.modelRun);
    return new PageIterator(async (pageToken) =>
      this.api.call(
        routes.curationItemsPage,
        { params: { datasetId: this.datasetId }, body: { pageToken, pageSize, query, modelRunId } },
        options,
      ),
    );
  }

  async count(query: string, options: QueryOptions = {}): Promise<number> {
    const body = { query, modelRunId: runIdOf(options.modelRun) };
    return (await this.api.call(routes.countItems, { params: { datasetId: this.datasetId }, body }, options))
      .count;
  }

  facets(query: string, options: FacetsOptions = {}): Promise<Facets> {
    const { metadataKeys, bins, topValues } = options;
    return this.api.call(
      routes.facets,
      {
        params: { datasetId: this.datasetId },
        body: { query, modelRunId: runIdOf(options.modelRun), metadataKeys, bins, topValues },
      },
      options,
    );
  }

  metadataSchema(options: CallOptions = {}): Promise<MetadataSchemaResponse> {
    return this.api.call(routes.metadataSchema, { params: { datasetId: this.datasetId } }, options);
  }

  checkQuery(
    query: string,
    scope: "item" | "object",
    options: CallOptions = {},
  ): Promise<CheckQueryResponse> {
    return this.api.call(
      routes.checkQuery,
      { params: { datasetId: this.datasetId }, body: { query, scope } },
      options,
    );
  }

  tag(
    selection: ItemSelection,
    change: { add?: string[]; remove?: string[] },
    options: CallOptions = {},
  ): Promise<{ items: number; changed: number }> {
    const by =
      "referenceIds" in selection
        ? { referenceIds: selection.referenceIds }
        : "itemIds" in selection
          ? { itemIds: selection.itemIds }
          : { query: selection.query, modelRunId: runIdOf(selection.modelRun) };
    return this.api.call(
      routes.tagItems,
      { params: { datasetId: this.datasetId }, body: { ...by, add: change.add, remove: change.remove } },
      options,
    );
  }

  async tags(options: CallOptions = {}): Promise<{ tag: string; count: number }[]> {
    return (await this.api.call(routes.listTags, { params: { datasetId: this.datasetId } }, options)).tags;
  }

  async review(
    reviews: readonly ReviewInput[],
    options: CallOptions & { reviewer?: string } = {},
  ): Promise<Review[]> {
    const body = {
      reviewer: options.reviewer,
      reviews: reviews.map((r) => ({
        ...("referenceId" in r ? { referenceId: r.referenceId } : { itemId: r.itemId }),
        annotationId: r.annotationId,
        status: r.status,
        comment: r.comment,
      })),
    };
    return (await this.api.call(routes.reviewItems, { params: { datasetId: this.datasetId }, body }, options))
      .reviews;
  }

  async reviews(referenceId: string, options: CallOptions = {}): Promise<Review[]> {
    return (
      await this.api.call(routes.itemReviews, { params: { datasetId: this.datasetId, referenceId } }, options)
    ).reviews;
  }

  async createSlice(options: QuerySliceOptions): Promise<string> {
    const { name, query, dynamic } = options;
    const body = { name, query, dynamic, modelRunId: runIdOf(options.modelRun) };
    return (
      await this.api.call(routes.createQuerySlice, { params: { datasetId: this.datasetId }, body }, options)
    ).sliceId;
  }
}

/** A run's metrics on the items of a query or a slice (every item when neither is given). */
export async function subsetEvaluation(
  api: Api,
  runId: string,
  options: CallOptions & { query?: string; slice?: string | { id: string }; iouThreshold?: number },
): Promise<SubsetEvaluation> {
  const sliceId =
    options.slice === undefined
      ? undefined
      : typeof options.slice === "string"
        ? options.slice
        : options.slice.id;
  const result = await api.call(
    routes.subsetEvaluation,
    { params: { runId }, body: { query: options.query, sliceId, iouThreshold: options.iouThreshold } },
    options,
  );
  return { ...result, charts: chartsOf(result.charts) };
}

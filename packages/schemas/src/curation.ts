/**
 * Curation: the query routes of the protocol (`queryItemsPage`, `queryObjectsPage`, queries in
 * exports and evaluation charts) and this project's own routes under `ext/` (counts, facets,
 * the metadata schema, tags, reviews, slices from a query, evaluations of a subset), which
 * Scale's API does not have.
 */
import * as z from "zod";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";
import { DatasetItemRecordSchema } from "./items.js";
import { MetadataSchemaDefinitionSchema, PageRequestSchema } from "./requests.js";
import { EvaluationChartsSchema } from "./responses.js";

const query = z.string().nullish();
const runId = z.string().nullish();
const count = z.int().min(0);

/** The wire schema of {@link QueryItemsPageRequest}. */
export const QueryItemsPageRequestSchema = z.looseObject({
  pageToken: z.string().nullish(),
  pageSize: z.int().positive(),
  query,
  model_run_id: runId,
});
/**
 * `POST dataset/{id}/queryItemsPage`: a page of the items a query selects, in upload order.
 * `model_run_id` (ours) names the run `predictions.*` counts; every run when absent.
 *
 * @example
 * ```ts
 * import { QueryItemsPageRequest } from "@nucleus/schemas";
 *
 * QueryItemsPageRequest.encode({ pageToken: null, pageSize: 100, query: "annotations.car >= 3" });
 * ```
 */
export const QueryItemsPageRequest = createCodec(QueryItemsPageRequestSchema);
/** Body of a query items page. */
export type QueryItemsPageRequest = Camelize<z.output<typeof QueryItemsPageRequestSchema>>;

/** What an object query reads: ground truth, a run's predictions, or its match rows. */
export const PatchModeSchema = z.enum([
  "iou",
  "false_positive",
  "false_negative",
  "predictions_only",
  "ground_truth_only",
]);
/** A patch mode of `queryObjectsPage`. */
export type PatchMode = z.output<typeof PatchModeSchema>;

/** The wire schema of {@link QueryObjectsPageRequest}. */
export const QueryObjectsPageRequestSchema = z.looseObject({
  pageToken: z.string().nullish(),
  pageSize: z.int().positive(),
  query,
  patch_mode: PatchModeSchema.nullish(),
  model_run_id: runId,
});
/**
 * `POST dataset/{id}/queryObjectsPage`: a page of objects. Ground truth by default;
 * `predictions_only` a run's predictions; `iou`, `false_positive` and `false_negative` the match
 * rows of the run's latest evaluation (all, FP or FN).
 *
 * @example
 * ```ts
 * import { QueryObjectsPageRequest } from "@nucleus/schemas";
 *
 * QueryObjectsPageRequest.encode({ pageSize: 50, query: "iou < 0.1", patchMode: "false_positive", modelRunId: "run_1" });
 * ```
 */
export const QueryObjectsPageRequest = createCodec(QueryObjectsPageRequestSchema);
/** Body of a query objects page. */
export type QueryObjectsPageRequest = Camelize<z.output<typeof QueryObjectsPageRequestSchema>>;

/** One object of a query: an annotation or a prediction as stored, or a match row (§4.13). */
export const QueriedObjectSchema = z.looseObject({
  dataset_item_id: z.string().optional(),
  reference_id: z.string().optional(),
  model_run_id: z.string().optional(),
  model_prediction_id: z.string().nullish(),
  ground_truth_annotation_id: z.string().nullish(),
  iou: z.number().optional(),
  true_positive: z.boolean().optional(),
  match_type: z.string().optional(),
  model_prediction_label: z.string().nullish(),
  ground_truth_annotation_label: z.string().nullish(),
});
/** The wire schema of {@link QueryObjectsPageResponse}. */
export const QueryObjectsPageResponseSchema = z.looseObject({
  items: z.array(QueriedObjectSchema),
  nextPageToken: z.string().nullable(),
});
/**
 * A page of objects: stored annotations or predictions (their payload with `id`,
 * `reference_id` and `dataset_item_id`), or match rows.
 *
 * @example
 * ```ts
 * import { QueryObjectsPageResponse } from "@nucleus/schemas";
 *
 * QueryObjectsPageResponse.decode({ items: [], nextPageToken: null }).items; // []
 * ```
 */
export const QueryObjectsPageResponse = createCodec(QueryObjectsPageResponseSchema);
/** A page of objects. */
export type QueryObjectsPageResponse = Camelize<z.output<typeof QueryObjectsPageResponseSchema>>;

/** The wire schema of {@link ExportPageRequest}. */
export const ExportPageRequestSchema = PageRequestSchema.extend({
  query,
  chip: z.boolean().nullish(),
  onlyMostRecentTask: z.boolean().nullish(),
});
/**
 * `POST dataset/{id}/exportForTrainingPage`: a page of export rows, of the items of `query`
 * when one is given.
 *
 * @example
 * ```ts
 * import { ExportPageRequest } from "@nucleus/schemas";
 *
 * ExportPageRequest.encode({ pageToken: null, pageSize: 1000, query: 'metadata.split = "val"' });
 * ```
 */
export const ExportPageRequest = createCodec(ExportPageRequestSchema);
/** Body of an export page. */
export type ExportPageRequest = Camelize<z.output<typeof ExportPageRequestSchema>>;

/** The wire schema of {@link QueryTextQuery}. */
export const QueryTextQuerySchema = z.object({ query: z.string().optional() });
/**
 * The `?query=` of `GET dataset/{id}/exportForTraining`: only the items it selects.
 *
 * @example
 * ```ts
 * import { QueryTextQuery } from "@nucleus/schemas";
 *
 * QueryTextQuery.decode({ query: "annotations.count > 0" }).query; // "annotations.count > 0"
 * ```
 */
export const QueryTextQuery = createCodec(QueryTextQuerySchema);
/** A query in a query string. */
export type QueryTextQuery = Camelize<z.output<typeof QueryTextQuerySchema>>;

/** The wire schema of {@link EvaluationChartsQuery}. */
export const EvaluationChartsQuerySchema = z.object({
  iouThreshold: z.coerce.number().min(0).max(1).optional(),
  query: z.string().optional(),
  /** The filter object as JSON (the official client's `filters=<json>`). */
  filters: z.string().optional(),
});
/**
 * The query string of `GET evaluationsV2/{id}/charts`: the IoU threshold, a query over the match
 * rows, and Evaluations V2 filters as JSON.
 *
 * @example
 * ```ts
 * import { EvaluationChartsQuery } from "@nucleus/schemas";
 *
 * EvaluationChartsQuery.decode({ iouThreshold: "0.5", query: 'item.metadata.weather = "foggy"' });
 * ```
 */
export const EvaluationChartsQuery = createCodec(EvaluationChartsQuerySchema);
/** The query string of a charts request. */
export type EvaluationChartsQuery = Camelize<z.output<typeof EvaluationChartsQuerySchema>>;

/** The wire schema of {@link ItemQueryRequest}. */
export const ItemQueryRequestSchema = z.object({ query, model_run_id: runId });
/**
 * `POST ext/datasets/{id}/count`: an item query, and the run `predictions.*` counts.
 *
 * @example
 * ```ts
 * import { ItemQueryRequest } from "@nucleus/schemas";
 *
 * ItemQueryRequest.encode({ query: 'metadata.weather = "foggy"' });
 * ```
 */
export const ItemQueryRequest = createCodec(ItemQueryRequestSchema);
/** An item query. */
export type ItemQueryRequest = Camelize<z.output<typeof ItemQueryRequestSchema>>;

/** The wire schema of {@link CountResponse}. */
export const CountResponseSchema = z.looseObject({ count });
/**
 * How many items a query selects.
 *
 * @example
 * ```ts
 * import { CountResponse } from "@nucleus/schemas";
 *
 * CountResponse.decode({ count: 12 }).count; // 12
 * ```
 */
export const CountResponse = createCodec(CountResponseSchema);
/** A count. */
export type CountResponse = Camelize<z.output<typeof CountResponseSchema>>;

/** The wire schema of {@link FacetsRequest}. */
export const FacetsRequestSchema = z.object({
  query,
  model_run_id: runId,
  /** Metadata keys (dotted paths) to describe; every key when absent. */
  metadata_keys: z.array(z.string()).max(200).nullish(),
  /** Buckets per numeric histogram (about; edges fall on round numbers). Default 10. */
  bins: z.int().min(1).max(100).nullish(),
  /** Values listed per text or boolean key. Default 20. */
  top_values: z.int().min(1).max(1_000).nullish(),
});
/**
 * `POST ext/datasets/{id}/facets`: what to describe about the items of a query.
 *
 * @example
 * ```ts
 * import { FacetsRequest } from "@nucleus/schemas";
 *
 * FacetsRequest.encode({ query: "annotations.car > 0", metadataKeys: ["speed"], bins: 20 });
 * ```
 */
export const FacetsRequest = createCodec(FacetsRequestSchema);
/** A facets request. */
export type FacetsRequest = Camelize<z.output<typeof FacetsRequestSchema>>;

const LabelFacetSchema = z.looseObject({ label: z.string(), objects: count, items: count });

/** The wire schema of {@link FacetsResponse}. */
export const FacetsResponseSchema = z.looseObject({
  count,
  annotations: z.array(LabelFacetSchema),
  predictions: z.array(z.looseObject({ model_run_id: z.string(), labels: z.array(LabelFacetSchema) })),
  metadata: z.array(
    z.looseObject({
      key: z.string(),
      type: z.string(),
      items: count,
      values: z.array(z.looseObject({ value: z.union([z.string(), z.boolean()]), count })).optional(),
      histogram: z.looseObject({ edges: z.array(z.number()), counts: z.array(count) }).optional(),
    }),
  ),
  tags: z.array(z.looseObject({ tag: z.string(), count })),
});
/**
 * The facets of a query's items: how many, objects and items per label (ground truth and each
 * run's predictions), per metadata key the items with a value, the most frequent values of
 * text and boolean keys and a histogram of numeric ones (edges from the whole dataset's range,
 * the same for every query), and tags.
 *
 * @example
 * ```ts
 * import { FacetsResponse } from "@nucleus/schemas";
 *
 * declare const body: unknown;
 * const speed = FacetsResponse.decode(body).metadata.find((m) => m.key === "speed")?.histogram;
 * ```
 */
export const FacetsResponse = createCodec(FacetsResponseSchema);
/** Facets of a query. */
export type FacetsResponse = Camelize<z.output<typeof FacetsResponseSchema>>;

/** The wire schema of {@link MetadataSchemaResponse}. */
export const MetadataSchemaResponseSchema = z.looseObject({
  keys: z.array(
    z.looseObject({
      key: z.string(),
      type: z.string(),
      types: z.array(z.string()),
      items: count,
      distinct_values: count,
      min: z.number().optional(),
      max: z.number().optional(),
    }),
  ),
  item_metadata_schema: MetadataSchemaDefinitionSchema,
});
/**
 * `GET ext/datasets/{id}/metadataSchema`: every metadata key (dotted path) with the kinds of its
 * values, how many items have it, how many distinct values, and numeric ranges; and the
 * protocol's `item_metadata_schema` that follows from it.
 *
 * @example
 * ```ts
 * import { MetadataSchemaResponse } from "@nucleus/schemas";
 *
 * MetadataSchemaResponse.decode({ keys: [], item_metadata_schema: {} }).keys; // []
 * ```
 */
export const MetadataSchemaResponse = createCodec(MetadataSchemaResponseSchema);
/** A dataset's metadata schema. */
export type MetadataSchemaResponse = Camelize<z.output<typeof MetadataSchemaResponseSchema>>;

/** The wire schema of {@link CheckQueryRequest}. */
export const CheckQueryRequestSchema = z.object({
  query: z.string(),
  scope: z.enum(["item", "object"]).nullish(),
});
/**
 * `POST ext/datasets/{id}/checkQuery`: checks a query against the dataset's metadata kinds,
 * runs and slices without running it (a query bar checks as the user types).
 *
 * @example
 * ```ts
 * import { CheckQueryRequest } from "@nucleus/schemas";
 *
 * CheckQueryRequest.encode({ query: "annotations.car >", scope: "item" });
 * ```
 */
export const CheckQueryRequest = createCodec(CheckQueryRequestSchema);
/** A query to check. */
export type CheckQueryRequest = Camelize<z.output<typeof CheckQueryRequestSchema>>;

/** The wire schema of {@link CheckQueryResponse}. */
export const CheckQueryResponseSchema = z.looseObject({
  fields: z.array(
    z.looseObject({ start: count, end: count, text: z.string(), kind: z.string(), type: z.string() }),
  ),
});
/**
 * A query that holds: each field it names, where it is and what it resolved to (for
 * highlighting). A query that does not hold is a 400 with `query_error: {position, found,
 * expected}`.
 *
 * @example
 * ```ts
 * import { CheckQueryResponse } from "@nucleus/schemas";
 *
 * CheckQueryResponse.decode({ fields: [{ start: 0, end: 15, text: "annotations.car", kind: "count", type: "number" }] });
 * ```
 */
export const CheckQueryResponse = createCodec(CheckQueryResponseSchema);
/** A checked query. */
export type CheckQueryResponse = Camelize<z.output<typeof CheckQueryResponseSchema>>;

/** The wire schema of {@link TagItemsRequest}. */
export const TagItemsRequestSchema = z
  .object({
    reference_ids: z.array(z.string()).max(10_000).nullish(),
    item_ids: z.array(z.string()).max(10_000).nullish(),
    /** Every item of an item query (instead of ids). */
    query,
    model_run_id: runId,
    add: z.array(z.string().min(1).max(200)).max(100).nullish(),
    remove: z.array(z.string().min(1).max(200)).max(100).nullish(),
  })
  .refine((r) => Boolean(r.add?.length || r.remove?.length), { message: "give tags to add or remove" })
  .refine(
    (r) => [r.reference_ids, r.item_ids, r.query].filter((v) => v !== undefined && v !== null).length === 1,
    {
      message: "name the items by reference_ids, item_ids or query (one of them)",
    },
  );
/**
 * `POST ext/datasets/{id}/tags`: adds and removes tags on items named by reference id, item id
 * or an item query.
 *
 * @example
 * ```ts
 * import { TagItemsRequest } from "@nucleus/schemas";
 *
 * TagItemsRequest.encode({ referenceIds: ["img_1"], add: ["hard"] });
 * ```
 */
export const TagItemsRequest = createCodec(TagItemsRequestSchema);
/** A tag change. */
export type TagItemsRequest = Camelize<z.output<typeof TagItemsRequestSchema>>;

/** The wire schema of {@link TagItemsResponse}. */
export const TagItemsResponseSchema = z.looseObject({ items: count, changed: count });
/**
 * How many items were named and how many (item, tag) pairs changed.
 *
 * @example
 * ```ts
 * import { TagItemsResponse } from "@nucleus/schemas";
 *
 * TagItemsResponse.decode({ items: 2, changed: 2 }).changed; // 2
 * ```
 */
export const TagItemsResponse = createCodec(TagItemsResponseSchema);
/** Result of a tag change. */
export type TagItemsResponse = Camelize<z.output<typeof TagItemsResponseSchema>>;

/** The wire schema of {@link TagListResponse}. */
export const TagListResponseSchema = z.looseObject({
  tags: z.array(z.looseObject({ tag: z.string(), count })),
});
/**
 * `GET ext/datasets/{id}/tags`: every tag with how many items carry it, most used first.
 *
 * @example
 * ```ts
 * import { TagListResponse } from "@nucleus/schemas";
 *
 * TagListResponse.decode({ tags: [{ tag: "hard", count: 3 }] }).tags[0]?.count; // 3
 * ```
 */
export const TagListResponse = createCodec(TagListResponseSchema);
/** The tags of a dataset. */
export type TagListResponse = Camelize<z.output<typeof TagListResponseSchema>>;

/** What a review says. */
export const ReviewStatusSchema = z.enum(["accepted", "rejected", "needs_fix"]);

/** The wire schema of {@link ReviewRequest}. */
export const ReviewRequestSchema = z.object({
  reviews: z
    .array(
      z
        .object({
          reference_id: z.string().nullish(),
          item_id: z.string().nullish(),
          /** A ground-truth annotation of the item; the whole item when absent. */
          annotation_id: z.string().nullish(),
          status: ReviewStatusSchema,
          comment: z.string().max(10_000).nullish(),
        })
        .refine((r) => Boolean(r.reference_id) !== Boolean(r.item_id), {
          message: "name the item by reference_id or item_id (one of them)",
        }),
    )
    .min(1)
    .max(10_000),
  /** Who reviews (a name or an email); the key's tenant is recorded when absent. */
  reviewer: z.string().max(200).nullish(),
});
/**
 * `POST ext/datasets/{id}/reviews`: accepts, rejects or asks to fix a ground-truth annotation or
 * a whole item. A review of a whole item also sets `metadata.review_status`, as Nucleus's own
 * "Review Ground Truth" does.
 *
 * @example
 * ```ts
 * import { ReviewRequest } from "@nucleus/schemas";
 *
 * ReviewRequest.encode({ reviews: [{ referenceId: "img_1", annotationId: "car-2", status: "rejected" }], reviewer: "ana" });
 * ```
 */
export const ReviewRequest = createCodec(ReviewRequestSchema);
/** Reviews to record. */
export type ReviewRequest = Camelize<z.output<typeof ReviewRequestSchema>>;

/** The wire schema of {@link ReviewListResponse}. */
export const ReviewListResponseSchema = z.looseObject({
  reviews: z.array(
    z.looseObject({
      item_id: z.string(),
      reference_id: z.string(),
      annotation_id: z.string().nullable(),
      status: ReviewStatusSchema,
      reviewer: z.string().nullable(),
      comment: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
});
/**
 * Reviews, oldest first: who said what about which item or annotation, and when.
 *
 * @example
 * ```ts
 * import { ReviewListResponse } from "@nucleus/schemas";
 *
 * ReviewListResponse.decode({ reviews: [] }).reviews; // []
 * ```
 */
export const ReviewListResponse = createCodec(ReviewListResponseSchema);
/** A list of reviews. */
export type ReviewListResponse = Camelize<z.output<typeof ReviewListResponseSchema>>;

/** The wire schema of {@link CurationItemsPageResponse}. */
export const CurationItemsPageResponseSchema = z.looseObject({
  items: z.array(
    DatasetItemRecordSchema.extend({
      tags: z.array(z.string()),
      review_status: z.string().nullable(),
    }),
  ),
  nextPageToken: z.string().nullable(),
});
/**
 * `POST ext/datasets/{id}/itemsPage`: a page of a query's items, each with its tags and review
 * status (what a grid of items shows).
 *
 * @example
 * ```ts
 * import { CurationItemsPageResponse } from "@nucleus/schemas";
 *
 * CurationItemsPageResponse.decode({ items: [], nextPageToken: null }).items; // []
 * ```
 */
export const CurationItemsPageResponse = createCodec(CurationItemsPageResponseSchema);
/** A page of items with tags and review status. */
export type CurationItemsPageResponse = Camelize<z.output<typeof CurationItemsPageResponseSchema>>;

/** The wire schema of {@link CreateQuerySliceRequest}. */
export const CreateQuerySliceRequestSchema = z.object({
  name: z.string().min(1),
  query: z.string(),
  /** A saved query read again on every read, rather than the items it selects now. */
  dynamic: z.boolean().nullish(),
  model_run_id: runId,
});
/**
 * `POST ext/datasets/{id}/slices`: a slice from a query, static (the items it selects now) or
 * dynamic (the query itself).
 *
 * @example
 * ```ts
 * import { CreateQuerySliceRequest } from "@nucleus/schemas";
 *
 * CreateQuerySliceRequest.encode({ name: "foggy", query: 'metadata.weather = "foggy"', dynamic: true });
 * ```
 */
export const CreateQuerySliceRequest = createCodec(CreateQuerySliceRequestSchema);
/** A slice from a query. */
export type CreateQuerySliceRequest = Camelize<z.output<typeof CreateQuerySliceRequestSchema>>;

/** The wire schema of {@link CreateQuerySliceResponse}. */
export const CreateQuerySliceResponseSchema = z.looseObject({
  slice_id: z.string(),
  dynamic: z.boolean(),
  query: z.string(),
});
/**
 * The new slice: its id, whether it is dynamic, and its query.
 *
 * @example
 * ```ts
 * import { CreateQuerySliceResponse } from "@nucleus/schemas";
 *
 * CreateQuerySliceResponse.decode({ slice_id: "slc_1", dynamic: true, query: "" }).sliceId; // "slc_1"
 * ```
 */
export const CreateQuerySliceResponse = createCodec(CreateQuerySliceResponseSchema);
/** A slice made from a query. */
export type CreateQuerySliceResponse = Camelize<z.output<typeof CreateQuerySliceResponseSchema>>;

/** The wire schema of {@link SubsetEvaluationRequest}. */
export const SubsetEvaluationRequestSchema = z
  .object({
    query,
    slice_id: z.string().nullish(),
    iou_threshold: z.number().min(0).max(1).nullish(),
  })
  .refine((r) => !(r.query && r.slice_id), { message: "give a query or a slice_id, not both" });
/**
 * `POST ext/modelRuns/{id}/evaluation`: the run's metrics on the items of a query or a slice
 * (every item when neither is given), from the match rows of its latest evaluation.
 *
 * @example
 * ```ts
 * import { SubsetEvaluationRequest } from "@nucleus/schemas";
 *
 * SubsetEvaluationRequest.encode({ query: 'metadata.weather = "foggy"' });
 * ```
 */
export const SubsetEvaluationRequest = createCodec(SubsetEvaluationRequestSchema);
/** A subset to evaluate. */
export type SubsetEvaluationRequest = Camelize<z.output<typeof SubsetEvaluationRequestSchema>>;

/** COCO box metrics, as the server reports them (`modelRun/{id}/info`'s `evaluation.metrics`). */
export const EvaluationMetricsSchema = z.looseObject({
  iou_type: z.string(),
  stats: z.array(z.number()),
  map: z.number(),
  map50: z.number(),
  map75: z.number(),
  ap_by_size: z.looseObject({ small: z.number(), medium: z.number(), large: z.number() }),
  ar100: z.number(),
  iou_thresholds: z.array(z.number()),
  per_class: z.array(
    z.looseObject({
      label: z.string(),
      ap: z.number(),
      ap50: z.number(),
      ap75: z.number(),
      ar100: z.number(),
      ap_by_iou: z.array(z.number()),
    }),
  ),
  counts: z.looseObject({ items: count, ground_truth: count, predictions: count }),
});

/** The wire schema of {@link SubsetEvaluationResponse}. */
export const SubsetEvaluationResponseSchema = z.looseObject({
  evaluation_id: z.string(),
  model_run_id: z.string(),
  iou_threshold: z.number(),
  /** Items of the subset. */
  items: count,
  /** COCO metrics (AP -1 where a class has no ground truth in the subset). */
  metrics: EvaluationMetricsSchema,
  /** The Evaluations V2 charts of the subset. */
  charts: EvaluationChartsSchema,
});
/**
 * A run's metrics on a subset: COCO's numbers (mAP, AP50, AP75, per-class AP and AR, AP by
 * size) and the charts (confusion matrix, PR curves, score histogram, counts, error attribution).
 *
 * @example
 * ```ts
 * import { SubsetEvaluationResponse } from "@nucleus/schemas";
 *
 * declare const body: unknown;
 * const { metrics } = SubsetEvaluationResponse.decode(body);
 * console.log(metrics.map50);
 * ```
 */
export const SubsetEvaluationResponse = createCodec(SubsetEvaluationResponseSchema);
/** A run's metrics on a subset. */
export type SubsetEvaluationResponse = Camelize<z.output<typeof SubsetEvaluationResponseSchema>>;

import { Annotation, Prediction } from "./annotations.js";
import { defineRoutes, type RouteContract } from "./contract.js";
import {
  CheckQueryRequest,
  CheckQueryResponse,
  CountResponse,
  CreateQuerySliceRequest,
  CreateQuerySliceResponse,
  CurationItemsPageResponse,
  EvaluationChartsQuery,
  ExportPageRequest,
  FacetsRequest,
  FacetsResponse,
  ItemQueryRequest,
  MetadataSchemaResponse,
  QueryItemsPageRequest,
  QueryObjectsPageRequest,
  QueryObjectsPageResponse,
  QueryTextQuery,
  ReviewListResponse,
  ReviewRequest,
  SubsetEvaluationRequest,
  SubsetEvaluationResponse,
  TagItemsRequest,
  TagItemsResponse,
  TagListResponse,
} from "./curation.js";
import { DatasetItem } from "./items.js";
import { Job, JobErrors, JobList, JobStatus } from "./jobs.js";
import {
  AnnotateRequest,
  AppendItemsRequest,
  AsyncUploadRequest,
  CommitModelRunRequest,
  CreateDatasetRequest,
  CreateEvaluationRequest,
  CreateModelRequest,
  CreateModelRunRequest,
  CreateSliceRequest,
  DeleteAnnotationsRequest,
  EmptyRequest,
  EvaluationChartsRequest,
  EvaluationExamplesRequest,
  IouThresholdQuery,
  ListJobsRequest,
  MultipartItemsPart,
  PageRequest,
  PredictRequest,
  SerializedSegmentationsPart,
  SliceAppendRequest,
  SliceNameQuery,
  UpdateMetadataRequest,
} from "./requests.js";
import {
  AnnotateResponse,
  AppendItemsResponse,
  CalculateMetricsResponse,
  CommitModelRunResponse,
  CreateDatasetResponse,
  CreateEvaluationResponse,
  CreateModelResponse,
  CreateModelRunResponse,
  CreateSliceResponse,
  DatasetDetailsResponse,
  DatasetInfoResponse,
  DatasetIsSceneResponse,
  DatasetItemsResponse,
  DatasetListResponse,
  DatasetNameResponse,
  DatasetPrivacyModeResponse,
  DatasetSizeResponse,
  DeleteResponse,
  Evaluation,
  EvaluationCharts,
  EvaluationExamplesPage,
  EvaluationList,
  ExportPageResponse,
  ExportResponse,
  ItemPredictionsResponse,
  ItemResponse,
  ItemsPageResponse,
  Model,
  ModelListResponse,
  ModelRunIdsResponse,
  ModelRunInfoResponse,
  PredictResponse,
  SessionResponse,
  SignedUrlResponse,
  SliceAppendResponse,
  SliceInfoResponse,
  SliceItemsResponse,
  SliceListResponse,
  SliceRawJsonResponse,
  StoredLabel,
  UpdateMetadataResponse,
  UploadReceipt,
} from "./responses.js";
import { autotagRoutes } from "./routes/autotags.js";
import { dedupRoutes } from "./routes/dedup.js";
import { embeddingMapRoutes } from "./routes/embedding-map.js";
import { embeddingRoutes } from "./routes/embeddings.js";
import { exportRoutes } from "./routes/exports.js";
import { objectEmbeddingRoutes } from "./routes/object-embeddings.js";
import { sceneExportRoutes } from "./routes/scene-export.js";
import { sceneRoutes } from "./routes/scenes.js";
import { tagRoutes } from "./routes/tags.js";
import { taxonomyRoutes } from "./routes/taxonomies.js";
import { validateRoutes } from "./routes/validate.js";

/** The `?async=1` form of an upload route: its NDJSON was PUT to a signed URL first. */
const uploadAsync = <P extends string>(path: P, what: string) =>
  ({
    method: "POST",
    path,
    summary: `Starts a job that uploads the ${what} PUT to the signed URL of \`requestId\` (\`?async=1\`).`,
    async: true,
    body: AsyncUploadRequest,
    response: Job,
  }) as const;

/**
 * Every route of the Nucleus protocol that the SDK and the server speak: method, path template,
 * request and response codecs. The client derives its calls from this table and the server types
 * its handlers by it, so a route is declared once.
 *
 * Order matters only for {@link matchEndpoint}: fixed segments come before parameters.
 *
 * @example
 * ```ts
 * import { type ContractResponse, routes } from "@nucleus/schemas";
 *
 * routes.appendItems.path; // "dataset/:datasetId/append"
 * const response: ContractResponse<typeof routes.datasetName> = { name: "street scenes" };
 * ```
 */
export const routes = defineRoutes({
  ...validateRoutes,
  createDataset: {
    method: "POST",
    path: "dataset/create",
    summary: "Creates a dataset.",
    body: CreateDatasetRequest,
    response: CreateDatasetResponse,
  },
  listDatasetIds: {
    method: "GET",
    path: "dataset/",
    summary: "The ids and names of the key's datasets, side by side.",
    response: DatasetListResponse,
  },
  listDatasets: {
    method: "GET",
    path: "dataset/details",
    summary: "Every dataset of the key: id, name and whether it is public.",
    response: DatasetDetailsResponse,
  },
  appendItems: {
    method: "POST",
    path: "dataset/:datasetId/append",
    summary:
      "Adds items: remote URLs as JSON, local files as a multipart form (`items` plus one `image` part per item).",
    body: AppendItemsRequest,
    multipart: { items: MultipartItemsPart },
    idempotent: true,
    response: AppendItemsResponse,
  },
  appendItemsAsync: uploadAsync("dataset/:datasetId/append", "items"),
  datasetInfo: {
    method: "GET",
    path: "dataset/:datasetId/info",
    summary: "The dataset's name, size, model runs, slices and metadata schemas.",
    response: DatasetInfoResponse,
  },
  datasetSize: {
    method: "GET",
    path: "dataset/:datasetId/size",
    summary: "The number of items.",
    response: DatasetSizeResponse,
  },
  datasetName: {
    method: "GET",
    path: "dataset/:datasetId/name",
    summary: "The dataset's name.",
    response: DatasetNameResponse,
  },
  datasetIsScene: {
    method: "GET",
    path: "dataset/:datasetId/is_scene",
    summary: "Whether the dataset holds scenes.",
    response: DatasetIsSceneResponse,
  },
  datasetPrivacyMode: {
    method: "GET",
    path: "dataset/:datasetId/use_privacy_mode",
    summary: "Whether the dataset is in privacy mode.",
    response: DatasetPrivacyModeResponse,
  },
  datasetModelRuns: {
    method: "GET",
    path: "dataset/:datasetId/model_runs",
    summary: "The ids of the dataset's model runs.",
    response: ModelRunIdsResponse,
  },
  datasetItems: {
    method: "GET",
    path: "dataset/:datasetId/datasetItems",
    summary: "Every item of the dataset in one response (prefer `itemsPage`).",
    response: DatasetItemsResponse,
  },
  itemsPage: {
    method: "POST",
    path: "dataset/:datasetId/itemsPage",
    summary: "One page of items in upload order; `nextPageToken` is null on the last page.",
    body: PageRequest,
    idempotent: true,
    response: ItemsPageResponse,
  },
  queryItemsPage: {
    method: "POST",
    path: "dataset/:datasetId/queryItemsPage",
    summary:
      "One page of the items a query selects, in upload order; a query that does not hold is a 400 naming the position.",
    body: QueryItemsPageRequest,
    idempotent: true,
    response: ItemsPageResponse,
  },
  queryObjectsPage: {
    method: "POST",
    path: "dataset/:datasetId/queryObjectsPage",
    summary:
      "One page of the objects a query selects: ground truth, a run's predictions (`predictions_only`) or its match rows (`iou`, `false_positive`, `false_negative`).",
    body: QueryObjectsPageRequest,
    idempotent: true,
    response: QueryObjectsPageResponse,
  },
  exportPage: {
    method: "POST",
    path: "dataset/:datasetId/exportForTrainingPage",
    summary: "One page of export rows: each item (of `query`, when given) with its ground truth.",
    body: ExportPageRequest,
    idempotent: true,
    response: ExportPageResponse,
  },
  export: {
    method: "GET",
    path: "dataset/:datasetId/exportForTraining",
    summary:
      "Every item (of `?query=`, when given) with its ground truth in one response (prefer `exportPage`).",
    query: QueryTextQuery,
    response: ExportResponse,
  },
  updateMetadata: {
    method: "POST",
    path: "dataset/:datasetId/metadata",
    summary: "Merges metadata into items (or scenes) by reference id.",
    body: UpdateMetadataRequest,
    idempotent: true,
    response: UpdateMetadataResponse,
  },
  itemByReference: {
    method: "GET",
    path: "dataset/:datasetId/refloc/:referenceId",
    summary: "The item with this reference id, with its annotations grouped by type.",
    response: ItemResponse,
  },
  itemByIndex: {
    method: "GET",
    path: "dataset/:datasetId/iloc/:index",
    summary: "The item at this position (upload order), with its annotations.",
    response: ItemResponse,
  },
  itemById: {
    method: "GET",
    path: "dataset/:datasetId/loc/:itemId",
    summary: "The item with this id (`di_...`), with its annotations.",
    response: ItemResponse,
  },
  deleteItem: {
    method: "DELETE",
    path: "dataset/:datasetId/refloc/:referenceId",
    summary: "Deletes the item with this reference id, with its annotations and predictions.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
  annotationById: {
    method: "GET",
    path: "dataset/:datasetId/groundTruth/loc/:referenceId/:annotationId",
    summary: "One annotation of an item, by its annotation id.",
    response: StoredLabel,
  },
  annotate: {
    method: "POST",
    path: "dataset/:datasetId/annotate",
    summary:
      "Adds ground truth: annotations and remote masks as JSON, local masks as a multipart form (`serialized_request` plus one `mask` part each).",
    body: AnnotateRequest,
    multipart: { serialized_request: SerializedSegmentationsPart },
    idempotent: true,
    response: AnnotateResponse,
  },
  annotateAsync: uploadAsync("dataset/:datasetId/annotate", "annotations"),
  deleteAnnotations: {
    method: "DELETE",
    path: "annotation/:datasetId",
    summary: "Deletes the ground truth of some items (by reference id); answers with the finished job.",
    body: DeleteAnnotationsRequest,
    response: Job,
  },
  uploadPredictions: {
    method: "POST",
    path: "dataset/:datasetId/model/:modelId/uploadPredictions",
    summary: "Adds a model's predictions on the dataset, kept in one run per model and dataset.",
    body: PredictRequest,
    multipart: { serialized_request: SerializedSegmentationsPart },
    idempotent: true,
    response: PredictResponse,
  },
  uploadPredictionsAsync: uploadAsync("dataset/:datasetId/model/:modelId/uploadPredictions", "predictions"),
  modelPredictionsByIndex: {
    method: "GET",
    path: "dataset/:datasetId/model/:modelId/iloc/:index",
    summary: "The model's predictions on the item at this position, grouped by type.",
    response: ItemPredictionsResponse,
  },
  modelPredictionsByReference: {
    method: "GET",
    path: "dataset/:datasetId/model/:modelId/referenceId/:referenceId",
    summary: "The model's predictions on the item with this reference id, grouped by type.",
    response: ItemPredictionsResponse,
  },
  modelPredictionById: {
    method: "GET",
    path: "dataset/:datasetId/model/:modelId/loc/:referenceId/:annotationId",
    summary: "One of the model's predictions, by reference id and annotation id.",
    response: StoredLabel,
  },
  calculateEvaluationMetrics: {
    method: "POST",
    path: "dataset/:datasetId/model/:modelId/calculateEvaluationMetrics",
    summary: "Starts a job that evaluates the model's predictions on the dataset.",
    body: CommitModelRunRequest,
    response: CalculateMetricsResponse,
  },
  signedUrl: {
    method: "GET",
    path: "dataset/:datasetId/signedUrl/:requestId",
    summary: "A URL to PUT the NDJSON of an async upload to, named by the client's `requestId`.",
    response: SignedUrlResponse,
  },
  signedUrlPut: {
    method: "PUT",
    path: "__upload/:token",
    summary:
      "Receives the NDJSON of an async upload. The token in the path is the credential: send no API key, like a presigned S3 URL.",
    ndjson: true,
    localOnly: true,
    response: UploadReceipt,
  },
  createModel: {
    method: "POST",
    path: "models/add",
    summary: "Adds a model: a name and a reference id.",
    body: CreateModelRequest,
    response: CreateModelResponse,
  },
  listModels: {
    method: "GET",
    path: "models/",
    summary: "Every model of the key.",
    response: ModelListResponse,
  },
  getModel: {
    method: "GET",
    path: "model/:modelId",
    summary: "A model, by its id or the id of one of its runs.",
    response: Model,
  },
  deleteModel: {
    method: "DELETE",
    path: "model/:modelId",
    summary: "Deletes a model with its runs and predictions.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
  createModelRun: {
    method: "POST",
    path: "dataset/:datasetId/modelRun/create",
    summary: "Creates a model run on the dataset for the model with this reference id.",
    body: CreateModelRunRequest,
    response: CreateModelRunResponse,
  },
  predict: {
    method: "POST",
    path: "modelRun/:runId/predict",
    summary: "Adds predictions to a run: JSON, or a multipart form for local masks.",
    body: PredictRequest,
    multipart: { serialized_request: SerializedSegmentationsPart },
    idempotent: true,
    response: PredictResponse,
  },
  predictAsync: uploadAsync("modelRun/:runId/predict", "predictions"),
  modelRunInfo: {
    method: "GET",
    path: "modelRun/:runId/info",
    summary: "The run's model, dataset, name, status and metadata.",
    response: ModelRunInfoResponse,
  },
  modelRunByReference: {
    method: "GET",
    path: "modelRun/:runId/refloc/:referenceId",
    summary: "The run's predictions on the item with this reference id, grouped by type.",
    body: EmptyRequest,
    response: ItemPredictionsResponse,
  },
  modelRunByIndex: {
    method: "GET",
    path: "modelRun/:runId/iloc/:index",
    summary: "The run's predictions on the item at this position, grouped by type.",
    response: ItemPredictionsResponse,
  },
  modelRunById: {
    method: "GET",
    path: "modelRun/:runId/loc/:itemId",
    summary: "The run's predictions on the item with this id, grouped by type.",
    response: ItemPredictionsResponse,
  },
  modelRunPredictionById: {
    method: "GET",
    path: "modelRun/:runId/prediction/loc/:referenceId/:annotationId",
    summary: "One prediction of the run, by reference id and annotation id.",
    response: StoredLabel,
  },
  commitModelRun: {
    method: "POST",
    path: "modelRun/:runId/commit",
    summary: "Marks the run finished and starts its evaluation against the ground truth.",
    body: CommitModelRunRequest,
    idempotent: true,
    response: CommitModelRunResponse,
  },
  deleteModelRun: {
    method: "DELETE",
    path: "modelRun/:runId",
    summary: "Deletes a model run and its predictions.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
  createSlice: {
    method: "POST",
    path: "dataset/:datasetId/create_slice",
    summary: "Creates a slice from reference ids or item ids (or an empty one with `allow_empty`).",
    body: CreateSliceRequest,
    response: CreateSliceResponse,
  },
  datasetSlices: {
    method: "GET",
    path: "dataset/:datasetId/slices",
    summary: "The dataset's slices, optionally only those with a `name`.",
    query: SliceNameQuery,
    response: SliceListResponse,
  },
  listSlices: {
    method: "GET",
    path: "slice/",
    summary: "Every slice of the key.",
    response: SliceListResponse,
  },
  sliceInfo: {
    method: "GET",
    path: "slice/:sliceId/info",
    summary: "The slice's name, dataset, type, creation time and tags.",
    response: SliceInfoResponse,
  },
  sliceAppend: {
    method: "POST",
    path: "slice/:sliceId/append",
    summary: "Adds items to the slice by reference id; answers with those that were new.",
    body: SliceAppendRequest,
    idempotent: true,
    response: SliceAppendResponse,
  },
  sliceItems: {
    method: "GET",
    path: "slice/:sliceId",
    summary: "Every item of the slice in one response (prefer `sliceItemsPage`).",
    response: SliceItemsResponse,
  },
  sliceItemsPage: {
    method: "POST",
    path: "slice/:sliceId/itemsPage",
    summary: "One page of the slice's items, in the order they were added.",
    body: PageRequest,
    idempotent: true,
    response: ItemsPageResponse,
  },
  sliceExport: {
    method: "GET",
    path: "slice/:sliceId/exportForTraining",
    summary: "Every item of the slice with its ground truth.",
    response: ExportResponse,
  },
  sliceExportRawJson: {
    method: "GET",
    path: "slice/:sliceId/export_raw_json",
    summary:
      "One row per object of an object slice (`{item, annotation}` or `{item, prediction}`), per frame item of a scene slice (`{item, scene}`), or per item (`{item}`).",
    response: SliceRawJsonResponse,
  },
  deleteSlice: {
    method: "DELETE",
    path: "slice/:sliceId",
    summary: "Deletes the slice; its items stay in the dataset.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
  jobStatus: {
    method: "GET",
    path: "job/:jobId",
    summary: "The job's status, progress and message.",
    response: JobStatus,
  },
  jobInfo: {
    method: "GET",
    path: "job/:jobId/info",
    summary: "The job's id, last known status, type and creation time.",
    response: Job,
  },
  jobErrors: {
    method: "GET",
    path: "job/:jobId/errors",
    summary: "One message per entry the job failed to apply.",
    response: JobErrors,
  },
  listJobs: {
    method: "POST",
    path: "jobs/",
    summary: "The key's jobs, optionally of one dataset, type or time range.",
    body: ListJobsRequest,
    idempotent: true,
    response: JobList,
  },
  deleteDataset: {
    method: "DELETE",
    path: "dataset/:datasetId",
    summary: "Deletes a dataset with its items, annotations, runs and slices.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
  createEvaluation: {
    method: "POST",
    path: "modelRun/:runId/evaluationsV2",
    summary: "Starts an Evaluations V2 evaluation of the run; it computes in the background.",
    body: CreateEvaluationRequest,
    response: CreateEvaluationResponse,
  },
  listEvaluations: {
    method: "GET",
    path: "modelRun/:runId/evaluationsV2",
    summary: "The run's evaluations, newest first.",
    response: EvaluationList,
  },
  getEvaluation: {
    method: "GET",
    path: "evaluationsV2/:evaluationId",
    summary: "An evaluation's status, run, dataset and options.",
    response: Evaluation,
  },
  deleteEvaluation: {
    method: "DELETE",
    path: "evaluationsV2/:evaluationId",
    summary: "Deletes an evaluation.",
    body: EmptyRequest,
    response: DeleteResponse,
  },
  evaluationCharts: {
    method: "GET",
    path: "evaluationsV2/:evaluationId/charts",
    summary:
      "mAP, per-class AP, confusion matrix, score histogram, PR curve and error attribution; of the match rows of `query` and `filters` (JSON) when given.",
    query: EvaluationChartsQuery,
    response: EvaluationCharts,
  },
  evaluationChartsPost: {
    method: "POST",
    path: "evaluationsV2/:evaluationId/charts",
    summary: "The charts, with the query sent as a JSON body as newer official clients do.",
    body: EvaluationChartsRequest,
    query: IouThresholdQuery,
    idempotent: true,
    response: EvaluationCharts,
  },
  evaluationExamples: {
    method: "POST",
    path: "evaluationsV2/:evaluationId/examples",
    summary: "One page of the true positives, false positives and false negatives behind the charts.",
    body: EvaluationExamplesRequest,
    query: IouThresholdQuery,
    idempotent: true,
    response: EvaluationExamplesPage,
  },
  countItems: {
    method: "POST",
    path: "ext/datasets/:datasetId/count",
    summary: "How many items a query selects.",
    body: ItemQueryRequest,
    idempotent: true,
    localOnly: true,
    response: CountResponse,
  },
  facets: {
    method: "POST",
    path: "ext/datasets/:datasetId/facets",
    summary:
      "Facets of a query's items: count, objects and items per label, metadata values and histograms (with edges), tags.",
    body: FacetsRequest,
    idempotent: true,
    localOnly: true,
    response: FacetsResponse,
  },
  metadataSchema: {
    method: "GET",
    path: "ext/datasets/:datasetId/metadataSchema",
    summary:
      "Every metadata key with the kinds of its values, items and distinct values, ranges, and the item_metadata_schema that follows.",
    localOnly: true,
    response: MetadataSchemaResponse,
  },
  checkQuery: {
    method: "POST",
    path: "ext/datasets/:datasetId/checkQuery",
    summary:
      "Checks a query against the dataset without running it; a 400 names the position when it does not hold.",
    body: CheckQueryRequest,
    idempotent: true,
    localOnly: true,
    response: CheckQueryResponse,
  },
  curationItemsPage: {
    method: "POST",
    path: "ext/datasets/:datasetId/itemsPage",
    summary: "One page of a query's items, each with its tags and review status.",
    body: QueryItemsPageRequest,
    idempotent: true,
    localOnly: true,
    response: CurationItemsPageResponse,
  },
  tagItems: {
    method: "POST",
    path: "ext/datasets/:datasetId/tags",
    summary: "Adds and removes tags on items named by reference id, item id or an item query.",
    body: TagItemsRequest,
    idempotent: true,
    localOnly: true,
    response: TagItemsResponse,
  },
  listTags: {
    method: "GET",
    path: "ext/datasets/:datasetId/tags",
    summary: "Every tag of the dataset with how many items carry it.",
    localOnly: true,
    response: TagListResponse,
  },
  reviewItems: {
    method: "POST",
    path: "ext/datasets/:datasetId/reviews",
    summary:
      "Accepts, rejects or asks to fix ground-truth annotations or whole items, with who and when; an item's status is also its metadata.review_status.",
    body: ReviewRequest,
    localOnly: true,
    response: ReviewListResponse,
  },
  itemReviews: {
    method: "GET",
    path: "ext/datasets/:datasetId/items/:referenceId/reviews",
    summary: "The reviews of an item and of its annotations, oldest first.",
    localOnly: true,
    response: ReviewListResponse,
  },
  createQuerySlice: {
    method: "POST",
    path: "ext/datasets/:datasetId/slices",
    summary:
      "Creates a slice from a query: static (the items it selects now) or dynamic (read again on every read).",
    body: CreateQuerySliceRequest,
    localOnly: true,
    response: CreateQuerySliceResponse,
  },
  subsetEvaluation: {
    method: "POST",
    path: "ext/modelRuns/:runId/evaluation",
    summary:
      "The run's metrics (mAP, per-class AP, PR, confusion) on the items of a query or a slice, from the match rows of its latest evaluation.",
    body: SubsetEvaluationRequest,
    idempotent: true,
    localOnly: true,
    response: SubsetEvaluationResponse,
  },
  createSession: {
    method: "POST",
    path: "__session",
    summary:
      "Trades an API key for a browser session: an HttpOnly cookie, and a CSRF token to send as `x-csrf-token`.",
    localOnly: true,
    response: SessionResponse,
  },
  deleteSession: {
    method: "DELETE",
    path: "__session",
    summary: "Ends the session of the cookie (needs the CSRF token).",
    localOnly: true,
    response: DeleteResponse,
  },
  ...taxonomyRoutes,
  ...tagRoutes,
  ...exportRoutes,
  ...embeddingRoutes,
  ...objectEmbeddingRoutes,
  ...autotagRoutes,
  ...embeddingMapRoutes,
  ...dedupRoutes,
  ...sceneRoutes,
  ...sceneExportRoutes,
});

/**
 * The name of a route of {@link routes}.
 *
 * @example
 * ```ts
 * import type { RouteName } from "@nucleus/schemas";
 *
 * const name: RouteName = "appendItems";
 * ```
 */
export type RouteName = keyof typeof routes;

/**
 * Any route of the protocol. Kept for code written against the former route catalogue.
 *
 * @example
 * ```ts
 * import { type Endpoint, routes } from "@nucleus/schemas";
 *
 * const endpoint: Endpoint = routes.appendItems;
 * ```
 */
export type Endpoint = RouteContract;

/**
 * Every route of {@link routes}, in declaration order.
 *
 * @example
 * ```ts
 * import { ENDPOINTS } from "@nucleus/schemas";
 *
 * const reads = ENDPOINTS.filter((route) => route.method === "GET").length;
 * ```
 */
export const ENDPOINTS: readonly RouteContract[] = Object.values(routes);

/** The codecs of the NDJSON lines of each kind of async upload, by job type. */
export const NDJSON_LINES = {
  uploadDatasetItems: DatasetItem,
  uploadAnnotations: Annotation,
  uploadPredictions: Prediction,
} as const;

/** A matched route: the endpoint and its decoded path parameters. */
export interface EndpointMatch {
  endpoint: RouteContract;
  params: Record<string, string>;
}

/**
 * Finds the endpoint of a request. `route` is the path under the base URL, still
 * percent-encoded: it is split on `/` first and each segment decoded afterwards, so a
 * reference id with `%2F` stays one segment.
 *
 * @example
 * ```ts
 * matchEndpoint("GET", "dataset/ds_1/refloc/folder%2Fimg%203")?.params.referenceId; // "folder/img 3"
 * ```
 */
export function matchEndpoint(
  method: string,
  route: string,
  query: { async?: boolean } = {},
): EndpointMatch | undefined {
  const segments = route.split("/");
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method || Boolean(endpoint.async) !== Boolean(query.async)) continue;
    const pattern = endpoint.path.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i += 1) {
      const part = pattern[i] ?? "";
      const segment = segments[i] ?? "";
      if (part.startsWith(":")) {
        if (segment === "") ok = false;
        else params[part.slice(1)] = decodeURIComponent(segment);
      } else if (part !== segment) ok = false;
    }
    if (ok) return { endpoint, params };
  }
  return undefined;
}

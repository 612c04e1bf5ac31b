import { Annotation, Prediction } from "./annotations.js";
import type { Codec } from "./codec.js";
import { DatasetItem } from "./items.js";
import { Job, JobErrors, JobList, JobStatus } from "./jobs.js";
import {
  AnnotateRequest,
  AppendItemsRequest,
  AsyncUploadRequest,
  CommitModelRunRequest,
  CreateDatasetRequest,
  CreateModelRequest,
  CreateModelRunRequest,
  CreateSliceRequest,
  EmptyRequest,
  ListJobsRequest,
  MultipartItemsPart,
  PageRequest,
  PredictRequest,
  SerializedSegmentationsPart,
  SliceAppendRequest,
} from "./requests.js";
import {
  AnnotateResponse,
  AppendItemsResponse,
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
  ModelRunInfoResponse,
  PredictResponse,
  SignedUrlResponse,
  SliceAppendResponse,
  SliceInfoResponse,
  SliceItemsResponse,
  SliceListResponse,
} from "./responses.js";

/** Any codec, whatever its schema: the element type of the route catalogue. */
// biome-ignore lint/suspicious/noExplicitAny: a catalogue of heterogeneous codecs.
export type AnyCodec = Codec<any, any, any>;

/** One route of the protocol, with the codecs of what it carries. */
export interface Endpoint {
  /** A stable name (`appendItems`). */
  name: string;
  /** The HTTP method. */
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path under the base URL, with `:param` segments (`dataset/:datasetId/append`). */
  path: string;
  /** Set when the route is the `?async=1` variant. */
  async?: boolean;
  /** The JSON body, when the route takes one. */
  request?: AnyCodec;
  /** The JSON parts of the multipart form of the route, by part name. */
  multipart?: Record<string, AnyCodec>;
  /** The JSON of each line of the NDJSON body (signed-URL uploads). */
  ndjsonLine?: AnyCodec;
  /** The JSON of a success response. */
  response: AnyCodec;
}

const uploadAsync = (name: string, path: string): Endpoint => ({
  name,
  method: "POST",
  path,
  async: true,
  request: AsyncUploadRequest,
  response: Job,
});

/**
 * The routes of the Nucleus protocol that the SDK and the server speak, with their codecs.
 * Order matters only for {@link matchEndpoint}: fixed segments come before parameters.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    name: "createDataset",
    method: "POST",
    path: "dataset/create",
    request: CreateDatasetRequest,
    response: CreateDatasetResponse,
  },
  { name: "listDatasetIds", method: "GET", path: "dataset/", response: DatasetListResponse },
  { name: "listDatasets", method: "GET", path: "dataset/details", response: DatasetDetailsResponse },
  {
    name: "appendItems",
    method: "POST",
    path: "dataset/:datasetId/append",
    request: AppendItemsRequest,
    multipart: { items: MultipartItemsPart },
    response: AppendItemsResponse,
  },
  uploadAsync("appendItemsAsync", "dataset/:datasetId/append"),
  { name: "datasetInfo", method: "GET", path: "dataset/:datasetId/info", response: DatasetInfoResponse },
  { name: "datasetSize", method: "GET", path: "dataset/:datasetId/size", response: DatasetSizeResponse },
  { name: "datasetName", method: "GET", path: "dataset/:datasetId/name", response: DatasetNameResponse },
  {
    name: "datasetIsScene",
    method: "GET",
    path: "dataset/:datasetId/is_scene",
    response: DatasetIsSceneResponse,
  },
  {
    name: "datasetPrivacyMode",
    method: "GET",
    path: "dataset/:datasetId/use_privacy_mode",
    response: DatasetPrivacyModeResponse,
  },
  {
    name: "datasetItems",
    method: "GET",
    path: "dataset/:datasetId/datasetItems",
    response: DatasetItemsResponse,
  },
  {
    name: "itemsPage",
    method: "POST",
    path: "dataset/:datasetId/itemsPage",
    request: PageRequest,
    response: ItemsPageResponse,
  },
  {
    name: "exportPage",
    method: "POST",
    path: "dataset/:datasetId/exportForTrainingPage",
    request: PageRequest,
    response: ExportPageResponse,
  },
  { name: "export", method: "GET", path: "dataset/:datasetId/exportForTraining", response: ExportResponse },
  {
    name: "itemByReference",
    method: "GET",
    path: "dataset/:datasetId/refloc/:referenceId",
    response: ItemResponse,
  },
  { name: "itemByIndex", method: "GET", path: "dataset/:datasetId/iloc/:index", response: ItemResponse },
  { name: "itemById", method: "GET", path: "dataset/:datasetId/loc/:itemId", response: ItemResponse },
  {
    name: "deleteItem",
    method: "DELETE",
    path: "dataset/:datasetId/refloc/:referenceId",
    request: EmptyRequest,
    response: DeleteResponse,
  },
  {
    name: "annotate",
    method: "POST",
    path: "dataset/:datasetId/annotate",
    request: AnnotateRequest,
    multipart: { serialized_request: SerializedSegmentationsPart },
    response: AnnotateResponse,
  },
  uploadAsync("annotateAsync", "dataset/:datasetId/annotate"),
  {
    name: "uploadPredictions",
    method: "POST",
    path: "dataset/:datasetId/model/:modelId/uploadPredictions",
    request: PredictRequest,
    multipart: { serialized_request: SerializedSegmentationsPart },
    response: PredictResponse,
  },
  uploadAsync("uploadPredictionsAsync", "dataset/:datasetId/model/:modelId/uploadPredictions"),
  {
    name: "signedUrl",
    method: "GET",
    path: "dataset/:datasetId/signedUrl/:requestId",
    response: SignedUrlResponse,
  },
  {
    name: "createModel",
    method: "POST",
    path: "models/add",
    request: CreateModelRequest,
    response: CreateModelResponse,
  },
  { name: "listModels", method: "GET", path: "models/", response: ModelListResponse },
  { name: "getModel", method: "GET", path: "model/:modelId", response: Model },
  {
    name: "deleteModel",
    method: "DELETE",
    path: "model/:modelId",
    request: EmptyRequest,
    response: DeleteResponse,
  },
  {
    name: "createModelRun",
    method: "POST",
    path: "dataset/:datasetId/modelRun/create",
    request: CreateModelRunRequest,
    response: CreateModelRunResponse,
  },
  {
    name: "predict",
    method: "POST",
    path: "modelRun/:runId/predict",
    request: PredictRequest,
    multipart: { serialized_request: SerializedSegmentationsPart },
    response: PredictResponse,
  },
  uploadAsync("predictAsync", "modelRun/:runId/predict"),
  { name: "modelRunInfo", method: "GET", path: "modelRun/:runId/info", response: ModelRunInfoResponse },
  {
    name: "modelRunByReference",
    method: "GET",
    path: "modelRun/:runId/refloc/:referenceId",
    request: EmptyRequest,
    response: ItemPredictionsResponse,
  },
  {
    name: "modelRunByIndex",
    method: "GET",
    path: "modelRun/:runId/iloc/:index",
    response: ItemPredictionsResponse,
  },
  {
    name: "modelRunById",
    method: "GET",
    path: "modelRun/:runId/loc/:itemId",
    response: ItemPredictionsResponse,
  },
  {
    name: "commitModelRun",
    method: "POST",
    path: "modelRun/:runId/commit",
    request: CommitModelRunRequest,
    response: CommitModelRunResponse,
  },
  {
    name: "deleteModelRun",
    method: "DELETE",
    path: "modelRun/:runId",
    request: EmptyRequest,
    response: DeleteResponse,
  },
  {
    name: "createSlice",
    method: "POST",
    path: "dataset/:datasetId/create_slice",
    request: CreateSliceRequest,
    response: CreateSliceResponse,
  },
  { name: "datasetSlices", method: "GET", path: "dataset/:datasetId/slices", response: SliceListResponse },
  { name: "listSlices", method: "GET", path: "slice/", response: SliceListResponse },
  { name: "sliceInfo", method: "GET", path: "slice/:sliceId/info", response: SliceInfoResponse },
  {
    name: "sliceAppend",
    method: "POST",
    path: "slice/:sliceId/append",
    request: SliceAppendRequest,
    response: SliceAppendResponse,
  },
  { name: "sliceItems", method: "GET", path: "slice/:sliceId", response: SliceItemsResponse },
  {
    name: "sliceItemsPage",
    method: "POST",
    path: "slice/:sliceId/itemsPage",
    request: PageRequest,
    response: ItemsPageResponse,
  },
  { name: "sliceExport", method: "GET", path: "slice/:sliceId/exportForTraining", response: ExportResponse },
  {
    name: "deleteSlice",
    method: "DELETE",
    path: "slice/:sliceId",
    request: EmptyRequest,
    response: DeleteResponse,
  },
  { name: "jobStatus", method: "GET", path: "job/:jobId", response: JobStatus },
  { name: "jobInfo", method: "GET", path: "job/:jobId/info", response: Job },
  { name: "jobErrors", method: "GET", path: "job/:jobId/errors", response: JobErrors },
  { name: "listJobs", method: "POST", path: "jobs/", request: ListJobsRequest, response: JobList },
  {
    name: "deleteDataset",
    method: "DELETE",
    path: "dataset/:datasetId",
    request: EmptyRequest,
    response: DeleteResponse,
  },
  {
    name: "createEvaluation",
    method: "POST",
    path: "modelRun/:runId/evaluationsV2",
    response: CreateEvaluationResponse,
  },
  { name: "listEvaluations", method: "GET", path: "modelRun/:runId/evaluationsV2", response: EvaluationList },
  { name: "getEvaluation", method: "GET", path: "evaluationsV2/:evaluationId", response: Evaluation },
  {
    name: "deleteEvaluation",
    method: "DELETE",
    path: "evaluationsV2/:evaluationId",
    request: EmptyRequest,
    response: DeleteResponse,
  },
  // Clients send the charts query as a query string (GET) or as a JSON body (POST).
  {
    name: "evaluationCharts",
    method: "GET",
    path: "evaluationsV2/:evaluationId/charts",
    response: EvaluationCharts,
  },
  {
    name: "evaluationChartsPost",
    method: "POST",
    path: "evaluationsV2/:evaluationId/charts",
    response: EvaluationCharts,
  },
  {
    name: "evaluationExamples",
    method: "POST",
    path: "evaluationsV2/:evaluationId/examples",
    response: EvaluationExamplesPage,
  },
];

/** The codecs of the NDJSON lines of each kind of async upload, by job type. */
export const NDJSON_LINES = {
  uploadDatasetItems: DatasetItem,
  uploadAnnotations: Annotation,
  uploadPredictions: Prediction,
} as const;

/** A matched route: the endpoint and its decoded path parameters. */
export interface EndpointMatch {
  endpoint: Endpoint;
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

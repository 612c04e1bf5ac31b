/**
 * `@nucleus/core`: the typed TypeScript client for the Nucleus REST API, against Scale's hosted
 * Nucleus or the local `@nucleus/server`, by the same wire contract.
 *
 * @example
 * ```ts
 * import { NucleusClient } from "@nucleus/core";
 *
 * const client = new NucleusClient({ apiKey: process.env.NUCLEUS_API_KEY });
 * const dataset = await client.createDataset("street scenes");
 * await dataset.append([{ imageUrl: "s3://bucket/img_1.jpg", referenceId: "img_1" }]);
 * await dataset.annotate([
 *   { type: "box", label: "car", referenceId: "img_1", geometry: { x: 10, y: 20, width: 30, height: 40 } },
 * ]);
 * ```
 *
 * @packageDocumentation
 */

export type {
  Annotation,
  AnnotationGroups,
  DatasetItem,
  DatasetItemRecord,
  EvalFunctionEntry,
  EvaluationExamplesPage,
  ExportRow,
  ItemResponse,
  Prediction,
  PredictionGroups,
  ScenarioTestEvaluation,
  ScenarioTestItemEvaluation,
  ScenarioTestMetric,
  ThresholdComparison,
} from "@nucleus/schemas";
export {
  box,
  category,
  cuboid,
  item,
  keypoints,
  type LabelFields,
  line,
  polygon,
  segmentation,
} from "./builders.js";
export {
  type CreateDatasetOptions,
  CSRF_COOKIE,
  DEFAULT_ENDPOINT,
  type ListJobsOptions,
  NucleusClient,
  type NucleusClientOptions,
  type SessionAuth,
  type SignInOptions,
} from "./client.js";
export * from "./errors.js";
export type { CallOptions } from "./options.js";
export { type Page, PageIterator } from "./pagination.js";
export type {
  AutotagInfo,
  AutotagRef,
  AutotagScore,
  AutotagSliceResponse,
  CreateAutotagOptions,
  EmbeddingMapInfo,
  EmbeddingMapOptions,
  MapPoint,
  RefineAutotagOptions,
} from "./resources/autotags.js";
export type {
  CuratedItem,
  EvaluationFilters,
  Facets,
  FacetsOptions,
  ItemSelection,
  ObjectQueryOptions,
  PatchMode,
  QueriedObject,
  QueryOptions,
  QuerySliceOptions,
  Review,
  ReviewInput,
  ReviewStatus,
  RunRef,
  SubsetEvaluation,
} from "./resources/curation.js";
export { Dataset } from "./resources/dataset.js";
export type { DeduplicateOptions, DeduplicationResult } from "./resources/dedup.js";
export type {
  EmbeddingInput,
  EmbeddingScores,
  EmbeddingsUploadResult,
  NearDuplicateGroups,
  NearDuplicateSliceResponse,
  NearDuplicatesOptions,
  RepresentativenessOptions,
  SimilarItem,
  SimilarOptions,
  UniquenessOptions,
  UploadEmbeddingsOptions,
} from "./resources/embeddings.js";
export {
  type ConfusionCell,
  Evaluation,
  type EvaluationCharts,
  type EvaluationExample,
  type EvaluationInfo,
  type EvaluationWaitOptions,
  type ExamplesOptions,
} from "./resources/evaluation.js";
export type { ModelRef, RawItem } from "./resources/exports.js";
export { Job, type WaitOptions } from "./resources/job.js";
export { type CreateRunOptions, Model } from "./resources/model.js";
export { type CommitOptions, type CreateEvaluationOptions, ModelRun } from "./resources/model-run.js";
export type { ObjectRef, SimilarObject, SimilarObjectsOptions } from "./resources/object-embeddings.js";
export type { SceneExportOptions, SceneExportRow } from "./resources/scene-export.js";
export type {
  LidarScene,
  Scene,
  SceneFrameItemRecord,
  SceneLookupOptions,
  SceneQueryOptions,
  SceneSummary,
  SceneUploadOptions,
  SceneUploadResult,
  Track,
  VideoScene,
} from "./resources/scenes.js";
export { Slice } from "./resources/slice.js";
export type {
  AddTaxonomyOptions,
  Autotag,
  Taxonomy,
  TaxonomyDeletion,
  TaxonomyStatus,
  TaxonomyType,
} from "./resources/taxonomies.js";
export {
  type CreateScenarioTestOptions,
  type EvalFunctionChoice,
  type ExternalResult,
  ScenarioTest,
  type ScenarioTestOutcome,
  type ScenarioTestRun,
  Validate,
} from "./resources/validate.js";
export {
  type AppendResult,
  type LabelUploadResult,
  PreparedBatch,
  prepareAnnotations,
  prepareItems,
  preparePredictions,
  type UploadOptions,
} from "./uploads.js";

/**
 * The store interface: what the server asks of storage, one store per entity, as decoded
 * records and typed problems. Backends live in their own folders (`sqlite/`).
 */

export type {
  AutotagRecord,
  AutotagRound,
  AutotagScore,
  AutotagStatus,
  AutotagStore,
  AutotagTraining,
} from "./autotags.js";
export type { BrowserTokenKind, BrowserTokenRecord, BrowserTokenStore } from "./browser-tokens.js";
export type { Page, PageRequest, Tenant } from "./common.js";
export type {
  CurationStore,
  NewReview,
  ReviewRecord,
  ReviewStatus,
  SliceQueryRecord,
} from "./curation.js";
export type { DatasetRecord, DatasetStore, MetadataSchemaDefinition, NewDataset } from "./datasets.js";
export {
  type EvaluationMetrics,
  EvaluationMetricsDocument,
  type EvaluationOptions,
  EvaluationOptionsDocument,
} from "./documents.js";
export type {
  EmbeddingMapRecord,
  EmbeddingMapStatus,
  EmbeddingMapStore,
  MapPoint,
} from "./embedding-maps.js";
export type {
  EmbeddingRecord,
  EmbeddingStore,
  ItemVector,
  KeyedItem,
  KeyedVector,
  NewEmbedding,
} from "./embeddings.js";
export type {
  EvaluationRecord,
  EvaluationStatus,
  EvaluationStore,
  EvaluationUpdate,
  NewEvaluation,
} from "./evaluations.js";
export type { IdempotencyStore, Reservation, ReserveOptions } from "./idempotency.js";
export type { ItemQuery, ItemRecord, ItemStore, ItemUpsertResult, MetadataUpdate, NewItem } from "./items.js";
export type {
  EvaluationJobSpec,
  JobMessage,
  JobRecord,
  JobSpec,
  JobStore,
  JobUpdate,
  Lease,
  NewJob,
  SceneUploadJobSpec,
  UploadJobSpec,
} from "./jobs.js";
export type {
  LabelInput,
  LabelRecord,
  LabelRefusal,
  LabelSelection,
  LabelStore,
  LabelTarget,
  LabelUpsertResult,
} from "./labels.js";
export type { ListingStore } from "./listings.js";
export type {
  CocoOutcome,
  LabelVersions,
  MatchRow,
  MatchRowRecord,
  MatchSetRecord,
  MatchStore,
  MatchType,
} from "./matches.js";
export type { MediaRefStore } from "./media.js";
export type {
  ModelRecord,
  ModelRunRecord,
  ModelRunStore,
  ModelStore,
  NewModel,
  NewModelRun,
} from "./models.js";
export {
  labelText,
  type ObjectVector,
  type ObjectVectorFilter,
  type ObjectVectorRecord,
  type ObjectVectorSource,
  type ObjectVectorStore,
  objectVectorOf,
} from "./object-vectors.js";
export type { ItemHash, ItemHashStore } from "./phashes.js";
export {
  invalidCursor,
  StoreError,
  type StoreProblem,
  type StoreProblemCode,
  unknownItem,
  unknownReference,
} from "./problems.js";
export type {
  CheckedField,
  FacetRequest,
  FacetsRecord,
  ItemQuery as ItemQueryText,
  ItemScope,
  LabelFacet,
  MatchOrder,
  MetadataFacet,
  MetadataKeyRecord,
  ObjectQuery,
  ObjectRecord,
  ObjectSource,
  QueryStore,
} from "./queries.js";
export type {
  FrameItemType,
  NewScene,
  SceneFrameItem,
  SceneKind,
  SceneLabelRecord,
  SceneRecord,
  SceneStore,
  TrackRecord,
} from "./scenes.js";
export type { SliceObjectKind, SliceObjectRecord, SliceObjectStore } from "./slice-objects.js";
export type { SliceMembers, SliceRecord, SliceStore, SliceType } from "./slices.js";
export type { EntityStores, NucleusStore, StoreTransaction } from "./store.js";
export type { TagChange, TaggedKind, TagStore } from "./tags.js";
export type {
  TaxonomyAddResult,
  TaxonomyDeletion,
  TaxonomyKind,
  TaxonomyRecord,
  TaxonomyStore,
} from "./taxonomies.js";
export type { UploadRecord, UploadStore } from "./uploads.js";
export type {
  Comparison,
  ExternalFunctionRecord,
  ItemResultRecord,
  ResultLevel,
  ScenarioEvaluationRecord,
  ScenarioOutcome,
  ScenarioTestRecord,
  TestFunctionRecord,
  ValidateStore,
} from "./validate.js";

import type { AutotagStore } from "./autotags.js";
import type { BrowserTokenStore } from "./browser-tokens.js";
import type { Tenant } from "./common.js";
import type { CurationStore } from "./curation.js";
import type { DatasetStore } from "./datasets.js";
import type { EmbeddingMapStore } from "./embedding-maps.js";
import type { EmbeddingStore } from "./embeddings.js";
import type { EvaluationStore } from "./evaluations.js";
import type { IdempotencyStore } from "./idempotency.js";
import type { ItemStore } from "./items.js";
import type { JobStore } from "./jobs.js";
import type { LabelStore } from "./labels.js";
import type { ListingStore } from "./listings.js";
import type { MatchStore } from "./matches.js";
import type { MediaRefStore } from "./media.js";
import type { ModelRunStore, ModelStore } from "./models.js";
import type { ObjectVectorStore } from "./object-vectors.js";
import type { ItemHashStore } from "./phashes.js";
import type { QueryStore } from "./queries.js";
import type { SceneStore } from "./scenes.js";
import type { SliceObjectStore } from "./slice-objects.js";
import type { SliceStore } from "./slices.js";
import type { TagStore } from "./tags.js";
import type { TaxonomyStore } from "./taxonomies.js";
import type { UploadStore } from "./uploads.js";
import type { ValidateStore } from "./validate.js";

/** The records of the server, one store per entity; the same inside and outside a transaction. */
export interface EntityStores {
  readonly datasets: DatasetStore;
  readonly items: ItemStore;
  readonly labels: LabelStore;
  readonly models: ModelStore;
  readonly runs: ModelRunStore;
  readonly slices: SliceStore;
  /** The annotations and predictions of object slices. */
  readonly sliceObjects: SliceObjectStore;
  readonly jobs: JobStore;
  readonly uploads: UploadStore;
  readonly evaluations: EvaluationStore;
  readonly idempotency: IdempotencyStore;
  readonly media: MediaRefStore;
  /** Queries in the query language, facets and the metadata schema. */
  readonly queries: QueryStore;
  /** Item tags, reviews and slices made from a query. */
  readonly curation: CurationStore;
  /** Item embeddings, for similarity search. */
  readonly embeddings: EmbeddingStore;
  /** Vectors of box and polygon annotations and predictions, for object similarity search. */
  readonly objectVectors: ObjectVectorStore;
  /** Autotags trained on item vectors, and their scores. */
  readonly autotags: AutotagStore;
  /** 2-D maps of item vectors. */
  readonly embeddingMaps: EmbeddingMapStore;
  /** The stored match rows of evaluations. */
  readonly matches: MatchStore;
  /** Scenario tests, their evaluation functions and evaluations (Validate). */
  readonly validate: ValidateStore;
  /** Taxonomies of datasets: the labels their categories may carry. */
  readonly taxonomies: TaxonomyStore;
  /** Scenes (lidar and video) with their frames, scene-level labels and tracks. */
  readonly scenes: SceneStore;
  /** Tags of datasets, models and slices. */
  readonly tags: TagStore;
  /** Perceptual hashes of items' images. */
  readonly phashes: ItemHashStore;
  /** Browser sessions and login links. */
  readonly browserTokens: BrowserTokenStore;
}

/** The handle a transaction passes to its function: every call through it is part of the transaction. */
export type StoreTransaction = EntityStores;

/**
 * Everything the server asks of storage, as decoded records and typed problems
 * (`problems.ts`); no SQL, row shapes or engine behaviour leaks through it, so a PostgreSQL
 * backend can stand in without touching routes. Every method is async; each call applies whole
 * or not at all, and `transaction` groups calls that must apply together.
 */
export interface NucleusStore extends EntityStores {
  /**
   * Runs `fn` in one transaction: what it does through `tx` applies together when it resolves
   * and not at all when it throws, or when a call through `tx` failed (even if `fn` caught the
   * error: a failed call may have applied part of itself). Use only `tx` inside `fn`: calls through the store are not
   * part of the transaction, and may wait for it to end. `tx` refuses calls once it ended.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** The reads of whole listings, which may run apart from other calls (see {@link ListingStore}). */
  readonly listings: ListingStore;
  /**
   * A value that changes whenever anything was written, by this process or another one on the
   * same data, so results derived from the store can be cached until it changes.
   */
  writeVersion(): Promise<string>;
  /**
   * Moves everything of tenant `from` to tenant `to` (every table with a tenant), for a change of
   * how tenants are derived from keys; returns how many rows moved.
   */
  rekeyTenant(from: Tenant, to: Tenant): Promise<number>;
  /** Closes the store; no call may follow. */
  close(): Promise<void>;
}

import {
  type Annotation,
  type DatasetInfoResponse,
  type DatasetItem,
  type DatasetItemRecord,
  type ExportRow,
  type ItemResponse,
  type JsonObject,
  type Prediction,
  type PredictionGroups,
  routes,
} from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import { appendItems, uploadLabels } from "../internal/uploads.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";
import type { AppendResult, LabelUploadResult, PreparedBatch, UploadOptions } from "../uploads.js";
import {
  type AutotagInfo,
  type AutotagRef,
  type AutotagScore,
  type AutotagSliceResponse,
  autotagItems,
  autotagSlice,
  type CreateAutotagOptions,
  createAutotag,
  deleteAutotag,
  type EmbeddingMapInfo,
  type EmbeddingMapOptions,
  embeddingMap,
  embeddingMapPoints,
  listAutotagsWithCounts,
  type MapPoint,
  type RefineAutotagOptions,
  refineAutotag,
} from "./autotags.js";
import {
  type CuratedItem,
  Curation,
  type Facets,
  type FacetsOptions,
  type ItemSelection,
  type ObjectQueryOptions,
  type QueriedObject,
  type QueryOptions,
  type QuerySliceOptions,
  type Review,
  type ReviewInput,
} from "./curation.js";
import { type DeduplicateOptions, type DeduplicationResult, deduplicate } from "./dedup.js";
import {
  type EmbeddingInput,
  type EmbeddingScores,
  type EmbeddingsUploadResult,
  type NearDuplicateGroups,
  type NearDuplicateSliceResponse,
  type NearDuplicatesOptions,
  nearDuplicateSlice,
  nearDuplicates,
  type RepresentativenessOptions,
  type SimilarItem,
  type SimilarOptions,
  scoreRepresentativeness,
  scoreUniqueness,
  similar,
  type UniquenessOptions,
  type UploadEmbeddingsOptions,
  uploadEmbeddings,
} from "./embeddings.js";
import { classLabels, type ModelRef, modelPredictions } from "./exports.js";
import type { Job } from "./job.js";
import { type SimilarObject, type SimilarObjectsOptions, similarObjects } from "./object-embeddings.js";
import { exportScenes, type SceneExportOptions, type SceneExportRow } from "./scene-export.js";
import {
  deleteScene,
  deleteTracks,
  getScene,
  type LidarScene,
  listScenes,
  listTracks,
  queryScenes,
  type Scene,
  type SceneLookupOptions,
  type SceneQueryOptions,
  type SceneSummary,
  type SceneUploadOptions,
  type SceneUploadResult,
  type Track,
  updateSceneMetadata,
  updateTrack,
  uploadScenes,
  type VideoScene,
} from "./scenes.js";
import { Slice } from "./slice.js";
import {
  type AddTaxonomyOptions,
  type Autotag,
  addTaxonomy,
  datasetTags,
  deleteTaxonomy,
  listAutotags,
  listTaxonomies,
  type Taxonomy,
  type TaxonomyDeletion,
  type TaxonomyStatus,
  type TaxonomyType,
} from "./taxonomies.js";

/** Items a page of {@link Dataset.items} asks for by default. */
const ITEMS_PAGE = 5_000;
/** Rows a page of {@link Dataset.export} asks for by default. */
const EXPORT_PAGE = 1_000;

/** A dataset: items keyed by reference id, with their ground truth. */
export class Dataset {
  /** @internal Made by the client and other resources; not constructed directly. */
  constructor(
    private readonly api: Api,
    /** The dataset's id (`ds_...`). */
    readonly id: string,
  ) {}

  /**
   * Uploads items, validated first. Remote URLs go as JSON batches, local paths as multipart
   * file uploads. Existing reference ids are ignored unless `update` is set. With
   * `asynchronous: true` (remote URLs only) returns the server {@link Job}.
   *
   * @example
   * ```ts
   * await dataset.append([
   *   { imageUrl: "s3://bucket/img_1.jpg", referenceId: "img_1", metadata: { camera: "front" } },
   *   { imageUrl: "./images/img_2.png", referenceId: "img_2" },
   * ]);
   * ```
   */
  append(
    items: readonly DatasetItem[] | PreparedBatch<"items">,
    options: UploadOptions & { asynchronous: true },
  ): Promise<Job>;
  append(
    items: readonly DatasetItem[] | PreparedBatch<"items">,
    options?: UploadOptions,
  ): Promise<AppendResult>;
  append(
    items: readonly DatasetItem[] | PreparedBatch<"items">,
    options: UploadOptions = {},
  ): Promise<AppendResult | Job> {
    return appendItems(this.api, this.id, items, options);
  }

  /**
   * The dataset's name, size, model runs, slices and metadata schemas.
   *
   * @example
   * ```ts
   * const { name, length } = await dataset.info();
   * ```
   */
  async info(options: CallOptions = {}): Promise<DatasetInfoResponse> {
    return this.api.call(routes.datasetInfo, { params: { datasetId: this.id } }, options);
  }

  /**
   * The dataset's name.
   *
   * @example
   * ```ts
   * const name = await dataset.name();
   * ```
   */
  async name(options: CallOptions = {}): Promise<string> {
    return (await this.api.call(routes.datasetName, { params: { datasetId: this.id } }, options)).name;
  }

  /**
   * The number of items.
   *
   * @example
   * ```ts
   * const count = await dataset.size();
   * ```
   */
  async size(options: CallOptions = {}): Promise<number> {
    return (await this.api.call(routes.datasetSize, { params: { datasetId: this.id } }, options)).count;
  }

  /**
   * The item with this reference id, with its annotations grouped by type.
   *
   * @example
   * ```ts
   * const { item, annotations } = await dataset.refloc("folder/img 3");
   * ```
   */
  async refloc(referenceId: string, options: CallOptions = {}): Promise<ItemResponse> {
    return this.api.call(routes.itemByReference, { params: { datasetId: this.id, referenceId } }, options);
  }

  /**
   * The item at this position (upload order), with its annotations.
   *
   * @example
   * ```ts
   * const { item, annotations } = await dataset.iloc(0);
   * ```
   */
  async iloc(index: number, options: CallOptions = {}): Promise<ItemResponse> {
    return this.api.call(routes.itemByIndex, { params: { datasetId: this.id, index } }, options);
  }

  /**
   * The item with this id (`di_...`), with its annotations.
   *
   * @example
   * ```ts
   * const { item } = await dataset.loc("di_...");
   * ```
   */
  async loc(itemId: string, options: CallOptions = {}): Promise<ItemResponse> {
    return this.api.call(routes.itemById, { params: { datasetId: this.id, itemId } }, options);
  }

  /**
   * Every item, lazily, in upload order, `pageSize` items a request (default 5,000; the server
   * serves up to 10,000).
   *
   * @example
   * ```ts
   * for await (const item of dataset.items()) console.log(item.referenceId);
   * ```
   */
  items(options: CallOptions & { pageSize?: number } = {}): PageIterator<DatasetItemRecord> {
    // Items are small: fewer, larger pages cost the server and the client less per item.
    const pageSize = options.pageSize ?? ITEMS_PAGE;
    return new PageIterator(async (pageToken) =>
      this.api.call(
        routes.itemsPage,
        { params: { datasetId: this.id }, body: { pageToken, pageSize } },
        options,
      ),
    );
  }

  /**
   * Every item with its ground truth, one export row per item, lazily; only the items of
   * `query` when one is given. `pageSize` rows a request (default 1,000: rows carry their labels,
   * and a larger page mostly costs the client memory).
   *
   * @example
   * ```ts
   * for await (const row of dataset.export({ query: 'metadata.split = "val"' })) console.log(row.item.referenceId, row.box.length);
   * ```
   */
  export(options: CallOptions & { pageSize?: number; query?: string } = {}): PageIterator<ExportRow> {
    const pageSize = options.pageSize ?? EXPORT_PAGE;
    return new PageIterator(async (pageToken) => {
      const page = await this.api.call(
        routes.exportPage,
        { params: { datasetId: this.id }, body: { pageToken, pageSize, query: options.query } },
        options,
      );
      return { items: page.data, nextPageToken: page.nextPageToken };
    });
  }

  /**
   * Deletes the item with this reference id and its annotations and predictions.
   *
   * @example
   * ```ts
   * await dataset.deleteItem("img_1");
   * ```
   */
  async deleteItem(referenceId: string, options: CallOptions = {}): Promise<void> {
    await this.api.call(
      routes.deleteItem,
      { params: { datasetId: this.id, referenceId }, body: {} },
      options,
    );
  }

  /**
   * Uploads ground truth, validated first: every bad entry is reported with its index, reference
   * id and field before anything is sent. Same (reference id, annotation id) pairs are ignored
   * unless `update` is set.
   *
   * @example
   * ```ts
   * const { processed } = await dataset.annotate([
   *   { type: "box", label: "car", referenceId: "img_1", geometry: { x: 10, y: 20, width: 30, height: 40 } },
   * ]);
   * ```
   */
  annotate(
    annotations: readonly Annotation[] | PreparedBatch<"annotations">,
    options: UploadOptions & { asynchronous: true },
  ): Promise<Job>;
  annotate(
    annotations: readonly Annotation[] | PreparedBatch<"annotations">,
    options?: UploadOptions,
  ): Promise<LabelUploadResult>;
  annotate(
    annotations: readonly Annotation[] | PreparedBatch<"annotations">,
    options: UploadOptions = {},
  ): Promise<LabelUploadResult | Job> {
    return uploadLabels(this.api, { kind: "annotations", datasetId: this.id }, annotations, options);
  }

  /**
   * Uploads a model's predictions on this dataset (kept in one run per model and dataset).
   *
   * @example
   * ```ts
   * await dataset.uploadPredictions(model, [
   *   { type: "box", label: "car", referenceId: "img_1", geometry: { x: 11, y: 19, width: 30, height: 41 }, confidence: 0.8 },
   * ]);
   * ```
   */
  uploadPredictions(
    model: string | { id: string },
    predictions: readonly Prediction[] | PreparedBatch<"predictions">,
    options: UploadOptions & { asynchronous: true },
  ): Promise<Job>;
  uploadPredictions(
    model: string | { id: string },
    predictions: readonly Prediction[] | PreparedBatch<"predictions">,
    options?: UploadOptions,
  ): Promise<LabelUploadResult>;
  async uploadPredictions(
    model: string | { id: string },
    predictions: readonly Prediction[] | PreparedBatch<"predictions">,
    options: UploadOptions = {},
  ): Promise<LabelUploadResult | Job> {
    const modelId = typeof model === "string" ? model : model.id;
    return uploadLabels(this.api, { kind: "predictions", datasetId: this.id, modelId }, predictions, options);
  }

  /**
   * Creates a slice: of the items with these reference ids (an empty slice when none are given),
   * or from a query: static (the items it selects now) or `dynamic` (the query itself, read
   * again whenever the slice is read).
   *
   * @example
   * ```ts
   * const night = await dataset.createSlice("night", ["img_4", "img_9"]);
   * const foggy = await dataset.createSlice({ name: "foggy", query: 'metadata.weather = "foggy"', dynamic: true });
   * ```
   */
  createSlice(options: QuerySliceOptions): Promise<Slice>;
  createSlice(name: string, referenceIds?: readonly string[], options?: CallOptions): Promise<Slice>;
  async createSlice(
    nameOrQuery: string | QuerySliceOptions,
    referenceIds: readonly string[] = [],
    options: CallOptions = {},
  ): Promise<Slice> {
    if (typeof nameOrQuery !== "string") {
      return new Slice(this.api, await this.curation.createSlice(nameOrQuery), this.id);
    }
    const name = nameOrQuery;
    // Like the official client: the reference ids, or an explicit empty slice.
    const body =
      referenceIds.length > 0 ? { name, referenceIds: [...referenceIds] } : { name, allowEmpty: 1 as const };
    const { sliceId } = await this.api.call(
      routes.createSlice,
      { params: { datasetId: this.id }, body },
      options,
    );
    return new Slice(this.api, sliceId, this.id);
  }

  /**
   * Creates a slice by server ids, of one kind: items (`itemIds`), scenes (`sceneIds`: a scene
   * slice) or annotations and predictions (`annotationIds`, `predictionIds`: an object slice,
   * which {@link Slice.exportRawJson} exports object by object).
   *
   * @example
   * ```ts
   * const hard = await dataset.createSliceByIds("hard boxes", { annotationIds: ["ann_..."], predictionIds: ["pred_..."] });
   * const drives = await dataset.createSliceByIds("night drives", { sceneIds: ["scn_..."] });
   * ```
   */
  async createSliceByIds(
    name: string,
    ids: {
      itemIds?: readonly string[];
      sceneIds?: readonly string[];
      annotationIds?: readonly string[];
      predictionIds?: readonly string[];
    },
    options: CallOptions = {},
  ): Promise<Slice> {
    // Like the official client: empty lists go as null, annotations and predictions as one list.
    const list = (values: readonly string[]) => (values.length > 0 ? [...values] : null);
    const body = {
      name,
      datasetItemIds: list(ids.itemIds ?? []),
      sceneIds: list(ids.sceneIds ?? []),
      objectIds: list([...(ids.annotationIds ?? []), ...(ids.predictionIds ?? [])]),
    };
    const { sliceId } = await this.api.call(
      routes.createSlice,
      { params: { datasetId: this.id }, body },
      options,
    );
    return new Slice(this.api, sliceId, this.id);
  }

  private get curation(): Curation {
    return new Curation(this.api, this.id);
  }

  /**
   * The items a query selects, lazily, in upload order (an empty query selects every item). A
   * query that does not hold is an `APIError` (400) whose message names the position.
   *
   * @example
   * ```ts
   * for await (const item of dataset.queryItems('metadata.weather = "foggy" AND annotations.car >= 3'))
   *   console.log(item.referenceId);
   * ```
   */
  queryItems(query: string, options: QueryOptions = {}): PageIterator<DatasetItemRecord> {
    return this.curation.queryItems(query, options);
  }

  /**
   * The objects a query selects, lazily: ground truth by default, a run's predictions, or the
   * match rows of its latest evaluation (`patchMode` `iou`, `false_positive`, `false_negative`).
   *
   * @example
   * ```ts
   * const background = dataset.queryObjects('label = "car" AND iou < 0.1', { patchMode: "false_positive", modelRun: run });
   * for await (const row of background) console.log(row.datasetItemId, row.confidence);
   * ```
   */
  queryObjects(query: string, options: ObjectQueryOptions = {}): PageIterator<QueriedObject> {
    return this.curation.queryObjects(query, options);
  }

  /**
   * How many items a query selects.
   *
   * @example
   * ```ts
   * const foggy = await dataset.countItems('metadata.weather = "foggy"');
   * ```
   */
  countItems(query = "", options: QueryOptions = {}): Promise<number> {
    return this.curation.count(query, options);
  }

  /**
   * Stores one vector per item (by reference id), replacing an item's earlier vector; every
   * vector of a dataset has one length. Sent in batches: a bad entry refuses its batch (the error
   * names it), and batches before it stay stored.
   *
   * @example
   * ```ts
   * await dataset.uploadEmbeddings([{ referenceId: "img_1", vector: [0.1, 0.7, -0.2] }]);
   * ```
   */
  uploadEmbeddings(
    entries: Iterable<EmbeddingInput> | AsyncIterable<EmbeddingInput>,
    options: UploadEmbeddingsOptions = {},
  ): Promise<EmbeddingsUploadResult> {
    return uploadEmbeddings(this.api, this.id, entries, options);
  }

  /**
   * The items nearest to an item (left out of the results) or a vector, nearest first, over the
   * dataset's embeddings (the server's vector index on large datasets, exact search on small ones
   * or with `exact: true`); optionally only among a query's or a slice's items.
   *
   * @example
   * ```ts
   * const like = await dataset.similar({ referenceId: "img_1", k: 5 });
   * const foggy = await dataset.similar({ vector: v, query: 'metadata.weather = "fog"', metric: "l2" });
   * ```
   */
  similar(options: SimilarOptions): Promise<SimilarItem[]> {
    return similar(this.api, this.id, options);
  }

  /**
   * The objects (box and polygon annotations and predictions uploaded with an `embeddingVector`)
   * nearest to an object (left out of the results) or a vector, nearest first (the server's
   * object index on large datasets, exact search on small ones or with `exact: true`); optionally
   * only annotations, one run's predictions or one label. Each result carries its
   * item's reference id, its label and its box (a polygon's bounding box), enough to crop it.
   *
   * @example
   * ```ts
   * const near = await dataset.similarObjects({ vector: v, k: 5, source: "annotation" });
   * const alike = await dataset.similarObjects({ objectId: "ann_...", k: 20, label: "car" });
   * ```
   */
  similarObjects(options: SimilarObjectsOptions): Promise<SimilarObject[]> {
    return similarObjects(this.api, this.id, options);
  }

  /**
   * Groups of items whose vectors lie within a distance of each other (near-duplicates), found by
   * a job on the server that this waits for. Each group lists its items, the first stored first.
   *
   * @example
   * ```ts
   * const { jobId, groups, duplicates } = await dataset.nearDuplicates({ threshold: 0.02 });
   * ```
   */
  nearDuplicates(options: NearDuplicatesOptions = {}): Promise<NearDuplicateGroups> {
    return nearDuplicates(this.api, this.id, options);
  }

  /**
   * Scores every item's vector by its mean cosine distance to its nearest neighbours, in [0, 1]
   * (the most isolated item scores 1), with a job on the server that this waits for. The scores
   * are queryable as `embedding.uniqueness`.
   *
   * @example
   * ```ts
   * await dataset.scoreUniqueness();
   * const unusual = await dataset.queryItems("embedding.uniqueness > 0.8").toArray({ limit: 1000 });
   * ```
   */
  scoreUniqueness(options: UniquenessOptions = {}): Promise<EmbeddingScores> {
    return scoreUniqueness(this.api, this.id, options);
  }

  /**
   * Scores how typical every item is of the dataset, in [0, 1], with a job on the server that this
   * waits for: the vectors are clustered by k-means (cosine), and an item scores by how close it
   * lies to its cluster's centre (the most central member of each cluster of at least mean size
   * 1, the item lying farthest out 0; members of smaller clusters are scaled down by their
   * cluster's size over the mean). The scores are queryable as `embedding.representativeness`.
   *
   * @example
   * ```ts
   * const { clusters } = await dataset.scoreRepresentativeness();
   * const typical = await dataset.queryItems("embedding.representativeness > 0.9").toArray({ limit: 1000 });
   * ```
   */
  scoreRepresentativeness(options: RepresentativenessOptions = {}): Promise<EmbeddingScores> {
    return scoreRepresentativeness(this.api, this.id, options);
  }

  /**
   * A slice from a near-duplicate job's groups: every item of the dataset but the duplicates (one
   * item kept per group, the default), or with `keep: "groups"` the groups' items.
   *
   * @example
   * ```ts
   * const { jobId } = await dataset.nearDuplicates();
   * const { sliceId } = await dataset.nearDuplicateSlice(jobId, "deduplicated");
   * ```
   */
  nearDuplicateSlice(
    jobId: string,
    name: string,
    options: CallOptions & { keep?: "unique" | "groups" } = {},
  ): Promise<NearDuplicateSliceResponse> {
    return nearDuplicateSlice(this.api, this.id, jobId, name, options);
  }

  /**
   * Trains an autotag (a linear classifier on the item vectors) from a few positive examples and
   * optional negatives, and scores every item in [-1, 1]; waits for the job unless `wait: false`.
   * Queries read the scores as `autotag.<name>`.
   *
   * @example
   * ```ts
   * const rain = await dataset.createAutotag({ name: "rain", positives: ["img_1", "img_7"] });
   * const wet = dataset.queryItems("autotag.rain > 0.5");
   * ```
   */
  createAutotag(options: CreateAutotagOptions): Promise<AutotagInfo> {
    return createAutotag(this.api, this.id, options);
  }

  /**
   * One refinement round: items the user accepted become positives, rejected ones negatives;
   * trains and scores again (waits unless `wait: false`).
   *
   * @example
   * ```ts
   * const top = await dataset.autotagItems(rain).toArray({ limit: 50 });
   * await dataset.refineAutotag(rain, { accept: ["img_3"], reject: ["img_8"] });
   * ```
   */
  refineAutotag(autotag: AutotagRef, options: RefineAutotagOptions): Promise<AutotagInfo> {
    return refineAutotag(this.api, autotag, options);
  }

  /**
   * The dataset's autotags with their training counts (examples, refinement rounds, items scored).
   *
   * @example
   * ```ts
   * for (const tag of await dataset.autotagDetails()) console.log(tag.name, tag.refinementRounds);
   * ```
   */
  autotagDetails(options: CallOptions = {}): Promise<AutotagInfo[]> {
    return listAutotagsWithCounts(this.api, this.id, options);
  }

  /**
   * The items an autotag scored, highest score first, optionally only those at or above `minScore`.
   *
   * @example
   * ```ts
   * for await (const { referenceId, score } of dataset.autotagItems(rain, { minScore: 0.8 })) console.log(referenceId, score);
   * ```
   */
  autotagItems(
    autotag: AutotagRef,
    options: CallOptions & { minScore?: number; pageSize?: number } = {},
  ): AsyncIterable<AutotagScore> & { toArray(options: { limit: number }): Promise<AutotagScore[]> } {
    const api = this.api;
    return {
      [Symbol.asyncIterator]: () => autotagItems(api, autotag, options),
      async toArray({ limit }) {
        const out: AutotagScore[] = [];
        if (limit <= 0) return out;
        for await (const item of autotagItems(api, autotag, {
          ...options,
          pageSize: Math.min(options.pageSize ?? 1_000, Number.isFinite(limit) ? limit : 1_000),
        })) {
          out.push(item);
          if (out.length >= limit) break;
        }
        return out;
      },
    };
  }

  /**
   * A slice of the items an autotag scores at or above `threshold` (default 0.5).
   *
   * @example
   * ```ts
   * const { sliceId, items } = await dataset.autotagSlice(rain, "rainy", { threshold: 0.8 });
   * ```
   */
  autotagSlice(
    autotag: AutotagRef,
    name: string,
    options: CallOptions & { threshold?: number } = {},
  ): Promise<AutotagSliceResponse> {
    return autotagSlice(this.api, autotag, name, options);
  }

  /**
   * Deletes an autotag and its scores.
   *
   * @example
   * ```ts
   * await dataset.deleteAutotag(rain);
   * ```
   */
  deleteAutotag(autotag: AutotagRef, options: CallOptions = {}): Promise<void> {
    return deleteAutotag(this.api, autotag, options);
  }

  /**
   * The dataset's embedding map (a 2-D PCA projection of its item vectors): computed by a job this
   * waits for, or the kept one when the vectors did not change since (`cached: true`).
   *
   * @example
   * ```ts
   * const map = await dataset.embeddingMap();
   * for await (const { referenceId, x, y } of dataset.embeddingMapPoints()) plot(referenceId, x, y);
   * ```
   */
  embeddingMap(options: EmbeddingMapOptions = {}): Promise<EmbeddingMapInfo> {
    return embeddingMap(this.api, this.id, options);
  }

  /**
   * The points of the dataset's embedding map (item id, reference id, x, y), read in pages.
   *
   * @example
   * ```ts
   * const points = [];
   * for await (const point of dataset.embeddingMapPoints()) points.push(point);
   * ```
   */
  embeddingMapPoints(options: CallOptions & { pageSize?: number } = {}): AsyncIterable<MapPoint> {
    const api = this.api;
    const id = this.id;
    return { [Symbol.asyncIterator]: () => embeddingMapPoints(api, id, options) };
  }

  /**
   * Facets of a query's items: how many, objects and items per label (ground truth and
   * predictions), value counts of text and boolean metadata, histograms of numeric metadata (with
   * their edges), tags.
   *
   * @example
   * ```ts
   * const { count, annotations, metadata } = await dataset.facets("annotations.car >= 1", { bins: 20 });
   * ```
   */
  facets(query = "", options: FacetsOptions = {}): Promise<Facets> {
    return this.curation.facets(query, options);
  }

  /**
   * Every metadata key with the kinds of its values, how many items have it, its distinct
   * values and range, and the `item_metadata_schema` that follows.
   *
   * @example
   * ```ts
   * const { keys } = await dataset.metadataSchema();
   * ```
   */
  metadataSchema(options: CallOptions = {}) {
    return this.curation.metadataSchema(options);
  }

  /**
   * Checks a query against the dataset without running it: the fields it names and what they
   * resolved to; an `APIError` (400) naming the position when it does not hold.
   *
   * @example
   * ```ts
   * const { fields } = await dataset.checkQuery("annotations.car >= 3");
   * ```
   */
  checkQuery(query: string, options: CallOptions & { scope?: "item" | "object" } = {}) {
    return this.curation.checkQuery(query, options.scope ?? "item", options);
  }

  /**
   * The items of a query with their tags and review status, lazily.
   *
   * @example
   * ```ts
   * for await (const item of dataset.curatedItems('tags CONTAINS "hard"')) console.log(item.tags);
   * ```
   */
  curatedItems(query = "", options: QueryOptions = {}): PageIterator<CuratedItem> {
    return this.curation.curatedItems(query, options);
  }

  /**
   * Adds and removes tags on items (by reference id, item id, or every item of a query); tags
   * are queryable (`tags CONTAINS "hard"`).
   *
   * @example
   * ```ts
   * await dataset.tagItems({ referenceIds: ["img_1"] }, { add: ["hard"] });
   * await dataset.tagItems({ query: 'metadata.weather = "foggy"' }, { add: ["fog"], remove: ["clear"] });
   * ```
   */
  tagItems(
    selection: ItemSelection,
    change: { add?: string[]; remove?: string[] },
    options: CallOptions = {},
  ): Promise<{ items: number; changed: number }> {
    return this.curation.tag(selection, change, options);
  }

  /**
   * Every tag of the dataset and how many items carry it, most used first.
   *
   * @example
   * ```ts
   * for (const { tag, count } of await dataset.tags()) console.log(tag, count);
   * ```
   */
  tags(options: CallOptions = {}): Promise<{ tag: string; count: number }[]> {
    return this.curation.tags(options);
  }

  /**
   * Records reviews of ground-truth annotations or whole items (accepted, rejected, needs_fix),
   * with who and when. A whole item's status is also its `metadata.review_status`, as Nucleus's
   * own review writes it; both are queryable (`review.status = "rejected"`).
   *
   * @example
   * ```ts
   * await dataset.review([{ referenceId: "img_1", annotationId: "car-2", status: "needs_fix", comment: "too loose" }], { reviewer: "ana" });
   * ```
   */
  review(
    reviews: readonly ReviewInput[],
    options: CallOptions & { reviewer?: string } = {},
  ): Promise<Review[]> {
    return this.curation.review(reviews, options);
  }

  /**
   * The reviews of an item and of its annotations, oldest first.
   *
   * @example
   * ```ts
   * const history = await dataset.reviews("img_1");
   * ```
   */
  reviews(referenceId: string, options: CallOptions = {}): Promise<Review[]> {
    return this.curation.reviews(referenceId, options);
  }

  /**
   * The dataset's slices.
   *
   * @example
   * ```ts
   * for (const slice of await dataset.slices()) console.log(slice.id);
   * ```
   */
  async slices(options: CallOptions = {}): Promise<Slice[]> {
    const slices = await this.api.call(routes.datasetSlices, { params: { datasetId: this.id } }, options);
    return slices.map((slice) => new Slice(this.api, slice.id, slice.datasetId));
  }

  /**
   * Adds a taxonomy: the labels that category (or multicategory) annotations naming it may
   * carry. An existing taxonomy is left as it is unless `update` is set, which appends the labels
   * it lacks.
   *
   * @example
   * ```ts
   * await dataset.addTaxonomy("weather", "category", ["sunny", "rain"]);
   * await dataset.annotate([{ type: "category", label: "rain", referenceId: "img_1", taxonomyName: "weather" }]);
   * ```
   */
  addTaxonomy(
    name: string,
    type: TaxonomyType,
    labels: readonly string[],
    options: AddTaxonomyOptions = {},
  ): Promise<TaxonomyStatus> {
    return addTaxonomy(this.api, this.id, name, type, labels, options);
  }

  /**
   * Deletes a taxonomy with the annotations and predictions that name it.
   *
   * @example
   * ```ts
   * const { annotationsDeleted } = await dataset.deleteTaxonomy("weather");
   * ```
   */
  deleteTaxonomy(name: string, options: CallOptions = {}): Promise<TaxonomyDeletion> {
    return deleteTaxonomy(this.api, this.id, name, options);
  }

  /**
   * The dataset's taxonomies, in creation order.
   *
   * @example
   * ```ts
   * for (const { name, type, labels } of await dataset.taxonomies()) console.log(name, type, labels);
   * ```
   */
  taxonomies(options: CallOptions = {}): Promise<Taxonomy[]> {
    return listTaxonomies(this.api, this.id, options);
  }

  /**
   * The dataset's autotags, as the protocol lists them (`id`, `name`, `status`, `autotagLevel`).
   *
   * @example
   * ```ts
   * const autotags = await dataset.autotags();
   * ```
   */
  autotags(options: CallOptions = {}): Promise<Autotag[]> {
    return listAutotags(this.api, this.id, options);
  }

  /**
   * The dataset's own tags (items carry theirs: see {@link Dataset.tagItems}).
   *
   * @example
   * ```ts
   * const tags = await dataset.getTags();
   * ```
   */
  getTags(options: CallOptions = {}): Promise<string[]> {
    return datasetTags(this.api, this.id, {}, options);
  }

  /**
   * Adds tags to the dataset; returns all its tags.
   *
   * @example
   * ```ts
   * await dataset.addTags(["golden", "v2"]);
   * ```
   */
  addTags(tags: readonly string[], options: CallOptions = {}): Promise<string[]> {
    return datasetTags(this.api, this.id, { add: tags }, options);
  }

  /**
   * Removes tags from the dataset (absent ones are ignored); returns the tags left.
   *
   * @example
   * ```ts
   * await dataset.removeTags(["v2"]);
   * ```
   */
  removeTags(tags: readonly string[], options: CallOptions = {}): Promise<string[]> {
    return datasetTags(this.api, this.id, { remove: tags }, options);
  }

  /**
   * Uploads lidar scenes: frames in order, each mapping sensor names to items (exactly one point
   * cloud per frame; camera items carry `cameraParams`). The dataset must be a scene dataset.
   * Remote locations (http, https, s3, gs) are stored as given; local paths are sent as files
   * in one multipart request and served back by the server. All or nothing: a bad scene is an
   * `APIError` naming the field and nothing is written. With `asynchronous: true` (remote
   * locations only) returns the server's `uploadLidarScene` {@link Job}.
   *
   * @example
   * ```ts
   * const dataset = await client.createDataset("drives", { isScene: true });
   * await dataset.uploadScenes([
   *   {
   *     referenceId: "drive_1",
   *     metadata: { city: "sf" },
   *     frames: [
   *       {
   *         lidar: { url: "s3://bucket/drive_1/0.json", type: "pointcloud", referenceId: "drive_1/lidar/0" },
   *         front: { url: "s3://bucket/drive_1/0.jpg", type: "image", referenceId: "drive_1/front/0" },
   *       },
   *     ],
   *   },
   * ]);
   * ```
   */
  uploadScenes(
    scenes: readonly LidarScene[],
    options: SceneUploadOptions & { asynchronous: true },
  ): Promise<Job>;
  uploadScenes(scenes: readonly LidarScene[], options?: SceneUploadOptions): Promise<SceneUploadResult>;
  uploadScenes(
    scenes: readonly LidarScene[],
    options: SceneUploadOptions = {},
  ): Promise<SceneUploadResult | Job> {
    return uploadScenes(this.api, this.id, "lidar", scenes, options);
  }

  /**
   * Uploads video scenes: each a `videoUrl` (an MP4), or image `frames` with a `frameRate`.
   * All or nothing, like {@link Dataset.uploadScenes}; `asynchronous: true` returns the
   * `uploadVideoScene` {@link Job}.
   *
   * @example
   * ```ts
   * await dataset.uploadVideoScenes([
   *   { referenceId: "clip_1", videoUrl: "s3://bucket/clip_1.mp4" },
   *   { referenceId: "clip_2", frameRate: 15, frames: [{ url: "s3://bucket/c2/0.jpg", type: "image", referenceId: "clip_2/0" }] },
   * ]);
   * ```
   */
  uploadVideoScenes(
    scenes: readonly VideoScene[],
    options: SceneUploadOptions & { asynchronous: true },
  ): Promise<Job>;
  uploadVideoScenes(scenes: readonly VideoScene[], options?: SceneUploadOptions): Promise<SceneUploadResult>;
  uploadVideoScenes(
    scenes: readonly VideoScene[],
    options: SceneUploadOptions = {},
  ): Promise<SceneUploadResult | Job> {
    return uploadScenes(this.api, this.id, "video", scenes, options);
  }

  /**
   * The dataset's scenes in upload order: id, reference id, kind (`lidar` or `video`), metadata
   * and frame count.
   *
   * @example
   * ```ts
   * for (const { referenceId, type, frameCount } of await dataset.scenes()) console.log(referenceId, type, frameCount);
   * ```
   */
  scenes(options: CallOptions = {}): Promise<SceneSummary[]> {
    return listScenes(this.api, this.id, options);
  }

  /**
   * A scene with its frames, tracks and scene categories, by its reference id (or, with
   * `fromItem`, by the reference id of one of its frame items).
   *
   * @example
   * ```ts
   * const scene = await dataset.scene("drive_1");
   * const firstCloud = scene.lidarFrames?.[0]?.lidar?.url;
   * ```
   */
  scene(referenceId: string, options: SceneLookupOptions = {}): Promise<Scene> {
    return getScene(this.api, this.id, referenceId, options);
  }

  /**
   * Deletes a scene with its frame items and their labels; returns how many items went.
   *
   * @example
   * ```ts
   * const items = await dataset.deleteScene("drive_1");
   * ```
   */
  deleteScene(referenceId: string, options: CallOptions = {}): Promise<number> {
    return deleteScene(this.api, this.id, referenceId, options);
  }

  /**
   * Merges metadata into scenes, by scene reference id; returns the reference ids that name no scene.
   *
   * @example
   * ```ts
   * await dataset.updateSceneMetadata({ drive_1: { weather: "rain" } });
   * ```
   */
  updateSceneMetadata(
    metadata: Readonly<Record<string, JsonObject>>,
    options: CallOptions = {},
  ): Promise<string[]> {
    return updateSceneMetadata(this.api, this.id, metadata, options);
  }

  /**
   * The scenes a query selects, in upload order, page by page. Queries read
   * `scene.reference_id`, `scene.type`, `scene.frame_count` and `scene.metadata.<key>`.
   *
   * @example
   * ```ts
   * const rainy = await dataset.queryScenes('scene.metadata.weather = "rain" AND scene.frame_count >= 10').toArray({ limit: 100 });
   * ```
   */
  queryScenes(query: string, options: SceneQueryOptions = {}): PageIterator<Scene> {
    return queryScenes(this.api, this.id, query, options);
  }

  /**
   * The dataset's scenes (of a slice's, with `sliceId`) with their tracked boxes frame by frame,
   * fetched a page at a time as the iteration goes.
   *
   * @example
   * ```ts
   * for await (const row of dataset.exportScenes({ pageSize: 30 })) {
   *   console.log(row.scene.referenceId, Object.keys(row.annotations));
   * }
   * ```
   */
  exportScenes(options: SceneExportOptions = {}): PageIterator<SceneExportRow> {
    return exportScenes(this.api, this.id, options);
  }

  /**
   * The dataset's tracks: those given metadata, and those annotations or predictions name by
   * `trackReferenceId`.
   *
   * @example
   * ```ts
   * const tracks = await dataset.tracks();
   * ```
   */
  tracks(options: CallOptions = {}): Promise<Track[]> {
    return listTracks(this.api, this.id, options);
  }

  /**
   * Creates a track or merges metadata into it (replaces its metadata with `overwrite`).
   *
   * @example
   * ```ts
   * await dataset.updateTrack("car-1", { color: "red" });
   * ```
   */
  updateTrack(
    referenceId: string,
    metadata: JsonObject,
    options: CallOptions & { overwrite?: boolean } = {},
  ): Promise<void> {
    return updateTrack(this.api, this.id, referenceId, metadata, options);
  }

  /**
   * Deletes tracks; the labels that followed them keep their geometry and lose their
   * `trackReferenceId`. Returns how many of the named tracks existed.
   *
   * @example
   * ```ts
   * await dataset.deleteTracks(["car-1"]);
   * ```
   */
  deleteTracks(referenceIds: readonly string[], options: CallOptions = {}): Promise<number> {
    return deleteTracks(this.api, this.id, referenceIds, options);
  }

  /**
   * Every prediction of a model on the dataset (all its runs here), grouped by type.
   *
   * @example
   * ```ts
   * const { box = [] } = await dataset.exportPredictions(model);
   * ```
   */
  exportPredictions(model: ModelRef, options: CallOptions = {}): Promise<PredictionGroups> {
    return modelPredictions(this.api, this.id, model, options);
  }

  /**
   * The distinct ground-truth labels of the dataset, sorted.
   *
   * @example
   * ```ts
   * const labels = await dataset.classLabels(); // ["bus", "car", ...]
   * ```
   */
  classLabels(options: CallOptions = {}): Promise<string[]> {
    return classLabels(this.api, { datasetId: this.id }, options);
  }

  /**
   * Finds near-duplicate images by a 64-bit perceptual hash: of two items whose hashes differ in
   * at most `threshold` bits (0 to 64; 0 keeps only exact look-alikes apart), the first uploaded
   * is kept. Runs as a job and waits for it; images the server cannot read are kept and listed
   * in `unhashedItems`.
   *
   * @example
   * ```ts
   * const { uniqueReferenceIds, stats } = await dataset.deduplicate(10);
   * const some = await dataset.deduplicate(0, { referenceIds: ["img_1", "img_2"] });
   * ```
   */
  deduplicate(threshold: number, options: DeduplicateOptions = {}): Promise<DeduplicationResult> {
    return deduplicate(this.api, this.id, threshold, options);
  }
}

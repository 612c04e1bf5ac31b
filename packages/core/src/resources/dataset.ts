import {
  type Annotation,
  type DatasetInfoResponse,
  type DatasetItem,
  type DatasetItemRecord,
  type ExportRow,
  type ItemResponse,
  type Prediction,
  routes,
} from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import { appendItems, uploadLabels } from "../internal/uploads.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";
import type { AppendResult, LabelUploadResult, PreparedBatch, UploadOptions } from "../uploads.js";
import type { Job } from "./job.js";
import { Slice } from "./slice.js";

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
   * Every item, lazily, in upload order.
   *
   * @example
   * ```ts
   * for await (const item of dataset.items()) console.log(item.referenceId);
   * ```
   */
  items(options: CallOptions & { pageSize?: number } = {}): PageIterator<DatasetItemRecord> {
    const pageSize = options.pageSize ?? 1_000;
    return new PageIterator(async (pageToken) =>
      this.api.call(
        routes.itemsPage,
        { params: { datasetId: this.id }, body: { pageToken, pageSize } },
        options,
      ),
    );
  }

  /**
   * Every item with its ground truth, one export row per item, lazily.
   *
   * @example
   * ```ts
   * for await (const row of dataset.export()) console.log(row.item.referenceId, row.box.length);
   * ```
   */
  export(options: CallOptions & { pageSize?: number } = {}): PageIterator<ExportRow> {
    const pageSize = options.pageSize ?? 1_000;
    return new PageIterator(async (pageToken) => {
      const page = await this.api.call(
        routes.exportPage,
        { params: { datasetId: this.id }, body: { pageToken, pageSize } },
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
   * Creates a slice of the items with these reference ids (an empty slice when none are given).
   *
   * @example
   * ```ts
   * const slice = await dataset.createSlice("night", ["img_4", "img_9"]);
   * ```
   */
  async createSlice(
    name: string,
    referenceIds: readonly string[] = [],
    options: CallOptions = {},
  ): Promise<Slice> {
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
}

import {
  type DatasetItemRecord,
  type ExportRow,
  routes,
  type SliceInfoResponse,
  type SliceRawJsonResponse,
} from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";
import { classLabels, type ModelRef, type RawItem, rawItems, slicePredictionRows } from "./exports.js";
import { sliceTags } from "./taxonomies.js";

/** A named subset of a dataset's items. */
export class Slice {
  /** @internal Made by the client and other resources; not constructed directly. */
  constructor(
    private readonly api: Api,
    /** The slice's id (`slc_...`). */
    readonly id: string,
    /** The slice's dataset, when known (read from {@link info} otherwise). */
    private datasetId?: string,
  ) {}

  /**
   * The slice's name, dataset, type, creation time and tags.
   *
   * @example
   * ```ts
   * const { name, datasetId } = await slice.info();
   * ```
   */
  async info(options: CallOptions = {}): Promise<SliceInfoResponse> {
    return this.api.call(routes.sliceInfo, { params: { sliceId: this.id } }, options);
  }

  /**
   * Adds items by reference id; items already in the slice are left as they are. Returns the
   * reference ids that were added.
   *
   * @example
   * ```ts
   * const added = await slice.append(["img_3", "img_4"]);
   * ```
   */
  async append(referenceIds: readonly string[], options: CallOptions = {}): Promise<string[]> {
    this.datasetId ??= (await this.info(options)).datasetId;
    const response = await this.api.call(
      routes.sliceAppend,
      { params: { sliceId: this.id }, body: { referenceIds: [...referenceIds], datasetId: this.datasetId } },
      options,
    );
    return response.newItems;
  }

  /**
   * The slice's items, lazily, in the order they were added.
   *
   * @example
   * ```ts
   * const items = await slice.items().toArray({ limit: 1_000 });
   * ```
   */
  items(options: CallOptions & { pageSize?: number } = {}): PageIterator<DatasetItemRecord> {
    const pageSize = options.pageSize ?? 1_000;
    return new PageIterator(async (pageToken) =>
      this.api.call(
        routes.sliceItemsPage,
        { params: { sliceId: this.id }, body: { pageToken, pageSize } },
        options,
      ),
    );
  }

  /**
   * Every item of the slice with its ground truth, one export row per item.
   *
   * @example
   * ```ts
   * const rows = await slice.export();
   * ```
   */
  async export(options: CallOptions = {}): Promise<ExportRow[]> {
    const response = await this.api.call(routes.sliceExport, { params: { sliceId: this.id } }, options);
    return response.exportedRows;
  }

  /**
   * The slice as raw JSON rows: per object of an object slice, its item and the annotation or
   * prediction; per frame item of a scene slice, the item and its scene; otherwise per item.
   *
   * @example
   * ```ts
   * for (const row of await slice.exportRawJson()) console.log(row.item.referenceId, row.annotation?.id);
   * ```
   */
  async exportRawJson(options: CallOptions = {}): Promise<SliceRawJsonResponse> {
    return this.api.call(routes.sliceExportRawJson, { params: { sliceId: this.id } }, options);
  }

  /**
   * Deletes the slice (its items stay in the dataset).
   *
   * @example
   * ```ts
   * await slice.delete();
   * ```
   */
  async delete(options: CallOptions = {}): Promise<void> {
    await this.api.call(routes.deleteSlice, { params: { sliceId: this.id }, body: {} }, options);
  }

  /**
   * Adds tags to the slice; returns all its tags.
   *
   * @example
   * ```ts
   * await slice.addTags(["night"]);
   * ```
   */
  addTags(tags: readonly string[], options: CallOptions = {}): Promise<string[]> {
    return sliceTags(this.api, this.id, { add: tags }, options);
  }

  /**
   * Removes tags from the slice (absent ones are ignored); returns the tags left.
   *
   * @example
   * ```ts
   * await slice.removeTags(["night"]);
   * ```
   */
  removeTags(tags: readonly string[], options: CallOptions = {}): Promise<string[]> {
    return sliceTags(this.api, this.id, { remove: tags }, options);
  }

  /**
   * The slice's items with a model's predictions on them, one export row per item, lazily.
   *
   * @example
   * ```ts
   * for await (const row of slice.exportPredictions(model)) console.log(row.item.referenceId, row.box.length);
   * ```
   */
  exportPredictions(
    model: ModelRef,
    options: CallOptions & { pageSize?: number } = {},
  ): PageIterator<ExportRow> {
    return slicePredictionRows(this.api, this.id, model, options);
  }

  /**
   * The slice's items with their original location and a URL that serves their bytes.
   *
   * @example
   * ```ts
   * for (const { refId, scaleUrl } of await slice.exportRawItems()) console.log(refId, scaleUrl);
   * ```
   */
  exportRawItems(options: CallOptions = {}): Promise<RawItem[]> {
    return rawItems(this.api, this.id, options);
  }

  /**
   * The distinct ground-truth labels of the slice's items, sorted.
   *
   * @example
   * ```ts
   * const labels = await slice.classLabels();
   * ```
   */
  classLabels(options: CallOptions = {}): Promise<string[]> {
    return classLabels(this.api, { sliceId: this.id }, options);
  }
}

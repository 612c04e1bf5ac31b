import {
  type DatasetItemRecord,
  DeleteResponse,
  ExportResponse,
  type ExportRow,
  ItemsPageResponse,
  SliceAppendResponse,
  SliceInfoResponse,
} from "@nucleus/schemas";
import type { Api, CallOptions } from "../internal/api.js";
import { path } from "../internal/path.js";
import { PageIterator } from "../pagination.js";

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
    return this.api.call(SliceInfoResponse, {
      method: "GET",
      path: path`slice/${{ sliceId: this.id }}/info`,
      signal: options.signal,
    });
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
    const response = await this.api.call(SliceAppendResponse, {
      method: "POST",
      path: path`slice/${{ sliceId: this.id }}/append`,
      json: { reference_ids: referenceIds, dataset_id: this.datasetId },
      idempotent: true,
      signal: options.signal,
    });
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
    return new PageIterator(async (token) =>
      this.api.call(ItemsPageResponse, {
        method: "POST",
        path: path`slice/${{ sliceId: this.id }}/itemsPage`,
        json: { pageToken: token, pageSize: options.pageSize ?? 1_000 },
        idempotent: true,
        signal: options.signal,
      }),
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
    const response = await this.api.call(ExportResponse, {
      method: "GET",
      path: path`slice/${{ sliceId: this.id }}/exportForTraining`,
      signal: options.signal,
    });
    return response.exportedRows;
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
    await this.api.call(DeleteResponse, {
      method: "DELETE",
      path: path`slice/${{ sliceId: this.id }}`,
      json: {},
      signal: options.signal,
    });
  }
}

import type { Page, PageRequest } from "./common.js";
import type { ItemRecord } from "./items.js";
import type { LabelRecord, LabelTarget } from "./labels.js";

/**
 * The reads of whole listings (item lists and exports, streamed or paged to the end), one page
 * at a time. They answer what `items.page`, `slices.items` and `labels.list` answer, but may run
 * apart from every other call: on SQLite, on a read-only connection of their own with a small
 * page cache, so that reading every page of a large dataset neither fills the shared cache (and
 * the server's memory) nor evicts what queries keep in it. Each call sees what was committed
 * when it ran, never what an open transaction has not committed yet.
 */
export interface ListingStore {
  /** A page of a dataset's items in upload order, as `items.page`. */
  items(datasetId: string, request: PageRequest): Promise<Page<ItemRecord>>;
  /** A page of a slice's items in slice order, as `slices.items`. */
  sliceItems(sliceId: string, request: PageRequest): Promise<Page<ItemRecord>>;
  /** The labels of a target on some items, each item's in upload order, as `labels.list`. */
  labels(target: LabelTarget, itemIds: readonly string[]): Promise<LabelRecord[]>;
}

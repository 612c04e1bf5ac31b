import type { DatasetItemWire, JsonObject } from "@nucleus/schemas";
import type { Page, PageRequest } from "./common.js";

/** The columns of the items table, the same on SQLite and PostgreSQL, in the order raw rows have them. */
export const ITEM_COLUMN_NAMES = [
  "seq",
  "id",
  "dataset_id",
  "reference_id",
  "image_url",
  "media_key",
  "metadata",
  "width",
  "height",
  "embedding_info",
  "kind",
] as const;

/** The columns of an item row qualified by `table`, for SELECTs that join other tables. */
export const itemColumns = (table: string) =>
  ITEM_COLUMN_NAMES.map((column) => `${table}.${column}`).join(", ");

/** A dataset item. */
export interface ItemRecord {
  id: string;
  datasetId: string;
  referenceId: string;
  /** The location the client gave (for local uploads, the file name it sent). */
  imageUrl: string;
  /** The stored upload, for items sent as files; null for remote items. */
  mediaKey: string | null;
  metadata: JsonObject;
  width: number | null;
  height: number | null;
  embeddingInfo: unknown;
  /** Set for a point cloud (a lidar scene's frame item); images have none. */
  pointcloud?: true;
}

/** An item to insert or replace, as uploaded; `media_key` is set for uploaded files. */
export type NewItem = DatasetItemWire & { media_key?: string | null };

/** Counts of an item upsert. */
export interface ItemUpsertResult {
  newItems: number;
  updatedItems: number;
  ignoredItems: number;
}

/** Another way to find an item than its id: its reference id, or its position in upload order. */
export type ItemQuery = { referenceId: string } | { index: number };

/** A metadata merge for one item. */
export interface MetadataUpdate {
  referenceId: string;
  metadata: JsonObject;
}

/** The items of each dataset, in upload order. */
export interface ItemStore {
  /**
   * Inserts new items; an existing reference id is replaced (metadata and all) when `update` is
   * set and ignored otherwise. An item's own `update` flag (multipart uploads) wins.
   */
  upsert(
    datasetId: string,
    items: readonly NewItem[],
    options: { update: boolean },
  ): Promise<ItemUpsertResult>;
  get(datasetId: string, id: string): Promise<ItemRecord | undefined>;
  find(datasetId: string, query: ItemQuery): Promise<ItemRecord | undefined>;
  /** Items in upload order. */
  page(datasetId: string, request: PageRequest): Promise<Page<ItemRecord>>;
  count(datasetId: string): Promise<number>;
  /** Deletes an item by reference id with its labels; false when there was none. */
  delete(datasetId: string, referenceId: string): Promise<boolean>;
  /** Merges metadata into items by reference id; returns the reference ids that name no item. */
  mergeMetadata(datasetId: string, updates: readonly MetadataUpdate[]): Promise<string[]>;
}

import type { JsonObject } from "@nucleus/schemas";
import { newId } from "../../ids.js";
import type { Page, PageRequest } from "../common.js";
import {
  ITEM_COLUMN_NAMES,
  type ItemQuery,
  type ItemRecord,
  type ItemStore,
  type ItemUpsertResult,
  itemColumns,
  type MetadataUpdate,
  type NewItem,
} from "../items.js";
import { invalidCursor } from "../problems.js";
import type { SqliteScope } from "./connection.js";
import { SqliteFacts } from "./facts.js";
import { CURSOR, fromJson, toJson } from "./values.js";

/** An item row with its upload-order position (`seq`), which only the cursor carries out. */
export interface ItemRow {
  seq: number;
  id: string;
  dataset_id: string;
  reference_id: string;
  image_url: string;
  media_key: string | null;
  metadata: string;
  width: number | null;
  height: number | null;
  embedding_info: string | null;
  /** `pointcloud` for a point cloud frame; absent from rows read without it. */
  kind?: string;
}

/** How many columns an item row has: in a raw row, the index of the first column after them. */
export const ITEM_COLUMN_COUNT = ITEM_COLUMN_NAMES.length;

/** The record of an item row. */
export function decodeItem(row: ItemRow): ItemRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    referenceId: row.reference_id,
    imageUrl: row.image_url,
    mediaKey: row.media_key,
    metadata: JSON.parse(row.metadata) as JsonObject,
    width: row.width,
    height: row.height,
    embeddingInfo: fromJson(row.embedding_info),
    ...(row.kind === "pointcloud" ? { pointcloud: true as const } : {}),
  };
}

/** An item row read raw (as an array): the columns of {@link ITEM_COLUMN_NAMES} in order, perhaps more after. */
export type RawItemRow = [
  seq: number,
  id: string,
  datasetId: string,
  referenceId: string,
  imageUrl: string,
  mediaKey: string | null,
  metadata: string,
  width: number | null,
  height: number | null,
  embeddingInfo: string | null,
  kind: string,
  ...more: unknown[],
];

/** The record of a raw item row. */
function decodeRawItem(row: RawItemRow): ItemRecord {
  const record: ItemRecord = {
    id: row[1],
    datasetId: row[2],
    referenceId: row[3],
    imageUrl: row[4],
    mediaKey: row[5],
    metadata: JSON.parse(row[6]) as JsonObject,
    width: row[7],
    height: row[8],
    embeddingInfo: fromJson(row[9]),
  };
  if (row[10] === "pointcloud") record.pointcloud = true;
  return record;
}

/**
 * A page of raw item rows fetched with one extra (to learn whether more follow), as records; the
 * cursor is the value of column `cursorAt` of the last row served. Whole listings read every item
 * this way: better-sqlite3 builds an array of values about twice as fast as an object by column.
 */
export function pageOfRawItems(
  rows: RawItemRow[],
  limit: number | undefined,
  cursorAt: number,
): Page<ItemRecord> {
  const served = Math.min(rows.length, limit ?? rows.length);
  const records: ItemRecord[] = new Array(served);
  for (let i = 0; i < served; i += 1) records[i] = decodeRawItem(rows[i] as RawItemRow);
  const last = rows[served - 1];
  return { records, nextCursor: served < rows.length && last ? String(last[cursorAt]) : null };
}

/** A page cursor's position (0 for the start); refuses cursors this store did not issue. */
export function positionOf(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined || cursor === "") return 0;
  if (!CURSOR.test(cursor)) throw invalidCursor(cursor);
  return Number(cursor);
}

/** The SQL LIMIT of a page: one extra row, or no limit (-1 in SQLite). */
export const fetchLimit = (request: PageRequest): number =>
  request.limit === undefined ? -1 : request.limit + 1;

/** Dataset items on SQLite, ordered by `seq`. */
export class SqliteItemStore implements ItemStore {
  constructor(private readonly scope: SqliteScope) {}

  upsert(
    datasetId: string,
    items: readonly NewItem[],
    options: { update: boolean },
  ): Promise<ItemUpsertResult> {
    const find = this.scope.sql("SELECT id, seq FROM items WHERE dataset_id = ? AND reference_id = ?");
    const insert = this.scope.sql(
      `INSERT INTO items (id, dataset_id, reference_id, image_url, media_key, metadata, width, height, embedding_info)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const replace = this.scope.sql(
      `UPDATE items SET image_url = ?, media_key = ?, metadata = ?, width = ?, height = ?, embedding_info = ?
       WHERE id = ?`,
    );
    return this.scope.write(() => {
      const result: ItemUpsertResult = { newItems: 0, updatedItems: 0, ignoredItems: 0 };
      // Query facts change with the items, in the same transaction.
      const facts = new SqliteFacts(this.scope);
      facts.ensure(datasetId);
      const added: { seq: number; metadata: JsonObject }[] = [];
      const replaced: { seq: number; metadata: JsonObject }[] = [];
      for (const item of items) {
        const existing = find.get(datasetId, item.reference_id) as { id: string; seq: number } | undefined;
        const fields = [
          item.image_url,
          item.media_key ?? null,
          JSON.stringify(item.metadata ?? {}),
          item.width ?? null,
          item.height ?? null,
          toJson(item.embedding_info),
        ] as const;
        if (!existing) {
          const { lastInsertRowid } = insert.run(newId("item"), datasetId, item.reference_id, ...fields);
          added.push({ seq: Number(lastInsertRowid), metadata: item.metadata ?? {} });
          result.newItems += 1;
        } else if (item.update ?? options.update) {
          replace.run(...fields, existing.id);
          replaced.push({ seq: existing.seq, metadata: item.metadata ?? {} });
          result.updatedItems += 1;
        } else {
          result.ignoredItems += 1;
        }
      }
      facts.addItems(datasetId, added);
      facts.replaceMetadata(datasetId, replaced);
      return result;
    });
  }

  get(datasetId: string, id: string): Promise<ItemRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope.sql("SELECT * FROM items WHERE dataset_id = ? AND id = ?").get(datasetId, id) as
        | ItemRow
        | undefined;
      return row && decodeItem(row);
    });
  }

  find(datasetId: string, query: ItemQuery): Promise<ItemRecord | undefined> {
    return this.scope.read(() => {
      const row = (
        "referenceId" in query
          ? this.scope
              .sql("SELECT * FROM items WHERE dataset_id = ? AND reference_id = ?")
              .get(datasetId, query.referenceId)
          : this.scope
              .sql("SELECT * FROM items WHERE dataset_id = ? ORDER BY seq LIMIT 1 OFFSET ?")
              .get(datasetId, query.index)
      ) as ItemRow | undefined;
      return row && decodeItem(row);
    });
  }

  page(datasetId: string, request: PageRequest): Promise<Page<ItemRecord>> {
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT ${itemColumns("items")} FROM items WHERE dataset_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
        )
        .raw(true)
        .all(datasetId, positionOf(request.cursor), fetchLimit(request)) as RawItemRow[];
      return pageOfRawItems(rows, request.limit, 0);
    });
  }

  count(datasetId: string): Promise<number> {
    return this.scope.read(
      () =>
        (
          this.scope.sql("SELECT COUNT(*) AS n FROM items WHERE dataset_id = ?").get(datasetId) as {
            n: number;
          }
        ).n,
    );
  }

  delete(datasetId: string, referenceId: string): Promise<boolean> {
    return this.scope.write(() => {
      const deleted = this.scope
        .sql("DELETE FROM items WHERE dataset_id = ? AND reference_id = ? RETURNING seq")
        .get(datasetId, referenceId) as { seq: number } | undefined;
      if (deleted) new SqliteFacts(this.scope).deleteItem(datasetId, deleted.seq);
      return deleted !== undefined;
    });
  }

  mergeMetadata(datasetId: string, updates: readonly MetadataUpdate[]): Promise<string[]> {
    const find = this.scope.sql(
      "SELECT id, seq, metadata FROM items WHERE dataset_id = ? AND reference_id = ?",
    );
    const set = this.scope.sql("UPDATE items SET metadata = ? WHERE id = ?");
    return this.scope.write(() => {
      const facts = new SqliteFacts(this.scope);
      facts.ensure(datasetId);
      const missing: string[] = [];
      const merged: { seq: number; metadata: JsonObject }[] = [];
      for (const update of updates) {
        const item = find.get(datasetId, update.referenceId) as
          | { id: string; seq: number; metadata: string }
          | undefined;
        if (!item) {
          missing.push(update.referenceId);
          continue;
        }
        const metadata = { ...(JSON.parse(item.metadata) as JsonObject), ...update.metadata };
        set.run(JSON.stringify(metadata), item.id);
        merged.push({ seq: item.seq, metadata });
      }
      facts.replaceMetadata(datasetId, merged);
      return missing;
    });
  }
}

import type { JsonObject } from "@nucleus/schemas";
import { newId } from "../../ids.js";
import type { Page, PageRequest } from "../common.js";
import type {
  ItemQuery,
  ItemRecord,
  ItemStore,
  ItemUpsertResult,
  MetadataUpdate,
  NewItem,
} from "../items.js";
import type { PgScope, Queryable } from "./connection.js";
import { PgFacts } from "./facts.js";
import { fetchLimit, pageOf, positionOf, toJson } from "./values.js";

/** An item row with its upload-order position (`seq`), which only the cursor carries out. */
export interface ItemRow {
  seq: number;
  id: string;
  dataset_id: string;
  reference_id: string;
  image_url: string;
  media_key: string | null;
  metadata: ItemRecord["metadata"];
  width: number | null;
  height: number | null;
  embedding_info: unknown;
  /** `pointcloud` for a point cloud frame; absent from rows read without it. */
  kind?: string;
}

/** The record of an item row. */
export function decodeItem(row: ItemRow): ItemRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    referenceId: row.reference_id,
    imageUrl: row.image_url,
    mediaKey: row.media_key,
    metadata: row.metadata,
    width: row.width,
    height: row.height,
    embeddingInfo: row.embedding_info ?? null,
    ...(row.kind === "pointcloud" ? { pointcloud: true as const } : {}),
  };
}

/** The item ids of reference ids in a dataset (those that exist). */
export async function itemIdsOf(
  db: Queryable,
  datasetId: string,
  referenceIds: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(referenceIds)];
  const rows = await db.query<{ id: string; reference_id: string }>(
    "SELECT id, reference_id FROM items WHERE dataset_id = $1 AND reference_id = ANY($2::text[])",
    [datasetId, unique],
  );
  return new Map(rows.map((row) => [row.reference_id, row.id]));
}

/** The stored columns of an uploaded item, in insert order. */
type Fields = [string, string | null, string, number | null, number | null, string | null];

function fieldsOf(item: NewItem): Fields {
  return [
    item.image_url,
    item.media_key ?? null,
    JSON.stringify(item.metadata ?? {}),
    item.width ?? null,
    item.height ?? null,
    toJson(item.embedding_info),
  ];
}

/** Columns of rows as parallel arrays, for one `unnest` statement. */
function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  rows.forEach((row, i) => {
    for (let c = 0; c < width; c += 1) (columns[c] as unknown[])[i] = row[c];
  });
  return columns;
}

/** Dataset items on PostgreSQL, ordered by `seq`. */
export class PgItemStore implements ItemStore {
  constructor(private readonly scope: PgScope) {}

  upsert(
    datasetId: string,
    items: readonly NewItem[],
    options: { update: boolean },
  ): Promise<ItemUpsertResult> {
    return this.scope.write(
      async (db) => {
        const result: ItemUpsertResult = { newItems: 0, updatedItems: 0, ignoredItems: 0 };
        // Query facts change with the items, in the same transaction.
        const facts = new PgFacts(db);
        await facts.ensure(datasetId);
        const existing = await itemIdsOf(
          db,
          datasetId,
          items.map((item) => item.reference_id),
        );
        // The batch is applied as SQLite applies it row by row: the first upload of a reference
        // id inserts it, later ones (in this batch or after) replace it when `update` holds.
        const inserts = new Map<string, Fields>();
        const replaces = new Map<string, Fields>();
        for (const item of items) {
          const ref = item.reference_id;
          const fields = fieldsOf(item);
          if (!existing.has(ref) && !inserts.has(ref)) {
            inserts.set(ref, fields);
            result.newItems += 1;
          } else if (item.update ?? options.update) {
            if (inserts.has(ref)) inserts.set(ref, fields);
            else replaces.set(ref, fields);
            result.updatedItems += 1;
          } else {
            result.ignoredItems += 1;
          }
        }
        if (inserts.size > 0) {
          const refs = [...inserts.keys()];
          const rows = refs.map((ref) => [newId("item"), ref, ...(inserts.get(ref) as Fields)]);
          const inserted = await db.query<{ reference_id: string; seq: number; metadata: JsonObject }>(
            `INSERT INTO items (id, dataset_id, reference_id, image_url, media_key, metadata, width, height, embedding_info)
             SELECT u.id, $1, u.ref, u.url, u.media, u.metadata::json, u.width, u.height, u.embedding::json
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::text[])
               WITH ORDINALITY AS u(id, ref, url, media, metadata, width, height, embedding, position)
             ORDER BY u.position
             ON CONFLICT (dataset_id, reference_id) DO NOTHING
             RETURNING reference_id, seq, metadata`,
            [datasetId, ...columnsOf(rows, 8)],
          );
          await facts.addItems(
            datasetId,
            inserted.map((row) => ({ seq: row.seq, metadata: row.metadata })),
          );
          // Another server inserted some of them since they were looked up: those now exist.
          if (inserted.length < refs.length) {
            const landed = new Set(inserted.map((row) => row.reference_id));
            for (const ref of refs) {
              if (landed.has(ref)) continue;
              result.newItems -= 1;
              const item = items.find((candidate) => candidate.reference_id === ref) as NewItem;
              if (item.update ?? options.update) {
                replaces.set(ref, inserts.get(ref) as Fields);
                result.updatedItems += 1;
              } else {
                result.ignoredItems += 1;
              }
            }
          }
        }
        if (replaces.size > 0) {
          const rows = [...replaces].map(([ref, fields]) => [ref, ...fields]);
          const replaced = await db.query<{ seq: number; metadata: JsonObject }>(
            `UPDATE items SET image_url = u.url, media_key = u.media, metadata = u.metadata::json,
               width = u.width, height = u.height, embedding_info = u.embedding::json
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[])
               AS u(ref, url, media, metadata, width, height, embedding)
             WHERE items.dataset_id = $1 AND items.reference_id = u.ref
             RETURNING items.seq, items.metadata`,
            [datasetId, ...columnsOf(rows, 7)],
          );
          await facts.replaceMetadata(datasetId, replaced);
        }
        return result;
      },
      (result) => result.newItems + result.updatedItems > 0,
    );
  }

  get(datasetId: string, id: string): Promise<ItemRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<ItemRow>("SELECT * FROM items WHERE dataset_id = $1 AND id = $2", [
        datasetId,
        id,
      ]);
      return row && decodeItem(row);
    });
  }

  find(datasetId: string, query: ItemQuery): Promise<ItemRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] =
        "referenceId" in query
          ? await db.query<ItemRow>("SELECT * FROM items WHERE dataset_id = $1 AND reference_id = $2", [
              datasetId,
              query.referenceId,
            ])
          : await db.query<ItemRow>(
              "SELECT * FROM items WHERE dataset_id = $1 ORDER BY seq LIMIT 1 OFFSET $2",
              [datasetId, query.index],
            );
      return row && decodeItem(row);
    });
  }

  page(datasetId: string, request: PageRequest): Promise<Page<ItemRecord>> {
    return this.scope.read(async (db) => {
      const after = positionOf(request.cursor);
      const rows = await db.query<ItemRow>(
        "SELECT * FROM items WHERE dataset_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        [datasetId, after, fetchLimit(request)],
      );
      return pageOf(rows, request.limit, decodeItem);
    });
  }

  count(datasetId: string): Promise<number> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM items WHERE dataset_id = $1", [
        datasetId,
      ]);
      return row?.n ?? 0;
    });
  }

  delete(datasetId: string, referenceId: string): Promise<boolean> {
    return this.scope.write(
      async (db) => {
        const [deleted] = await db.query<{ seq: number }>(
          "DELETE FROM items WHERE dataset_id = $1 AND reference_id = $2 RETURNING seq",
          [datasetId, referenceId],
        );
        if (deleted) await new PgFacts(db).deleteItem(datasetId, deleted.seq);
        return deleted !== undefined;
      },
      (deleted) => deleted,
    );
  }

  mergeMetadata(datasetId: string, updates: readonly MetadataUpdate[]): Promise<string[]> {
    return this.scope.write(async (db) => {
      const refs = updates.map((update) => update.referenceId);
      const rows = await db.query<{ reference_id: string; metadata: Record<string, unknown> }>(
        "SELECT reference_id, metadata FROM items WHERE dataset_id = $1 AND reference_id = ANY($2::text[]) FOR UPDATE",
        [datasetId, [...new Set(refs)]],
      );
      const merged = new Map(rows.map((row) => [row.reference_id, row.metadata]));
      const missing: string[] = [];
      for (const update of updates) {
        const current = merged.get(update.referenceId);
        if (current === undefined) missing.push(update.referenceId);
        else merged.set(update.referenceId, { ...current, ...update.metadata });
      }
      if (rows.length > 0) {
        const changed = await db.query<{ seq: number; metadata: JsonObject }>(
          `UPDATE items SET metadata = u.metadata::json
             FROM unnest($2::text[], $3::text[]) AS u(ref, metadata)
             WHERE items.dataset_id = $1 AND items.reference_id = u.ref
             RETURNING items.seq, items.metadata`,
          [datasetId, [...merged.keys()], [...merged.values()].map((m) => JSON.stringify(m))],
        );
        const facts = new PgFacts(db);
        await facts.ensure(datasetId);
        await facts.replaceMetadata(datasetId, changed);
      }
      return missing;
    });
  }
}

import { newId } from "../../ids.js";
import type { Page, PageRequest, Tenant } from "../common.js";
import { type ItemRecord, itemColumns } from "../items.js";
import { unknownItem, unknownReference } from "../problems.js";
import type { SliceMembers, SliceRecord, SliceStore, SliceType } from "../slices.js";
import type { PgScope, Queryable } from "./connection.js";
import { decodeItem, type ItemRow, itemIdsOf } from "./items.js";
import { PgQueryStore } from "./queries.js";
import { fetchLimit, iso, now, pageOf, positionOf } from "./values.js";

interface SliceRow {
  id: string;
  tenant: Tenant;
  dataset_id: string;
  name: string;
  type: SliceType;
  description: string | null;
  tags: string[];
  created_at: Date;
  query: string | null;
  run_id: string | null;
  dynamic: boolean | null;
}

const COLUMNS = "id, tenant, dataset_id, name, type, description, tags, created_at";
/** A slice with the query it was made from, when it was. */
const SELECT = `SELECT s.id, s.tenant, s.dataset_id, s.name, s.type, s.description, s.tags, s.created_at,
  q.query, q.run_id, q.dynamic FROM slices s LEFT JOIN slice_queries q ON q.slice_id = s.id`;

function decode(row: SliceRow): SliceRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    datasetId: row.dataset_id,
    name: row.name,
    type: row.type,
    description: row.description,
    tags: row.tags,
    createdAt: iso(row.created_at),
    ...(row.query !== null
      ? { query: { text: row.query, runId: row.run_id, dynamic: row.dynamic === true } }
      : {}),
  };
}

/** Item ids of reference ids, in order; unknown ones are refused all together. */
async function itemsOfReferences(
  db: Queryable,
  datasetId: string,
  referenceIds: readonly string[],
): Promise<string[]> {
  const ids = await itemIdsOf(db, datasetId, referenceIds);
  const missing = referenceIds.filter((ref) => !ids.has(ref));
  if (missing.length > 0) throw unknownReference(datasetId, missing);
  return referenceIds.map((ref) => ids.get(ref) as string);
}

/** Item ids that all exist in the dataset; unknown ones are refused all together. */
async function knownItems(db: Queryable, datasetId: string, itemIds: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    "SELECT id FROM items WHERE dataset_id = $1 AND id = ANY($2::text[])",
    [datasetId, [...new Set(itemIds)]],
  );
  const known = new Set(rows.map((row) => row.id));
  const missing = itemIds.filter((id) => !known.has(id));
  if (missing.length > 0) throw unknownItem(datasetId, missing);
  return [...itemIds];
}

/**
 * Adds items at the end of a slice; items already in it are left alone. Returns the ids added.
 * The slice's row is locked first, so two servers appending at once take turns on its order.
 */
async function addItems(db: Queryable, sliceId: string, itemIds: readonly string[]): Promise<Set<string>> {
  if (itemIds.length === 0) return new Set();
  await db.query("SELECT 1 FROM slices WHERE id = $1 FOR UPDATE", [sliceId]);
  const rows = await db.query<{ item_id: string }>(
    `INSERT INTO slice_items (slice_id, item_id, seq)
     SELECT $1, u.item_id, (SELECT COALESCE(MAX(seq), 0) FROM slice_items WHERE slice_id = $1) + u.position
     FROM unnest($2::text[]) WITH ORDINALITY AS u(item_id, position)
     ORDER BY u.position
     ON CONFLICT DO NOTHING
     RETURNING item_id`,
    [sliceId, itemIds],
  );
  return new Set(rows.map((row) => row.item_id));
}

/** Slices on PostgreSQL: creation order by `seq`, each slice's items by `slice_items.seq`. */
export class PgSliceStore implements SliceStore {
  constructor(private readonly scope: PgScope) {}

  create(
    tenant: Tenant,
    input: {
      datasetId: string;
      name: string;
      members: SliceMembers;
      query?: { text: string; runId: string | null } | undefined;
      type?: SliceType | undefined;
    },
  ): Promise<SliceRecord> {
    const record: SliceRecord = {
      id: newId("slice"),
      tenant,
      datasetId: input.datasetId,
      name: input.name,
      type: input.type ?? "dataset_item",
      description: null,
      tags: [],
      createdAt: now(),
    };
    return this.scope.write(async (db) => {
      const itemIds =
        "referenceIds" in input.members
          ? await itemsOfReferences(db, input.datasetId, input.members.referenceIds)
          : await knownItems(db, input.datasetId, input.members.itemIds);
      await db.query(`INSERT INTO slices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        record.id,
        tenant,
        record.datasetId,
        record.name,
        record.type,
        record.description,
        JSON.stringify(record.tags),
        record.createdAt,
      ]);
      await addItems(db, record.id, itemIds);
      if (input.query) {
        await db.query(
          "INSERT INTO slice_queries (slice_id, query, run_id, dynamic) VALUES ($1, $2, $3, FALSE)",
          [record.id, input.query.text, input.query.runId],
        );
        record.query = { ...input.query, dynamic: false };
      }
      return record;
    });
  }

  append(slice: Pick<SliceRecord, "id" | "datasetId">, referenceIds: readonly string[]): Promise<string[]> {
    return this.scope.write(
      async (db) => {
        const itemIds = await itemsOfReferences(db, slice.datasetId, referenceIds);
        const added = await addItems(db, slice.id, itemIds);
        return [...new Set(referenceIds.filter((_, i) => added.has(itemIds[i] as string)))];
      },
      (added) => added.length > 0,
    );
  }

  get(tenant: Tenant, id: string): Promise<SliceRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<SliceRow>(`${SELECT} WHERE s.id = $1 AND s.tenant = $2`, [id, tenant]);
      return row && decode(row);
    });
  }

  list(tenant: Tenant, filter: { datasetId?: string } = {}): Promise<SliceRecord[]> {
    return this.scope.read(async (db) => {
      const rows =
        filter.datasetId === undefined
          ? await db.query<SliceRow>(`${SELECT} WHERE s.tenant = $1 ORDER BY s.seq`, [tenant])
          : await db.query<SliceRow>(`${SELECT} WHERE s.dataset_id = $1 AND s.tenant = $2 ORDER BY s.seq`, [
              filter.datasetId,
              tenant,
            ]);
      return rows.map(decode);
    });
  }

  async items(sliceId: string, request: PageRequest): Promise<Page<ItemRecord>> {
    const [dynamic] = await this.scope.read((db) =>
      db.query<{ dataset_id: string; query: string; run_id: string | null }>(
        `SELECT s.dataset_id, q.query, q.run_id FROM slice_queries q JOIN slices s ON s.id = q.slice_id
         WHERE q.slice_id = $1 AND q.dynamic`,
        [sliceId],
      ),
    );
    if (dynamic)
      return new PgQueryStore(this.scope).items(
        dynamic.dataset_id,
        { text: dynamic.query, runId: dynamic.run_id },
        request,
      );
    return this.scope.read(async (db) => {
      const after = positionOf(request.cursor);
      const rows = await db.query<ItemRow & { slice_seq: number }>(
        `SELECT ${itemColumns("items")}, slice_items.seq AS slice_seq
         FROM slice_items JOIN items ON items.id = slice_items.item_id
         WHERE slice_items.slice_id = $1 AND slice_items.seq > $2 ORDER BY slice_items.seq LIMIT $3`,
        [sliceId, after, fetchLimit(request)],
      );
      // The cursor is the position in the slice, not in the dataset.
      for (const row of rows) row.seq = row.slice_seq;
      return pageOf(rows, request.limit, decodeItem);
    });
  }

  async delete(tenant: Tenant, id: string): Promise<boolean> {
    const rows = await this.scope.mutate("DELETE FROM slices WHERE id = $1 AND tenant = $2 RETURNING id", [
      id,
      tenant,
    ]);
    return rows.length > 0;
  }
}

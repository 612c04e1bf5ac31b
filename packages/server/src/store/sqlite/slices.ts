import { newId } from "../../ids.js";
import type { Page, PageRequest, Tenant } from "../common.js";
import { type ItemRecord, itemColumns } from "../items.js";
import { unknownItem, unknownReference } from "../problems.js";
import type { SliceMembers, SliceRecord, SliceStore, SliceType } from "../slices.js";
import type { SqliteScope } from "./connection.js";
import { fetchLimit, ITEM_COLUMN_COUNT, pageOfRawItems, positionOf, type RawItemRow } from "./items.js";
import { SqliteQueryStore } from "./queries.js";
import { nextSeq, now } from "./values.js";

interface SliceRow {
  id: string;
  tenant: Tenant;
  dataset_id: string;
  name: string;
  type: SliceType;
  description: string | null;
  tags: string;
  created_at: string;
  query: string | null;
  run_id: string | null;
  dynamic: number | null;
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
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    ...(row.query !== null
      ? { query: { text: row.query, runId: row.run_id, dynamic: row.dynamic === 1 } }
      : {}),
  };
}

/** Slices on SQLite: creation order by `seq`, each slice's items by `slice_items.seq`. */
export class SqliteSliceStore implements SliceStore {
  /**
   * `queryScope` runs the items of dynamic slices (a query, whose reads may first build the
   * dataset's query facts, a write): the listing connection, read-only, leaves them to the main one.
   */
  constructor(
    private readonly scope: SqliteScope,
    private readonly queryScope: SqliteScope = scope,
  ) {}

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
    return this.scope.write(() => {
      const itemIds =
        "referenceIds" in input.members
          ? this.itemsOfReferences(input.datasetId, input.members.referenceIds)
          : this.knownItems(input.datasetId, input.members.itemIds);
      this.scope
        .sql(`INSERT INTO slices (${COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${nextSeq("slices")})`)
        .run(
          record.id,
          tenant,
          record.datasetId,
          record.name,
          record.type,
          record.description,
          JSON.stringify(record.tags),
          record.createdAt,
        );
      this.addItems(record.id, itemIds);
      if (input.query) {
        this.scope
          .sql("INSERT INTO slice_queries (slice_id, query, run_id, dynamic) VALUES (?, ?, ?, 0)")
          .run(record.id, input.query.text, input.query.runId);
        record.query = { ...input.query, dynamic: false };
      }
      return record;
    });
  }

  append(slice: Pick<SliceRecord, "id" | "datasetId">, referenceIds: readonly string[]): Promise<string[]> {
    return this.scope.write(() => {
      const itemIds = this.itemsOfReferences(slice.datasetId, referenceIds);
      const added = new Set(this.addItems(slice.id, itemIds));
      return [...new Set(referenceIds.filter((_, i) => added.has(itemIds[i] as string)))];
    });
  }

  get(tenant: Tenant, id: string): Promise<SliceRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope.sql(`${SELECT} WHERE s.id = ? AND s.tenant = ?`).get(id, tenant) as
        | SliceRow
        | undefined;
      return row && decode(row);
    });
  }

  list(tenant: Tenant, filter: { datasetId?: string } = {}): Promise<SliceRecord[]> {
    return this.scope.read(() => {
      const rows =
        filter.datasetId === undefined
          ? this.scope.sql(`${SELECT} WHERE s.tenant = ? ORDER BY s.seq`).all(tenant)
          : this.scope
              .sql(`${SELECT} WHERE s.dataset_id = ? AND s.tenant = ? ORDER BY s.seq`)
              .all(filter.datasetId, tenant);
      return (rows as SliceRow[]).map(decode);
    });
  }

  async items(sliceId: string, request: PageRequest): Promise<Page<ItemRecord>> {
    const dynamic = await this.scope.read(
      () =>
        this.scope
          .sql(
            `SELECT s.dataset_id, q.query, q.run_id FROM slice_queries q JOIN slices s ON s.id = q.slice_id
             WHERE q.slice_id = ? AND q.dynamic = 1`,
          )
          .get(sliceId) as { dataset_id: string; query: string; run_id: string | null } | undefined,
    );
    if (dynamic)
      return new SqliteQueryStore(this.queryScope).items(
        dynamic.dataset_id,
        { text: dynamic.query, runId: dynamic.run_id },
        request,
      );
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT ${itemColumns("items")}, slice_items.seq AS slice_seq
           FROM slice_items JOIN items ON items.id = slice_items.item_id
           WHERE slice_items.slice_id = ? AND slice_items.seq > ? ORDER BY slice_items.seq LIMIT ?`,
        )
        .raw(true)
        .all(sliceId, positionOf(request.cursor), fetchLimit(request)) as RawItemRow[];
      // The cursor is the position in the slice (the column after the item's), not in the dataset.
      return pageOfRawItems(rows, request.limit, ITEM_COLUMN_COUNT);
    });
  }

  delete(tenant: Tenant, id: string): Promise<boolean> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM slices WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  /** Item ids of reference ids, in order; unknown ones are refused all together. */
  private itemsOfReferences(datasetId: string, referenceIds: readonly string[]): string[] {
    const find = this.scope.sql("SELECT id FROM items WHERE dataset_id = ? AND reference_id = ?");
    const missing: string[] = [];
    const ids = referenceIds.map((ref) => {
      const item = find.get(datasetId, ref) as { id: string } | undefined;
      if (!item) missing.push(ref);
      return item?.id ?? "";
    });
    if (missing.length > 0) throw unknownReference(datasetId, missing);
    return ids;
  }

  /** Item ids that all exist in the dataset; unknown ones are refused all together. */
  private knownItems(datasetId: string, itemIds: readonly string[]): string[] {
    const find = this.scope.sql("SELECT 1 FROM items WHERE dataset_id = ? AND id = ?");
    const missing = itemIds.filter((id) => find.get(datasetId, id) === undefined);
    if (missing.length > 0) throw unknownItem(datasetId, missing);
    return [...itemIds];
  }

  /** Adds items at the end of a slice; items already in it are left alone. Returns the ids added. */
  private addItems(sliceId: string, itemIds: readonly string[]): string[] {
    const { next } = this.scope
      .sql("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM slice_items WHERE slice_id = ?")
      .get(sliceId) as { next: number };
    const insert = this.scope.sql(
      "INSERT INTO slice_items (slice_id, item_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    const added: string[] = [];
    let seq = next;
    for (const itemId of itemIds) {
      if (insert.run(sliceId, itemId, seq).changes > 0) {
        added.push(itemId);
        seq += 1;
      }
    }
    return added;
  }
}

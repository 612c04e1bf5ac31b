import type { JsonObject } from "@nucleus/schemas";
import { newId } from "../../ids.js";
import { POSTGRES } from "../../query/dialect.js";
import type { Tenant } from "../common.js";
import type { CurationStore, NewReview, ReviewRecord, ReviewStatus, SliceQueryRecord } from "../curation.js";
import { unknownItem } from "../problems.js";
import { checkItemQuery, sliceItemsStatement } from "../query-sql.js";
import type { SliceRecord } from "../slices.js";
import type { PgScope, Queryable } from "./connection.js";
import { PgFacts } from "./facts.js";
import { pgQueryDataset } from "./queries.js";
import { iso, now } from "./values.js";

interface ReviewRow {
  item_id: string;
  reference_id: string;
  annotation_id: string | null;
  status: ReviewStatus;
  reviewer: string | null;
  comment: string | null;
  created_at: string | Date;
}

const decodeReview = (row: ReviewRow): ReviewRecord => ({
  itemId: row.item_id,
  referenceId: row.reference_id,
  annotationId: row.annotation_id,
  status: row.status,
  reviewer: row.reviewer,
  comment: row.comment,
  createdAt: iso(row.created_at),
});

/** Item positions of item ids; unknown ids are refused all together. */
async function seqsOf(
  db: Queryable,
  datasetId: string,
  itemIds: readonly string[],
): Promise<Map<string, number>> {
  const unique = [...new Set(itemIds)];
  const rows = await db.query<{ id: string; seq: number }>(
    "SELECT id, seq FROM items WHERE dataset_id = $1 AND id = ANY($2::text[])",
    [datasetId, unique],
  );
  const seqs = new Map(rows.map((row) => [row.id, row.seq]));
  const missing = unique.filter((id) => !seqs.has(id));
  if (missing.length > 0) throw unknownItem(datasetId, missing);
  return seqs;
}

/** Tags, reviews and query slices on PostgreSQL. */
export class PgCurationStore implements CurationStore {
  constructor(private readonly scope: PgScope) {}

  tag(
    datasetId: string,
    itemIds: readonly string[],
    change: { add?: readonly string[]; remove?: readonly string[] },
  ): Promise<number> {
    return this.scope.write(async (db) => {
      const facts = new PgFacts(db);
      const key = await facts.ensure(datasetId);
      if (key === undefined) return 0;
      const seqs = [...new Set((await seqsOf(db, datasetId, itemIds)).values())];
      let changed = 0;
      const add = [...new Set(change.add ?? [])];
      const remove = [...new Set(change.remove ?? [])];
      if (add.length > 0) {
        const [row] = await db.query<{ n: number }>(
          `WITH added AS (
             INSERT INTO item_tags (item_seq, tag, dataset_key, created_at)
             SELECT s, t, $3, $4 FROM unnest($1::bigint[]) AS s, unnest($2::text[]) AS t
             ON CONFLICT DO NOTHING RETURNING 1)
           SELECT COUNT(*) AS n FROM added`,
          [seqs, add, key, now()],
        );
        changed += row?.n ?? 0;
      }
      if (remove.length > 0) {
        const [row] = await db.query<{ n: number }>(
          `WITH removed AS (
             DELETE FROM item_tags WHERE item_seq = ANY($1::bigint[]) AND tag = ANY($2::text[]) RETURNING 1)
           SELECT COUNT(*) AS n FROM removed`,
          [seqs, remove],
        );
        changed += row?.n ?? 0;
      }
      await facts.touch(key);
      return changed;
    });
  }

  tagsOf(datasetId: string, itemIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ item_id: string; tag: string }>(
        `SELECT i.id AS item_id, t.tag FROM items i JOIN item_tags t ON t.item_seq = i.seq
         WHERE i.dataset_id = $1 AND i.id = ANY($2::text[]) ORDER BY i.seq, t.tag`,
        [datasetId, [...itemIds]],
      );
      const tags = new Map<string, string[]>();
      for (const row of rows) {
        const list = tags.get(row.item_id);
        if (list) list.push(row.tag);
        else tags.set(row.item_id, [row.tag]);
      }
      return tags;
    });
  }

  tags(datasetId: string): Promise<{ tag: string; count: number }[]> {
    return this.scope.read(async (db) => {
      const key = await new PgFacts(db).keyOf(datasetId);
      if (key === undefined) return [];
      return (
        await db.query<{ tag: string; n: number }>(
          "SELECT tag, COUNT(*) AS n FROM item_tags WHERE dataset_key = $1 GROUP BY tag ORDER BY n DESC, tag",
          [key],
        )
      ).map((row) => ({ tag: row.tag, count: row.n }));
    });
  }

  review(datasetId: string, reviews: readonly NewReview[]): Promise<ReviewRecord[]> {
    return this.scope.write(async (db) => {
      const facts = new PgFacts(db);
      const key = await facts.ensure(datasetId);
      const seqs = await seqsOf(
        db,
        datasetId,
        reviews.map((r) => r.itemId),
      );
      const records: ReviewRecord[] = [];
      const merged = new Map<number, JsonObject>();
      for (const review of reviews) {
        const seq = seqs.get(review.itemId) as number;
        const at = review.createdAt ?? now();
        await db.query(
          `INSERT INTO reviews (dataset_id, item_seq, annotation_id, status, reviewer, comment, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            datasetId,
            seq,
            review.annotationId ?? null,
            review.status,
            review.reviewer ?? null,
            review.comment ?? null,
            at,
          ],
        );
        const [item] = await db.query<{ reference_id: string; metadata: JsonObject }>(
          "SELECT reference_id, metadata FROM items WHERE seq = $1 FOR UPDATE",
          [seq],
        );
        if (!review.annotationId && item) {
          // As Nucleus's own review does: the item's status is a metadata value too.
          const metadata = { ...item.metadata, review_status: review.status };
          await db.query("UPDATE items SET metadata = $1::json WHERE seq = $2", [
            JSON.stringify(metadata),
            seq,
          ]);
          merged.set(seq, metadata);
        }
        records.push({
          itemId: review.itemId,
          referenceId: item?.reference_id ?? "",
          annotationId: review.annotationId ?? null,
          status: review.status,
          reviewer: review.reviewer ?? null,
          comment: review.comment ?? null,
          createdAt: at,
        });
      }
      await facts.replaceMetadata(
        datasetId,
        [...merged].map(([seq, metadata]) => ({ seq, metadata })),
      );
      if (key !== undefined) await facts.touch(key);
      return records;
    });
  }

  reviewsOf(datasetId: string, itemIds: readonly string[]): Promise<ReviewRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<ReviewRow>(
          `SELECT i.id AS item_id, i.reference_id, r.annotation_id, r.status, r.reviewer, r.comment, r.created_at
           FROM items i JOIN reviews r ON r.item_seq = i.seq
           WHERE i.dataset_id = $1 AND i.id = ANY($2::text[]) ORDER BY r.seq`,
          [datasetId, [...itemIds]],
        )
      ).map(decodeReview),
    );
  }

  createQuerySlice(
    tenant: Tenant,
    input: { datasetId: string; name: string; query: SliceQueryRecord },
  ): Promise<SliceRecord> {
    const record: SliceRecord = {
      id: newId("slice"),
      tenant,
      datasetId: input.datasetId,
      name: input.name,
      type: "dataset_item",
      description: null,
      tags: [],
      createdAt: now(),
    };
    return this.scope.write(async (db) => {
      const facts = new PgFacts(db);
      const key = await facts.ensure(input.datasetId);
      if (key === undefined) throw new Error(`dataset ${input.datasetId} has no facts`);
      const dataset = await pgQueryDataset(facts, key, input.datasetId);
      // Checked before anything is written: a bad query creates no slice.
      const query = { text: input.query.query, runId: input.query.runId };
      checkItemQuery(dataset, query.text);
      const fill = sliceItemsStatement(dataset, POSTGRES, record.id, query);
      await db.query(
        `INSERT INTO slices (id, tenant, dataset_id, name, type, description, tags, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [record.id, tenant, record.datasetId, record.name, record.type, null, "[]", record.createdAt],
      );
      await db.query("INSERT INTO slice_queries (slice_id, query, run_id, dynamic) VALUES ($1, $2, $3, $4)", [
        record.id,
        input.query.query,
        input.query.runId,
        input.query.dynamic,
      ]);
      if (!input.query.dynamic) await db.query(fill.text, fill.values);
      return record;
    });
  }

  sliceQuery(sliceId: string): Promise<SliceQueryRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<{ query: string; run_id: string | null; dynamic: boolean }>(
        "SELECT query, run_id, dynamic FROM slice_queries WHERE slice_id = $1",
        [sliceId],
      );
      return row && { query: row.query, runId: row.run_id, dynamic: row.dynamic };
    });
  }
}

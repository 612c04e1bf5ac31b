import type { JsonObject } from "@nucleus/schemas";
import { newId } from "../../ids.js";
import { SQLITE } from "../../query/dialect.js";
import type { Tenant } from "../common.js";
import type { CurationStore, NewReview, ReviewRecord, ReviewStatus, SliceQueryRecord } from "../curation.js";
import { unknownItem } from "../problems.js";
import { checkItemQuery, sliceItemsStatement } from "../query-sql.js";
import type { SliceRecord } from "../slices.js";
import type { SqliteScope } from "./connection.js";
import { SqliteFacts } from "./facts.js";
import { queryDataset } from "./query-context.js";
import { nextSeq, now } from "./values.js";

interface ReviewRow {
  item_id: string;
  reference_id: string;
  annotation_id: string | null;
  status: ReviewStatus;
  reviewer: string | null;
  comment: string | null;
  created_at: string;
}

const decodeReview = (row: ReviewRow): ReviewRecord => ({
  itemId: row.item_id,
  referenceId: row.reference_id,
  annotationId: row.annotation_id,
  status: row.status,
  reviewer: row.reviewer,
  comment: row.comment,
  createdAt: row.created_at,
});

// SQLite limits bound parameters; 500 per statement is far below it.
const IN_CHUNK = 500;

/** Tags, reviews and query slices on SQLite. */
export class SqliteCurationStore implements CurationStore {
  constructor(private readonly scope: SqliteScope) {}

  /** Item positions of item ids; unknown ids are refused all together. */
  private seqsOf(datasetId: string, itemIds: readonly string[]): Map<string, number> {
    const find = this.scope.sql("SELECT seq FROM items WHERE dataset_id = ? AND id = ?");
    const seqs = new Map<string, number>();
    const missing: string[] = [];
    for (const id of itemIds) {
      const row = find.get(datasetId, id) as { seq: number } | undefined;
      if (row) seqs.set(id, row.seq);
      else missing.push(id);
    }
    if (missing.length > 0) throw unknownItem(datasetId, [...new Set(missing)]);
    return seqs;
  }

  tag(
    datasetId: string,
    itemIds: readonly string[],
    change: { add?: readonly string[]; remove?: readonly string[] },
  ): Promise<number> {
    return this.scope.write(() => {
      const facts = new SqliteFacts(this.scope);
      const key = facts.ensure(datasetId);
      if (key === undefined) return 0;
      const seqs = this.seqsOf(datasetId, itemIds);
      const add = this.scope.sql(
        "INSERT INTO item_tags (item_seq, tag, dataset_key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      );
      const remove = this.scope.sql("DELETE FROM item_tags WHERE item_seq = ? AND tag = ?");
      const at = now();
      let changed = 0;
      for (const seq of new Set(seqs.values())) {
        for (const tag of new Set(change.add ?? [])) changed += add.run(seq, tag, key, at).changes;
        for (const tag of new Set(change.remove ?? [])) changed += remove.run(seq, tag).changes;
      }
      facts.touch(key);
      return changed;
    });
  }

  // By item id here and in reviewsOf: `+` keeps the planner off the dataset's index, which it
  // would otherwise scan whole for each chunk of ids.
  tagsOf(datasetId: string, itemIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.scope.read(() => {
      const tags = new Map<string, string[]>();
      for (let i = 0; i < itemIds.length; i += IN_CHUNK) {
        const chunk = itemIds.slice(i, i + IN_CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT i.id AS item_id, t.tag FROM items i JOIN item_tags t ON t.item_seq = i.seq
             WHERE +i.dataset_id = ? AND i.id IN (${chunk.map(() => "?").join(", ")}) ORDER BY i.seq, t.tag`,
          )
          .all(datasetId, ...chunk) as { item_id: string; tag: string }[];
        for (const row of rows) {
          const list = tags.get(row.item_id);
          if (list) list.push(row.tag);
          else tags.set(row.item_id, [row.tag]);
        }
      }
      return tags;
    });
  }

  tags(datasetId: string): Promise<{ tag: string; count: number }[]> {
    return this.scope.read(() => {
      const key = new SqliteFacts(this.scope).keyOf(datasetId);
      if (key === undefined) return [];
      return (
        this.scope
          .sql(
            "SELECT tag, COUNT(*) AS n FROM item_tags WHERE dataset_key = ? GROUP BY tag ORDER BY n DESC, tag",
          )
          .all(key) as { tag: string; n: number }[]
      ).map((row) => ({ tag: row.tag, count: row.n }));
    });
  }

  review(datasetId: string, reviews: readonly NewReview[]): Promise<ReviewRecord[]> {
    return this.scope.write(() => {
      const facts = new SqliteFacts(this.scope);
      const key = facts.ensure(datasetId);
      const seqs = this.seqsOf(
        datasetId,
        reviews.map((r) => r.itemId),
      );
      const insert = this.scope.sql(
        `INSERT INTO reviews (dataset_id, item_seq, annotation_id, status, reviewer, comment, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      const item = this.scope.sql("SELECT reference_id, metadata FROM items WHERE seq = ?");
      const setMetadata = this.scope.sql("UPDATE items SET metadata = ? WHERE seq = ?");
      const records: ReviewRecord[] = [];
      const merged: { seq: number; metadata: JsonObject }[] = [];
      for (const review of reviews) {
        const seq = seqs.get(review.itemId) as number;
        const at = review.createdAt ?? now();
        insert.run(
          datasetId,
          seq,
          review.annotationId ?? null,
          review.status,
          review.reviewer ?? null,
          review.comment ?? null,
          at,
        );
        const row = item.get(seq) as { reference_id: string; metadata: string };
        if (!review.annotationId) {
          // As Nucleus's own review does: the item's status is a metadata value too.
          const metadata = { ...(JSON.parse(row.metadata) as JsonObject), review_status: review.status };
          setMetadata.run(JSON.stringify(metadata), seq);
          merged.push({ seq, metadata });
        }
        records.push({
          itemId: review.itemId,
          referenceId: row.reference_id,
          annotationId: review.annotationId ?? null,
          status: review.status,
          reviewer: review.reviewer ?? null,
          comment: review.comment ?? null,
          createdAt: at,
        });
      }
      facts.replaceMetadata(datasetId, merged);
      if (key !== undefined) facts.touch(key);
      return records;
    });
  }

  reviewsOf(datasetId: string, itemIds: readonly string[]): Promise<ReviewRecord[]> {
    return this.scope.read(() => {
      const records: ReviewRecord[] = [];
      for (let i = 0; i < itemIds.length; i += IN_CHUNK) {
        const chunk = itemIds.slice(i, i + IN_CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT i.id AS item_id, i.reference_id, r.annotation_id, r.status, r.reviewer, r.comment, r.created_at
             FROM items i JOIN reviews r ON r.item_seq = i.seq
             WHERE +i.dataset_id = ? AND i.id IN (${chunk.map(() => "?").join(", ")}) ORDER BY r.seq`,
          )
          .all(datasetId, ...chunk) as ReviewRow[];
        for (const row of rows) records.push(decodeReview(row));
      }
      return records;
    });
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
    return this.scope.write(() => {
      const facts = new SqliteFacts(this.scope);
      const key = facts.ensure(input.datasetId);
      if (key === undefined) throw new Error(`dataset ${input.datasetId} has no facts`);
      const dataset = queryDataset(facts, key, input.datasetId);
      // Checked before anything is written: a bad query creates no slice.
      const query = { text: input.query.query, runId: input.query.runId };
      const fill = sliceItemsStatement(dataset, SQLITE, record.id, query);
      checkItemQuery(dataset, query.text);
      this.scope
        .sql(
          `INSERT INTO slices (id, tenant, dataset_id, name, type, description, tags, created_at, seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${nextSeq("slices")})`,
        )
        .run(record.id, tenant, record.datasetId, record.name, record.type, null, "[]", record.createdAt);
      this.scope
        .sql("INSERT INTO slice_queries (slice_id, query, run_id, dynamic) VALUES (?, ?, ?, ?)")
        .run(record.id, input.query.query, input.query.runId, input.query.dynamic ? 1 : 0);
      if (!input.query.dynamic) this.scope.prepare(fill.text).run(...fill.values);
      return record;
    });
  }

  sliceQuery(sliceId: string): Promise<SliceQueryRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql("SELECT query, run_id, dynamic FROM slice_queries WHERE slice_id = ?")
        .get(sliceId) as { query: string; run_id: string | null; dynamic: number } | undefined;
      return row && { query: row.query, runId: row.run_id, dynamic: row.dynamic === 1 };
    });
  }
}

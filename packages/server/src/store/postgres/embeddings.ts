import type { Page, PageRequest } from "../common.js";
import {
  type EmbeddingRecord,
  type EmbeddingStore,
  type ItemVector,
  type KeyedItem,
  type KeyedVector,
  type NewEmbedding,
  vectorBytes,
  vectorOf,
} from "../embeddings.js";
import type { PgScope } from "./connection.js";

const DEFAULT_PAGE = 1_000;

interface Row {
  item_id: string;
  reference_id: string;
  vector: Buffer;
}

const recordOf = (row: Row): EmbeddingRecord => ({
  itemId: row.item_id,
  referenceId: row.reference_id,
  vector: vectorOf(row.vector),
});

/** Item embeddings on PostgreSQL: one bytea of float32 per item. */
export class PgEmbeddingStore implements EmbeddingStore {
  constructor(private readonly scope: PgScope) {}

  dimension(datasetId: string): Promise<number | null> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ dimension: number }>(
        "SELECT dimension FROM item_embeddings WHERE dataset_id = $1 LIMIT 1",
        [datasetId],
      );
      return rows[0]?.dimension ?? null;
    });
  }

  count(datasetId: string): Promise<number> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM item_embeddings WHERE dataset_id = $1",
        [datasetId],
      );
      return Number(rows[0]?.n ?? 0);
    });
  }

  put(datasetId: string, embeddings: readonly NewEmbedding[]): Promise<number> {
    if (embeddings.length === 0) return Promise.resolve(0);
    return this.scope.write(
      async (db) => {
        // The row lock on the dataset's key counter is held until commit: transactions commit in
        // key order, so an index reading past its last key misses none.
        const reserved = await db.query<{ base: string }>(
          `INSERT INTO embedding_keys (dataset_id, last_key) VALUES ($1, $2)
           ON CONFLICT (dataset_id) DO UPDATE SET last_key = embedding_keys.last_key + excluded.last_key
           RETURNING last_key - $2 AS base`,
          [datasetId, embeddings.length],
        );
        const rows = await db.query<{ item_seq: string }>(
          `INSERT INTO item_embeddings (item_seq, dataset_id, dimension, vector, ann_key)
           SELECT i.seq, i.dataset_id, e.dimension, e.vector, $5::bigint + e.n
           FROM unnest($1::text[], $2::int[], $3::bytea[]) WITH ORDINALITY AS e(item_id, dimension, vector, n)
           JOIN items i ON i.id = e.item_id AND i.dataset_id = $4
           ON CONFLICT (item_seq) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector,
             ann_key = excluded.ann_key, uniqueness = NULL, representativeness = NULL
           RETURNING item_seq`,
          [
            embeddings.map((e) => e.itemId),
            embeddings.map((e) => e.vector.length),
            embeddings.map((e) => vectorBytes(e.vector)),
            datasetId,
            reserved[0]?.base ?? "0",
          ],
        );
        return rows.length;
      },
      (stored) => stored > 0,
    );
  }

  itemIds(datasetId: string, referenceIds: readonly string[]): Promise<Map<string, string>> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ id: string; reference_id: string }>(
        "SELECT id, reference_id FROM items WHERE dataset_id = $1 AND reference_id = ANY($2::text[])",
        [datasetId, [...referenceIds]],
      );
      return new Map(rows.map((row) => [row.reference_id, row.id]));
    });
  }

  get(datasetId: string, itemIds: readonly string[]): Promise<Map<string, EmbeddingRecord>> {
    return this.scope.read(async (db) => {
      const rows = await db.query<Row>(
        `SELECT i.id AS item_id, i.reference_id, e.vector FROM items i JOIN item_embeddings e ON e.item_seq = i.seq
         WHERE i.dataset_id = $1 AND i.id = ANY($2::text[])`,
        [datasetId, [...itemIds]],
      );
      return new Map(rows.map((row) => [row.item_id, recordOf(row)]));
    });
  }

  page(datasetId: string, request: PageRequest): Promise<Page<ItemVector>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    // In index-key order: the one index of the table that has the dataset first.
    return this.scope.read(async (db) => {
      const rows = await db.query<{ ann_key: string; item_id: string; vector: Buffer }>(
        `SELECT e.ann_key, i.id AS item_id, e.vector FROM item_embeddings e JOIN items i ON i.seq = e.item_seq
         WHERE e.dataset_id = $1 AND e.ann_key > $2 ORDER BY e.ann_key LIMIT $3`,
        [datasetId, Number(request.cursor ?? 0), limit],
      );
      const last = rows[rows.length - 1];
      return {
        records: rows.map((row) => ({ itemId: row.item_id, vector: vectorOf(row.vector) })),
        nextCursor: rows.length === limit && last ? String(last.ann_key) : null,
      };
    });
  }

  lastKey(datasetId: string): Promise<number> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ last_key: string }>(
        "SELECT last_key FROM embedding_keys WHERE dataset_id = $1",
        [datasetId],
      );
      return Number(rows[0]?.last_key ?? 0);
    });
  }

  keyed(datasetId: string, after: number, limit: number): Promise<KeyedVector[]> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ ann_key: string; item_id: string; vector: Buffer }>(
        `SELECT e.ann_key, i.id AS item_id, e.vector FROM item_embeddings e JOIN items i ON i.seq = e.item_seq
         WHERE e.dataset_id = $1 AND e.ann_key > $2 ORDER BY e.ann_key LIMIT $3`,
        [datasetId, after, limit],
      );
      return rows.map((row) => ({
        key: Number(row.ann_key),
        itemId: row.item_id,
        vector: vectorOf(row.vector),
      }));
    });
  }

  byKeys(datasetId: string, keys: readonly number[]): Promise<Map<number, KeyedItem>> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ ann_key: string; item_id: string; reference_id: string }>(
        `SELECT e.ann_key, i.id AS item_id, i.reference_id FROM item_embeddings e JOIN items i ON i.seq = e.item_seq
         WHERE e.dataset_id = $1 AND e.ann_key = ANY($2::bigint[])`,
        [datasetId, [...keys]],
      );
      return new Map(
        rows.map((row) => [Number(row.ann_key), { itemId: row.item_id, referenceId: row.reference_id }]),
      );
    });
  }

  setUniqueness(datasetId: string, scores: readonly { key: number; score: number }[]): Promise<number> {
    return this.setScores("uniqueness", datasetId, scores);
  }

  setRepresentativeness(
    datasetId: string,
    scores: readonly { key: number; score: number }[],
  ): Promise<number> {
    return this.setScores("representativeness", datasetId, scores);
  }

  private async setScores(
    column: "uniqueness" | "representativeness",
    datasetId: string,
    scores: readonly { key: number; score: number }[],
  ): Promise<number> {
    if (scores.length === 0) return 0;
    const rows = await this.scope.mutate<{ item_seq: string }>(
      `UPDATE item_embeddings e SET ${column} = s.score
       FROM unnest($2::bigint[], $3::float8[]) AS s(key, score)
       WHERE e.dataset_id = $1 AND e.ann_key = s.key
       RETURNING e.item_seq`,
      [datasetId, scores.map((s) => s.key), scores.map((s) => s.score)],
    );
    return rows.length;
  }

  async delete(datasetId: string, itemIds?: readonly string[]): Promise<number> {
    const rows =
      itemIds === undefined
        ? await this.scope.mutate<{ item_seq: string }>(
            "DELETE FROM item_embeddings WHERE dataset_id = $1 RETURNING item_seq",
            [datasetId],
          )
        : await this.scope.mutate<{ item_seq: string }>(
            `DELETE FROM item_embeddings e USING items i
             WHERE i.seq = e.item_seq AND i.dataset_id = $1 AND i.id = ANY($2::text[]) RETURNING e.item_seq`,
            [datasetId, [...itemIds]],
          );
    return rows.length;
  }
}

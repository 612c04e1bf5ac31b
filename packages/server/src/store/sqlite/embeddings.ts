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
import type { SqliteScope } from "./connection.js";

/** Item ids per IN list. */
const CHUNK = 500;
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

/** Item embeddings on SQLite: one BLOB of float32 per item. */
export class SqliteEmbeddingStore implements EmbeddingStore {
  constructor(private readonly scope: SqliteScope) {}

  dimension(datasetId: string): Promise<number | null> {
    return this.scope.read(() => {
      const row = this.scope
        .sql("SELECT dimension FROM item_embeddings WHERE dataset_id = ? LIMIT 1")
        .get(datasetId) as { dimension: number } | undefined;
      return row?.dimension ?? null;
    });
  }

  count(datasetId: string): Promise<number> {
    return this.scope.read(
      () =>
        (
          (this.scope.sql("SELECT vectors AS n FROM embedding_counts WHERE dataset_id = ?").get(datasetId) as
            | { n: number }
            | undefined) ?? { n: 0 }
        ).n,
    );
  }

  put(datasetId: string, embeddings: readonly NewEmbedding[]): Promise<number> {
    const insert = this.scope.sql(
      `INSERT INTO item_embeddings (item_seq, dataset_id, dimension, vector, ann_key)
       SELECT seq, dataset_id, ?, ?, ? FROM items WHERE id = ? AND dataset_id = ?
       ON CONFLICT (item_seq) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector,
         ann_key = excluded.ann_key, uniqueness = NULL, representativeness = NULL`,
    );
    return this.scope.write(() => {
      if (embeddings.length === 0) return 0;
      // Keys are reserved for the whole batch; a vector the insert drops leaves a gap, which is harmless.
      const { last_key: last } = this.scope
        .sql(
          `INSERT INTO embedding_keys (dataset_id, last_key) VALUES (?, ?)
           ON CONFLICT (dataset_id) DO UPDATE SET last_key = last_key + excluded.last_key
           RETURNING last_key`,
        )
        .get(datasetId, embeddings.length) as { last_key: number };
      let key = last - embeddings.length;
      let stored = 0;
      for (const { itemId, vector } of embeddings) {
        key += 1;
        stored += insert.run(vector.length, vectorBytes(vector), key, itemId, datasetId).changes;
      }
      return stored;
    });
  }

  itemIds(datasetId: string, referenceIds: readonly string[]): Promise<Map<string, string>> {
    return this.scope.read(() => {
      const found = new Map<string, string>();
      for (let i = 0; i < referenceIds.length; i += CHUNK) {
        const chunk = referenceIds.slice(i, i + CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT id, reference_id FROM items WHERE dataset_id = ? AND reference_id IN (${chunk.map(() => "?").join(",")})`,
          )
          .all(datasetId, ...chunk) as { id: string; reference_id: string }[];
        for (const row of rows) found.set(row.reference_id, row.id);
      }
      return found;
    });
  }

  // Items are found by id (`+` keeps the planner off the dataset's index, which it would otherwise
  // scan whole for a long IN list), then checked against the dataset.
  get(datasetId: string, itemIds: readonly string[]): Promise<Map<string, EmbeddingRecord>> {
    return this.scope.read(() => {
      const found = new Map<string, EmbeddingRecord>();
      for (let i = 0; i < itemIds.length; i += CHUNK) {
        const chunk = itemIds.slice(i, i + CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT i.id AS item_id, i.reference_id, e.vector FROM items i JOIN item_embeddings e ON e.item_seq = i.seq
             WHERE +i.dataset_id = ? AND i.id IN (${chunk.map(() => "?").join(",")})`,
          )
          .all(datasetId, ...chunk) as Row[];
        for (const row of rows) found.set(row.item_id, recordOf(row));
      }
      return found;
    });
  }

  page(datasetId: string, request: PageRequest): Promise<Page<ItemVector>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    // In index-key order: the one index of the table that has the dataset first.
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT e.ann_key, i.id AS item_id, e.vector FROM item_embeddings e JOIN items i ON i.seq = e.item_seq
           WHERE e.dataset_id = ? AND e.ann_key > ? ORDER BY e.ann_key LIMIT ?`,
        )
        .all(datasetId, Number(request.cursor ?? 0), limit) as {
        ann_key: number;
        item_id: string;
        vector: Buffer;
      }[];
      const last = rows[rows.length - 1];
      return {
        records: rows.map((row) => ({ itemId: row.item_id, vector: vectorOf(row.vector) })),
        nextCursor: rows.length === limit && last ? String(last.ann_key) : null,
      };
    });
  }

  lastKey(datasetId: string): Promise<number> {
    return this.scope.read(() => {
      const row = this.scope.sql("SELECT last_key FROM embedding_keys WHERE dataset_id = ?").get(datasetId) as
        | { last_key: number }
        | undefined;
      return row?.last_key ?? 0;
    });
  }

  keyed(datasetId: string, after: number, limit: number): Promise<KeyedVector[]> {
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT e.ann_key, i.id AS item_id, e.vector FROM item_embeddings e JOIN items i ON i.seq = e.item_seq
           WHERE e.dataset_id = ? AND e.ann_key > ? ORDER BY e.ann_key LIMIT ?`,
        )
        .all(datasetId, after, limit) as { ann_key: number; item_id: string; vector: Buffer }[];
      return rows.map((row) => ({ key: row.ann_key, itemId: row.item_id, vector: vectorOf(row.vector) }));
    });
  }

  byKeys(datasetId: string, keys: readonly number[]): Promise<Map<number, KeyedItem>> {
    return this.scope.read(() => {
      const found = new Map<number, KeyedItem>();
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT e.ann_key, i.id AS item_id, i.reference_id FROM item_embeddings e JOIN items i ON i.seq = e.item_seq
             WHERE e.dataset_id = ? AND e.ann_key IN (${chunk.map(() => "?").join(",")})`,
          )
          .all(datasetId, ...chunk) as { ann_key: number; item_id: string; reference_id: string }[];
        for (const row of rows)
          found.set(row.ann_key, { itemId: row.item_id, referenceId: row.reference_id });
      }
      return found;
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

  private setScores(
    column: "uniqueness" | "representativeness",
    datasetId: string,
    scores: readonly { key: number; score: number }[],
  ): Promise<number> {
    const update = this.scope.sql(
      `UPDATE item_embeddings SET ${column} = ? WHERE dataset_id = ? AND ann_key = ?`,
    );
    return this.scope.write(() => {
      let stored = 0;
      for (const { key, score } of scores) stored += update.run(score, datasetId, key).changes;
      return stored;
    });
  }

  delete(datasetId: string, itemIds?: readonly string[]): Promise<number> {
    return this.scope.write(() => {
      if (itemIds === undefined)
        return this.scope.sql("DELETE FROM item_embeddings WHERE dataset_id = ?").run(datasetId).changes;
      let deleted = 0;
      for (let i = 0; i < itemIds.length; i += CHUNK) {
        const chunk = itemIds.slice(i, i + CHUNK);
        deleted += this.scope
          .prepare(
            `DELETE FROM item_embeddings WHERE item_seq IN
               (SELECT seq FROM items WHERE +dataset_id = ? AND id IN (${chunk.map(() => "?").join(",")}))`,
          )
          .run(datasetId, ...chunk).changes;
      }
      return deleted;
    });
  }
}

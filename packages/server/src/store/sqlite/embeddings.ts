import type { Page, PageRequest } from "../common.js";
import {
  type EmbeddingRecord,
  type EmbeddingStore,
  type ItemVector,
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
          this.scope.sql("SELECT count(*) AS n FROM item_embeddings WHERE dataset_id = ?").get(datasetId) as {
            n: number;
          }
        ).n,
    );
  }

  put(datasetId: string, embeddings: readonly NewEmbedding[]): Promise<number> {
    const insert = this.scope.sql(
      `INSERT INTO item_embeddings (item_id, dataset_id, dimension, vector)
       SELECT id, dataset_id, ?, ? FROM items WHERE id = ? AND dataset_id = ?
       ON CONFLICT (item_id) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector`,
    );
    return this.scope.write(() => {
      let stored = 0;
      for (const { itemId, vector } of embeddings)
        stored += insert.run(vector.length, vectorBytes(vector), itemId, datasetId).changes;
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

  get(datasetId: string, itemIds: readonly string[]): Promise<Map<string, EmbeddingRecord>> {
    return this.scope.read(() => {
      const found = new Map<string, EmbeddingRecord>();
      for (let i = 0; i < itemIds.length; i += CHUNK) {
        const chunk = itemIds.slice(i, i + CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT e.item_id, i.reference_id, e.vector FROM item_embeddings e JOIN items i ON i.id = e.item_id
             WHERE e.dataset_id = ? AND e.item_id IN (${chunk.map(() => "?").join(",")})`,
          )
          .all(datasetId, ...chunk) as Row[];
        for (const row of rows) found.set(row.item_id, recordOf(row));
      }
      return found;
    });
  }

  page(datasetId: string, request: PageRequest): Promise<Page<ItemVector>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT item_id, vector FROM item_embeddings
           WHERE dataset_id = ? AND item_id > ? ORDER BY item_id LIMIT ?`,
        )
        .all(datasetId, request.cursor ?? "", limit) as { item_id: string; vector: Buffer }[];
      const last = rows[rows.length - 1];
      return {
        records: rows.map((row) => ({ itemId: row.item_id, vector: vectorOf(row.vector) })),
        nextCursor: rows.length === limit && last ? last.item_id : null,
      };
    });
  }
}

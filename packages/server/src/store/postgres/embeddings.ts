import type { Page, PageRequest } from "../common.js";
import {
  type EmbeddingRecord,
  type EmbeddingStore,
  type ItemVector,
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

  async put(datasetId: string, embeddings: readonly NewEmbedding[]): Promise<number> {
    if (embeddings.length === 0) return 0;
    const rows = await this.scope.mutate<{ item_id: string }>(
      `INSERT INTO item_embeddings (item_id, dataset_id, dimension, vector)
       SELECT i.id, i.dataset_id, e.dimension, e.vector
       FROM unnest($1::text[], $2::int[], $3::bytea[]) AS e(item_id, dimension, vector)
       JOIN items i ON i.id = e.item_id AND i.dataset_id = $4
       ON CONFLICT (item_id) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector
       RETURNING item_id`,
      [
        embeddings.map((e) => e.itemId),
        embeddings.map((e) => e.vector.length),
        embeddings.map((e) => vectorBytes(e.vector)),
        datasetId,
      ],
    );
    return rows.length;
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
        `SELECT e.item_id, i.reference_id, e.vector FROM item_embeddings e JOIN items i ON i.id = e.item_id
         WHERE e.dataset_id = $1 AND e.item_id = ANY($2::text[])`,
        [datasetId, [...itemIds]],
      );
      return new Map(rows.map((row) => [row.item_id, recordOf(row)]));
    });
  }

  page(datasetId: string, request: PageRequest): Promise<Page<ItemVector>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    return this.scope.read(async (db) => {
      const rows = await db.query<{ item_id: string; vector: Buffer }>(
        `SELECT item_id, vector FROM item_embeddings
         WHERE dataset_id = $1 AND item_id > $2 ORDER BY item_id LIMIT $3`,
        [datasetId, request.cursor ?? "", limit],
      );
      const last = rows[rows.length - 1];
      return {
        records: rows.map((row) => ({ itemId: row.item_id, vector: vectorOf(row.vector) })),
        nextCursor: rows.length === limit && last ? last.item_id : null,
      };
    });
  }
}

import type {
  AutotagRecord,
  AutotagScore,
  AutotagStatus,
  AutotagStore,
  AutotagTraining,
} from "../autotags.js";
import type { Page, PageRequest } from "../common.js";
import { scoreCursor, scoreCursorOf } from "../sqlite/autotags.js";
import type { PgScope } from "./connection.js";

interface Row {
  id: string;
  dataset_id: string;
  name: string;
  status: string;
  training: AutotagTraining;
  generation: string | number;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

const recordOf = (row: Row): AutotagRecord => ({
  id: row.id,
  datasetId: row.dataset_id,
  name: row.name,
  status: row.status as AutotagStatus,
  training: row.training,
  generation: Number(row.generation),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const COLUMNS = "id, dataset_id, name, status, training, generation, created_at, updated_at";

/** Autotags on PostgreSQL. */
export class PgAutotagStore implements AutotagStore {
  constructor(private readonly scope: PgScope) {}

  async create(input: {
    id: string;
    datasetId: string;
    name: string;
    training: AutotagTraining;
  }): Promise<AutotagRecord | undefined> {
    const now = new Date().toISOString();
    const [row] = await this.scope.mutate<Row>(
      `INSERT INTO autotags (id, dataset_id, name, status, training, generation, created_at, updated_at)
       VALUES ($1, $2, $3, 'Running', $4, 0, $5, $5) ON CONFLICT (dataset_id, name) DO NOTHING RETURNING ${COLUMNS}`,
      [input.id, input.datasetId, input.name, JSON.stringify(input.training), now],
    );
    return row && recordOf(row);
  }

  get(id: string): Promise<AutotagRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM autotags WHERE id = $1`, [id]);
      return row && recordOf(row);
    });
  }

  byName(datasetId: string, name: string): Promise<AutotagRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<Row>(
        `SELECT ${COLUMNS} FROM autotags WHERE dataset_id = $1 AND name = $2`,
        [datasetId, name],
      );
      return row && recordOf(row);
    });
  }

  list(datasetId: string): Promise<AutotagRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<Row>(`SELECT ${COLUMNS} FROM autotags WHERE dataset_id = $1 ORDER BY seq`, [datasetId])
      ).map(recordOf),
    );
  }

  async update(
    id: string,
    fields: { status?: AutotagStatus; training?: AutotagTraining; nextGeneration?: boolean },
  ): Promise<AutotagRecord | undefined> {
    const [row] = await this.scope.mutate<Row>(
      `UPDATE autotags SET status = COALESCE($1, status), training = COALESCE($2::json, training),
         generation = generation + $3, updated_at = $4 WHERE id = $5 RETURNING ${COLUMNS}`,
      [
        fields.status ?? null,
        fields.training ? JSON.stringify(fields.training) : null,
        fields.nextGeneration ? 1 : 0,
        new Date().toISOString(),
        id,
      ],
    );
    return row && recordOf(row);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.scope.mutate("DELETE FROM autotags WHERE id = $1 RETURNING id", [id])).length > 0;
  }

  async putScores(
    id: string,
    generation: number,
    scores: readonly { itemId: string; score: number }[],
  ): Promise<void> {
    if (scores.length === 0) return;
    await this.scope.mutate(
      `INSERT INTO autotag_scores (autotag_id, item_id, generation, score)
       SELECT $1, i.id, $2, s.score FROM unnest($3::text[], $4::double precision[]) AS s(item_id, score)
       JOIN items i ON i.id = s.item_id
       ON CONFLICT (autotag_id, item_id) DO UPDATE SET generation = excluded.generation, score = excluded.score
       RETURNING item_id`,
      [id, generation, scores.map((s) => s.itemId), scores.map((s) => s.score)],
    );
  }

  async dropOlder(id: string, generation: number): Promise<number> {
    return (
      await this.scope.mutate(
        "DELETE FROM autotag_scores WHERE autotag_id = $1 AND generation < $2 RETURNING item_id",
        [id, generation],
      )
    ).length;
  }

  top(id: string, min: number, request: PageRequest): Promise<Page<AutotagScore>> {
    const limit = request.limit ?? 1_000;
    const [score, itemId] = request.cursor ? scoreCursor(request.cursor) : [Number.POSITIVE_INFINITY, ""];
    return this.scope.read(async (db) => {
      const rows = await db.query<{ item_id: string; reference_id: string; score: number }>(
        `SELECT s.item_id, i.reference_id, s.score FROM autotag_scores s JOIN items i ON i.id = s.item_id
         WHERE s.autotag_id = $1 AND s.score >= $2 AND (s.score < $3 OR (s.score = $3 AND s.item_id > $4))
         ORDER BY s.score DESC, s.item_id LIMIT $5`,
        [id, min, score, itemId, limit],
      );
      const last = rows[rows.length - 1];
      return {
        records: rows.map((r) => ({ itemId: r.item_id, referenceId: r.reference_id, score: r.score })),
        nextCursor: rows.length === limit && last ? scoreCursorOf(last.score, last.item_id) : null,
      };
    });
  }

  countAbove(id: string, min: number): Promise<number> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM autotag_scores WHERE autotag_id = $1 AND score >= $2",
        [id, min],
      );
      return Number(row?.n ?? 0);
    });
  }
}

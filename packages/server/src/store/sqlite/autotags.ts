import type {
  AutotagRecord,
  AutotagScore,
  AutotagStatus,
  AutotagStore,
  AutotagTraining,
} from "../autotags.js";
import type { Page, PageRequest } from "../common.js";
import { invalidCursor } from "../problems.js";
import type { SqliteScope } from "./connection.js";

interface Row {
  id: string;
  dataset_id: string;
  name: string;
  status: string;
  training: string;
  generation: number;
  created_at: string;
  updated_at: string;
}

const recordOf = (row: Row): AutotagRecord => ({
  id: row.id,
  datasetId: row.dataset_id,
  name: row.name,
  status: row.status as AutotagStatus,
  training: JSON.parse(row.training) as AutotagTraining,
  generation: row.generation,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** A position in a list ordered by score, highest first: the last score and item id read. */
export function scoreCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string")
      return [value[0], value[1]];
  } catch {
    // Not a cursor of this list: refused below.
  }
  throw invalidCursor(cursor);
}

/** The cursor after a score and item id. */
export function scoreCursorOf(score: number, itemId: string): string {
  return Buffer.from(JSON.stringify([score, itemId])).toString("base64url");
}

const COLUMNS = "id, dataset_id, name, status, training, generation, created_at, updated_at";

/** Autotags on SQLite. */
export class SqliteAutotagStore implements AutotagStore {
  constructor(private readonly scope: SqliteScope) {}

  create(input: {
    id: string;
    datasetId: string;
    name: string;
    training: AutotagTraining;
  }): Promise<AutotagRecord | undefined> {
    return this.scope.write(() => {
      const now = new Date().toISOString();
      const row = this.scope
        .sql(
          `INSERT INTO autotags (id, dataset_id, name, status, training, generation, created_at, updated_at)
           VALUES (?, ?, ?, 'Running', ?, 0, ?, ?) ON CONFLICT (dataset_id, name) DO NOTHING RETURNING ${COLUMNS}`,
        )
        .get(input.id, input.datasetId, input.name, JSON.stringify(input.training), now, now) as
        | Row
        | undefined;
      return row && recordOf(row);
    });
  }

  get(id: string): Promise<AutotagRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope.sql(`SELECT ${COLUMNS} FROM autotags WHERE id = ?`).get(id) as Row | undefined;
      return row && recordOf(row);
    });
  }

  byName(datasetId: string, name: string): Promise<AutotagRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${COLUMNS} FROM autotags WHERE dataset_id = ? AND name = ?`)
        .get(datasetId, name) as Row | undefined;
      return row && recordOf(row);
    });
  }

  list(datasetId: string): Promise<AutotagRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${COLUMNS} FROM autotags WHERE dataset_id = ? ORDER BY seq`)
          .all(datasetId) as Row[]
      ).map(recordOf),
    );
  }

  update(
    id: string,
    fields: { status?: AutotagStatus; training?: AutotagTraining; nextGeneration?: boolean },
  ): Promise<AutotagRecord | undefined> {
    return this.scope.write(() => {
      const row = this.scope
        .sql(
          `UPDATE autotags SET status = COALESCE(?, status), training = COALESCE(?, training),
             generation = generation + ?, updated_at = ? WHERE id = ? RETURNING ${COLUMNS}`,
        )
        .get(
          fields.status ?? null,
          fields.training ? JSON.stringify(fields.training) : null,
          fields.nextGeneration ? 1 : 0,
          new Date().toISOString(),
          id,
        ) as Row | undefined;
      return row && recordOf(row);
    });
  }

  delete(id: string): Promise<boolean> {
    return this.scope.write(() => {
      this.scope.sql("DELETE FROM autotag_scores WHERE autotag_id = ?").run(id);
      return this.scope.sql("DELETE FROM autotags WHERE id = ?").run(id).changes > 0;
    });
  }

  putScores(
    id: string,
    generation: number,
    scores: readonly { itemId: string; score: number }[],
  ): Promise<void> {
    const insert = this.scope.sql(
      `INSERT INTO autotag_scores (autotag_id, item_id, generation, score) SELECT ?, id, ?, ? FROM items WHERE id = ?
       ON CONFLICT (autotag_id, item_id) DO UPDATE SET generation = excluded.generation, score = excluded.score`,
    );
    return this.scope.write(() => {
      for (const { itemId, score } of scores) insert.run(id, generation, score, itemId);
    });
  }

  dropOlder(id: string, generation: number): Promise<number> {
    return this.scope.write(
      () =>
        this.scope
          .sql("DELETE FROM autotag_scores WHERE autotag_id = ? AND generation < ?")
          .run(id, generation).changes,
    );
  }

  top(id: string, min: number, request: PageRequest): Promise<Page<AutotagScore>> {
    const limit = request.limit ?? 1_000;
    const [score, itemId] = request.cursor ? scoreCursor(request.cursor) : [Number.POSITIVE_INFINITY, ""];
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT s.item_id, i.reference_id, s.score FROM autotag_scores s JOIN items i ON i.id = s.item_id
           WHERE s.autotag_id = ? AND s.score >= ? AND (s.score < ? OR (s.score = ? AND s.item_id > ?))
           ORDER BY s.score DESC, s.item_id LIMIT ?`,
        )
        .all(id, min, score, score, itemId, limit) as {
        item_id: string;
        reference_id: string;
        score: number;
      }[];
      const last = rows[rows.length - 1];
      return {
        records: rows.map((r) => ({ itemId: r.item_id, referenceId: r.reference_id, score: r.score })),
        nextCursor: rows.length === limit && last ? scoreCursorOf(last.score, last.item_id) : null,
      };
    });
  }

  countAbove(id: string, min: number): Promise<number> {
    return this.scope.read(
      () =>
        (
          this.scope
            .sql("SELECT count(*) AS n FROM autotag_scores WHERE autotag_id = ? AND score >= ?")
            .get(id, min) as { n: number }
        ).n,
    );
  }
}

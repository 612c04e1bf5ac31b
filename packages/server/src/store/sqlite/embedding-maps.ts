import type { Page, PageRequest } from "../common.js";
import type {
  EmbeddingMapRecord,
  EmbeddingMapStatus,
  EmbeddingMapStore,
  MapPoint,
} from "../embedding-maps.js";
import type { SqliteScope } from "./connection.js";

interface Row {
  dataset_id: string;
  method: string;
  version: string;
  status: string;
  job_id: string;
  points: number;
  details: string;
  updated_at: string;
}

/** Embedding maps on SQLite. */
export class SqliteEmbeddingMapStore implements EmbeddingMapStore {
  constructor(private readonly scope: SqliteScope) {}

  get(datasetId: string): Promise<EmbeddingMapRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope.sql("SELECT * FROM embedding_maps WHERE dataset_id = ?").get(datasetId) as
        | Row
        | undefined;
      return (
        row && {
          datasetId: row.dataset_id,
          method: row.method,
          version: row.version,
          status: row.status as EmbeddingMapStatus,
          jobId: row.job_id,
          points: row.points,
          details: JSON.parse(row.details) as Record<string, unknown>,
          updatedAt: row.updated_at,
        }
      );
    });
  }

  begin(datasetId: string, fields: { method: string; version: string; jobId: string }): Promise<void> {
    return this.scope.write(() => {
      this.scope.sql("DELETE FROM embedding_map_points WHERE dataset_id = ?").run(datasetId);
      this.scope
        .sql(
          `INSERT INTO embedding_maps (dataset_id, method, version, status, job_id, points, details, updated_at)
           VALUES (?, ?, ?, 'Running', ?, 0, '{}', ?)
           ON CONFLICT (dataset_id) DO UPDATE SET method = excluded.method, version = excluded.version,
             status = excluded.status, job_id = excluded.job_id, points = 0, details = '{}',
             updated_at = excluded.updated_at`,
        )
        .run(datasetId, fields.method, fields.version, fields.jobId, new Date().toISOString());
    });
  }

  putPoints(datasetId: string, points: readonly { itemId: string; x: number; y: number }[]): Promise<void> {
    const insert = this.scope.sql(
      `INSERT INTO embedding_map_points (dataset_id, item_id, x, y)
       SELECT dataset_id, id, ?, ? FROM items WHERE id = ? AND dataset_id = ?
       ON CONFLICT (dataset_id, item_id) DO UPDATE SET x = excluded.x, y = excluded.y`,
    );
    return this.scope.write(() => {
      for (const p of points) insert.run(p.x, p.y, p.itemId, datasetId);
    });
  }

  finish(
    datasetId: string,
    jobId: string,
    fields: { status: EmbeddingMapStatus; points: number; details: Record<string, unknown> },
  ): Promise<boolean> {
    return this.scope.write(
      () =>
        this.scope
          .sql(
            `UPDATE embedding_maps SET status = ?, points = ?, details = ?, updated_at = ?
             WHERE dataset_id = ? AND job_id = ?`,
          )
          .run(
            fields.status,
            fields.points,
            JSON.stringify(fields.details),
            new Date().toISOString(),
            datasetId,
            jobId,
          ).changes > 0,
    );
  }

  points(datasetId: string, request: PageRequest): Promise<Page<MapPoint>> {
    const limit = request.limit ?? 1_000;
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT p.item_id, i.reference_id, p.x, p.y FROM embedding_map_points p JOIN items i ON i.id = p.item_id
           WHERE p.dataset_id = ? AND p.item_id > ? ORDER BY p.item_id LIMIT ?`,
        )
        .all(datasetId, request.cursor ?? "", limit) as {
        item_id: string;
        reference_id: string;
        x: number;
        y: number;
      }[];
      const last = rows[rows.length - 1];
      return {
        records: rows.map((r) => ({ itemId: r.item_id, referenceId: r.reference_id, x: r.x, y: r.y })),
        nextCursor: rows.length === limit && last ? last.item_id : null,
      };
    });
  }
}

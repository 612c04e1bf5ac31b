import type { Page, PageRequest } from "../common.js";
import type {
  EmbeddingMapRecord,
  EmbeddingMapStatus,
  EmbeddingMapStore,
  MapPoint,
} from "../embedding-maps.js";
import type { PgScope } from "./connection.js";

interface Row {
  dataset_id: string;
  method: string;
  version: string;
  status: string;
  job_id: string;
  points: string | number;
  details: Record<string, unknown>;
  updated_at: Date | string;
}

/** Embedding maps on PostgreSQL. */
export class PgEmbeddingMapStore implements EmbeddingMapStore {
  constructor(private readonly scope: PgScope) {}

  get(datasetId: string): Promise<EmbeddingMapRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<Row>("SELECT * FROM embedding_maps WHERE dataset_id = $1", [datasetId]);
      return (
        row && {
          datasetId: row.dataset_id,
          method: row.method,
          version: row.version,
          status: row.status as EmbeddingMapStatus,
          jobId: row.job_id,
          points: Number(row.points),
          details: row.details,
          updatedAt: row.updated_at instanceof Date ? row.updated_at.toISOString() : row.updated_at,
        }
      );
    });
  }

  begin(datasetId: string, fields: { method: string; version: string; jobId: string }): Promise<void> {
    return this.scope.write(async (db) => {
      await db.query("DELETE FROM embedding_map_points WHERE dataset_id = $1", [datasetId]);
      await db.query(
        `INSERT INTO embedding_maps (dataset_id, method, version, status, job_id, points, details, updated_at)
         VALUES ($1, $2, $3, 'Running', $4, 0, '{}', $5)
         ON CONFLICT (dataset_id) DO UPDATE SET method = excluded.method, version = excluded.version,
           status = excluded.status, job_id = excluded.job_id, points = 0, details = '{}',
           updated_at = excluded.updated_at`,
        [datasetId, fields.method, fields.version, fields.jobId, new Date().toISOString()],
      );
    });
  }

  async putPoints(
    datasetId: string,
    points: readonly { itemId: string; x: number; y: number }[],
  ): Promise<void> {
    if (points.length === 0) return;
    await this.scope.mutate(
      `INSERT INTO embedding_map_points (dataset_id, item_id, x, y)
       SELECT i.dataset_id, i.id, p.x, p.y
       FROM unnest($2::text[], $3::double precision[], $4::double precision[]) AS p(item_id, x, y)
       JOIN items i ON i.id = p.item_id AND i.dataset_id = $1
       ON CONFLICT (dataset_id, item_id) DO UPDATE SET x = excluded.x, y = excluded.y
       RETURNING item_id`,
      [datasetId, points.map((p) => p.itemId), points.map((p) => p.x), points.map((p) => p.y)],
    );
  }

  async finish(
    datasetId: string,
    jobId: string,
    fields: { status: EmbeddingMapStatus; points: number; details: Record<string, unknown> },
  ): Promise<boolean> {
    const rows = await this.scope.mutate(
      `UPDATE embedding_maps SET status = $1, points = $2, details = $3, updated_at = $4
       WHERE dataset_id = $5 AND job_id = $6 RETURNING dataset_id`,
      [
        fields.status,
        fields.points,
        JSON.stringify(fields.details),
        new Date().toISOString(),
        datasetId,
        jobId,
      ],
    );
    return rows.length > 0;
  }

  points(datasetId: string, request: PageRequest): Promise<Page<MapPoint>> {
    const limit = request.limit ?? 1_000;
    return this.scope.read(async (db) => {
      const rows = await db.query<{ item_id: string; reference_id: string; x: number; y: number }>(
        `SELECT p.item_id, i.reference_id, p.x, p.y FROM embedding_map_points p JOIN items i ON i.id = p.item_id
         WHERE p.dataset_id = $1 AND p.item_id > $2 ORDER BY p.item_id LIMIT $3`,
        [datasetId, request.cursor ?? "", limit],
      );
      const last = rows[rows.length - 1];
      return {
        records: rows.map((r) => ({ itemId: r.item_id, referenceId: r.reference_id, x: r.x, y: r.y })),
        nextCursor: rows.length === limit && last ? last.item_id : null,
      };
    });
  }
}

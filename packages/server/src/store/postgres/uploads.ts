import type { Tenant } from "../common.js";
import type { UploadRecord, UploadStore } from "../uploads.js";
import type { PgScope } from "./connection.js";
import { NOW_MS, now } from "./values.js";

interface UploadRow {
  tenant: Tenant;
  request_id: string;
  dataset_id: string;
  token: string;
  media_key: string | null;
  expires_at: number;
  consumed_at: number | null;
}

const COLUMNS = "tenant, request_id, dataset_id, token, media_key, expires_at, consumed_at";

function decode(row: UploadRow): UploadRecord {
  return {
    tenant: row.tenant,
    requestId: row.request_id,
    datasetId: row.dataset_id,
    token: row.token,
    mediaKey: row.media_key,
    expiresAt: row.expires_at,
    consumed: row.consumed_at !== null,
  };
}

/** Signed upload URLs on PostgreSQL. */
export class PgUploadStore implements UploadStore {
  constructor(private readonly scope: PgScope) {}

  async register(
    tenant: Tenant,
    input: { requestId: string; datasetId: string; token: string; expiresAt: number },
  ): Promise<void> {
    await this.scope.mutate(
      `INSERT INTO uploads (tenant, request_id, dataset_id, token, media_key, created_at, expires_at, consumed_at)
       VALUES ($1, $2, $3, $4, NULL, $5, $6, NULL)
       ON CONFLICT (tenant, request_id) DO UPDATE SET dataset_id = excluded.dataset_id, token = excluded.token,
         media_key = NULL, expires_at = excluded.expires_at, consumed_at = NULL
       RETURNING token`,
      [tenant, input.requestId, input.datasetId, input.token, now(), input.expiresAt],
    );
  }

  get(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<UploadRow>(
        `SELECT ${COLUMNS} FROM uploads WHERE tenant = $1 AND request_id = $2`,
        [tenant, requestId],
      );
      return row && decode(row);
    });
  }

  find(query: { token: string }): Promise<UploadRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<UploadRow>(`SELECT ${COLUMNS} FROM uploads WHERE token = $1`, [
        query.token,
      ]);
      return row && decode(row);
    });
  }

  async complete(token: string, mediaKey: string, at: number): Promise<boolean> {
    const rows = await this.scope.mutate(
      `UPDATE uploads SET media_key = $1
       WHERE token = $2 AND media_key IS NULL AND consumed_at IS NULL AND expires_at > $3
       RETURNING token`,
      [mediaKey, token, at],
    );
    return rows.length > 0;
  }

  async consume(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined> {
    const [row] = await this.scope.mutate<UploadRow>(
      `UPDATE uploads SET consumed_at = ${NOW_MS}
       WHERE tenant = $1 AND request_id = $2 AND media_key IS NOT NULL AND consumed_at IS NULL
       RETURNING ${COLUMNS}`,
      [tenant, requestId],
    );
    return row && decode(row);
  }
}

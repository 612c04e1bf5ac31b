import type { Tenant } from "../common.js";
import type { UploadRecord, UploadStore } from "../uploads.js";
import type { PgScope } from "./connection.js";
import { now } from "./values.js";

interface UploadRow {
  tenant: Tenant;
  request_id: string;
  dataset_id: string;
  token: string;
  media_key: string | null;
}

const COLUMNS = "tenant, request_id, dataset_id, token, media_key";

function decode(row: UploadRow): UploadRecord {
  return {
    tenant: row.tenant,
    requestId: row.request_id,
    datasetId: row.dataset_id,
    token: row.token,
    mediaKey: row.media_key,
  };
}

/** Signed upload URLs on PostgreSQL. */
export class PgUploadStore implements UploadStore {
  constructor(private readonly scope: PgScope) {}

  async register(
    tenant: Tenant,
    input: { requestId: string; datasetId: string; token: string },
  ): Promise<void> {
    await this.scope.mutate(
      `INSERT INTO uploads (tenant, request_id, dataset_id, token, media_key, created_at) VALUES ($1, $2, $3, $4, NULL, $5)
       ON CONFLICT (tenant, request_id) DO UPDATE SET dataset_id = excluded.dataset_id, token = excluded.token, media_key = NULL
       RETURNING token`,
      [tenant, input.requestId, input.datasetId, input.token, now()],
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

  async complete(token: string, mediaKey: string): Promise<void> {
    await this.scope.mutate("UPDATE uploads SET media_key = $1 WHERE token = $2 RETURNING token", [
      mediaKey,
      token,
    ]);
  }
}

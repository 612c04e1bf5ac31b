import type { Tenant } from "../common.js";
import type { UploadRecord, UploadStore } from "../uploads.js";
import type { SqliteScope } from "./connection.js";
import { now } from "./values.js";

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

/** Signed upload URLs on SQLite. */
export class SqliteUploadStore implements UploadStore {
  constructor(private readonly scope: SqliteScope) {}

  register(
    tenant: Tenant,
    input: { requestId: string; datasetId: string; token: string; expiresAt: number },
  ): Promise<void> {
    return this.scope.write(() => {
      this.scope
        .sql(
          `INSERT INTO uploads (tenant, request_id, dataset_id, token, media_key, created_at, expires_at, consumed_at)
           VALUES (?, ?, ?, ?, NULL, ?, ?, NULL)
           ON CONFLICT (tenant, request_id) DO UPDATE SET dataset_id = excluded.dataset_id, token = excluded.token,
             media_key = NULL, expires_at = excluded.expires_at, consumed_at = NULL`,
        )
        .run(tenant, input.requestId, input.datasetId, input.token, now(), input.expiresAt);
    });
  }

  get(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${COLUMNS} FROM uploads WHERE tenant = ? AND request_id = ?`)
        .get(tenant, requestId) as UploadRow | undefined;
      return row && decode(row);
    });
  }

  find(query: { token: string }): Promise<UploadRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope.sql(`SELECT ${COLUMNS} FROM uploads WHERE token = ?`).get(query.token) as
        | UploadRow
        | undefined;
      return row && decode(row);
    });
  }

  complete(token: string, mediaKey: string, at: number): Promise<boolean> {
    return this.scope.write(
      () =>
        this.scope
          .sql(
            `UPDATE uploads SET media_key = ?
             WHERE token = ? AND media_key IS NULL AND consumed_at IS NULL AND expires_at > ?`,
          )
          .run(mediaKey, token, at).changes > 0,
    );
  }

  consume(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined> {
    return this.scope.write(() => {
      const row = this.scope
        .sql(
          `UPDATE uploads SET consumed_at = ?
           WHERE tenant = ? AND request_id = ? AND media_key IS NOT NULL AND consumed_at IS NULL
           RETURNING ${COLUMNS}`,
        )
        .get(Date.now(), tenant, requestId) as UploadRow | undefined;
      return row && decode(row);
    });
  }
}

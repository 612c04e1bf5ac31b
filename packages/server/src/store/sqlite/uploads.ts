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

/** Signed upload URLs on SQLite. */
export class SqliteUploadStore implements UploadStore {
  constructor(private readonly scope: SqliteScope) {}

  register(tenant: Tenant, input: { requestId: string; datasetId: string; token: string }): Promise<void> {
    return this.scope.write(() => {
      this.scope
        .sql(
          `INSERT INTO uploads (tenant, request_id, dataset_id, token, media_key, created_at) VALUES (?, ?, ?, ?, NULL, ?)
           ON CONFLICT (tenant, request_id) DO UPDATE SET dataset_id = excluded.dataset_id, token = excluded.token, media_key = NULL`,
        )
        .run(tenant, input.requestId, input.datasetId, input.token, now());
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

  complete(token: string, mediaKey: string): Promise<void> {
    return this.scope.write(() => {
      this.scope.sql("UPDATE uploads SET media_key = ? WHERE token = ?").run(mediaKey, token);
    });
  }
}

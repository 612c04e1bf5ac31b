import type { Tenant } from "../common.js";
import type { MediaRefStore } from "../media.js";
import type { PgScope } from "./connection.js";

/** Media holdings on PostgreSQL: a row per (dataset, key), deleted with the dataset. */
export class PgMediaRefStore implements MediaRefStore {
  constructor(private readonly scope: PgScope) {}

  async retain(tenant: Tenant, datasetId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.scope.mutate(
      `INSERT INTO dataset_media (tenant, dataset_id, media_key)
       SELECT $1, $2, key FROM unnest($3::text[]) AS key
       ON CONFLICT DO NOTHING RETURNING media_key`,
      [tenant, datasetId, [...new Set(keys)]],
    );
  }

  held(tenant: Tenant, key: string): Promise<boolean> {
    return this.scope.read(async (db) => {
      const rows = await db.query(
        "SELECT 1 FROM dataset_media WHERE tenant = $1 AND media_key = $2 LIMIT 1",
        [tenant, key],
      );
      return rows.length > 0;
    });
  }

  keysOf(datasetId: string): Promise<string[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<{ media_key: string }>("SELECT media_key FROM dataset_media WHERE dataset_id = $1", [
          datasetId,
        ])
      ).map((row) => row.media_key),
    );
  }

  unheld(keys: readonly string[]): Promise<string[]> {
    return this.scope.read(async (db) => {
      const held = await db.query<{ media_key: string }>(
        "SELECT DISTINCT media_key FROM dataset_media WHERE media_key = ANY($1::text[])",
        [[...new Set(keys)]],
      );
      const found = new Set(held.map((row) => row.media_key));
      return [...new Set(keys)].filter((key) => !found.has(key));
    });
  }
}

import type { Tenant } from "../common.js";
import type { MediaRefStore } from "../media.js";
import type { SqliteScope } from "./connection.js";

/** Media holdings on SQLite: a row per (dataset, key), deleted with the dataset. */
export class SqliteMediaRefStore implements MediaRefStore {
  constructor(private readonly scope: SqliteScope) {}

  retain(tenant: Tenant, datasetId: string, keys: readonly string[]): Promise<void> {
    const insert = this.scope.sql(
      "INSERT OR IGNORE INTO dataset_media (tenant, dataset_id, media_key) VALUES (?, ?, ?)",
    );
    return this.scope.write(() => {
      for (const key of new Set(keys)) insert.run(tenant, datasetId, key);
    });
  }

  held(tenant: Tenant, key: string): Promise<boolean> {
    return this.scope.read(
      () =>
        this.scope
          .sql("SELECT 1 FROM dataset_media WHERE tenant = ? AND media_key = ? LIMIT 1")
          .get(tenant, key) !== undefined,
    );
  }

  keysOf(datasetId: string): Promise<string[]> {
    return this.scope.read(() =>
      (
        this.scope.sql("SELECT media_key FROM dataset_media WHERE dataset_id = ?").all(datasetId) as {
          media_key: string;
        }[]
      ).map((row) => row.media_key),
    );
  }

  unheld(keys: readonly string[]): Promise<string[]> {
    return this.scope.read(() => {
      const held = this.scope.sql("SELECT 1 FROM dataset_media WHERE media_key = ? LIMIT 1");
      return [...new Set(keys)].filter((key) => held.get(key) === undefined);
    });
  }
}

import type { ItemHash, ItemHashStore } from "../phashes.js";
import type { SqliteScope } from "./connection.js";

const CHUNK = 500;

/** Item hashes on SQLite. */
export class SqliteItemHashStore implements ItemHashStore {
  constructor(private readonly scope: SqliteScope) {}

  get(itemIds: readonly string[]): Promise<Map<string, ItemHash>> {
    return this.scope.read(() => {
      const found = new Map<string, ItemHash>();
      for (let i = 0; i < itemIds.length; i += CHUNK) {
        const chunk = itemIds.slice(i, i + CHUNK);
        const rows = this.scope
          .prepare(
            `SELECT item_id, source, phash FROM item_phashes WHERE item_id IN (${chunk.map(() => "?").join(",")})`,
          )
          .all(...chunk) as { item_id: string; source: string; phash: string }[];
        for (const row of rows)
          found.set(row.item_id, { itemId: row.item_id, source: row.source, phash: row.phash });
      }
      return found;
    });
  }

  put(hashes: readonly ItemHash[]): Promise<void> {
    const insert = this.scope.sql(
      `INSERT INTO item_phashes (item_id, source, phash) SELECT id, ?, ? FROM items WHERE id = ?
       ON CONFLICT (item_id) DO UPDATE SET source = excluded.source, phash = excluded.phash`,
    );
    return this.scope.write(() => {
      for (const hash of hashes) insert.run(hash.source, hash.phash, hash.itemId);
    });
  }
}

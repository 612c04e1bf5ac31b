import type { ItemHash, ItemHashStore } from "../phashes.js";
import type { PgScope } from "./connection.js";

/** Item hashes on PostgreSQL. */
export class PgItemHashStore implements ItemHashStore {
  constructor(private readonly scope: PgScope) {}

  get(itemIds: readonly string[]): Promise<Map<string, ItemHash>> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ item_id: string; source: string; phash: string }>(
        "SELECT item_id, source, phash FROM item_phashes WHERE item_id = ANY($1::text[])",
        [[...itemIds]],
      );
      return new Map(
        rows.map((row) => [row.item_id, { itemId: row.item_id, source: row.source, phash: row.phash }]),
      );
    });
  }

  async put(hashes: readonly ItemHash[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.scope.mutate(
      `INSERT INTO item_phashes (item_id, source, phash)
       SELECT i.id, h.source, h.phash
       FROM unnest($1::text[], $2::text[], $3::text[]) AS h(item_id, source, phash)
       JOIN items i ON i.id = h.item_id
       ON CONFLICT (item_id) DO UPDATE SET source = excluded.source, phash = excluded.phash
       RETURNING item_id`,
      [hashes.map((h) => h.itemId), hashes.map((h) => h.source), hashes.map((h) => h.phash)],
    );
  }
}

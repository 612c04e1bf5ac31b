import type { Tenant } from "../common.js";
import {
  addedTags,
  removedTags,
  TAGGED_TABLES,
  type TagChange,
  type TaggedKind,
  type TagStore,
} from "../tags.js";
import type { PgScope } from "./connection.js";

/** Tags of datasets, models and slices on PostgreSQL: the JSON `tags` column of each, row-locked while changed. */
export class PgTagStore implements TagStore {
  constructor(private readonly scope: PgScope) {}

  add(kind: TaggedKind, tenant: Tenant, id: string, tags: readonly string[]): Promise<TagChange | undefined> {
    return this.change(kind, tenant, id, (current) => addedTags(current, tags));
  }

  remove(
    kind: TaggedKind,
    tenant: Tenant,
    id: string,
    tags: readonly string[],
  ): Promise<TagChange | undefined> {
    return this.change(kind, tenant, id, (current) => removedTags(current, tags));
  }

  private change(
    kind: TaggedKind,
    tenant: Tenant,
    id: string,
    apply: (current: string[]) => TagChange,
  ): Promise<TagChange | undefined> {
    const table = TAGGED_TABLES[kind];
    return this.scope.write(
      async (db) => {
        const [row] = await db.query<{ tags: string[] }>(
          `SELECT tags FROM ${table} WHERE id = $1 AND tenant = $2 FOR UPDATE`,
          [id, tenant],
        );
        if (!row) return undefined;
        const change = apply(row.tags);
        if (change.changed > 0)
          await db.query(`UPDATE ${table} SET tags = $2 WHERE id = $1`, [id, JSON.stringify(change.tags)]);
        return change;
      },
      (change) => (change?.changed ?? 0) > 0,
    );
  }
}

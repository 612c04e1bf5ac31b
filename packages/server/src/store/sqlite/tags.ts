import type { Tenant } from "../common.js";
import {
  addedTags,
  removedTags,
  TAGGED_TABLES,
  type TagChange,
  type TaggedKind,
  type TagStore,
} from "../tags.js";
import type { SqliteScope } from "./connection.js";

/** Tags of datasets, models and slices on SQLite: the JSON `tags` column of each. */
export class SqliteTagStore implements TagStore {
  constructor(private readonly scope: SqliteScope) {}

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
    return this.scope.write(() => {
      const row = this.scope.sql(`SELECT tags FROM ${table} WHERE id = ? AND tenant = ?`).get(id, tenant) as
        | { tags: string }
        | undefined;
      if (!row) return undefined;
      const change = apply(JSON.parse(row.tags) as string[]);
      if (change.changed > 0)
        this.scope.sql(`UPDATE ${table} SET tags = ? WHERE id = ?`).run(JSON.stringify(change.tags), id);
      return change;
    });
  }
}

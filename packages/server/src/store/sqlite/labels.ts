import { newId } from "../../ids.js";
import { groupOf, identify } from "../label-identity.js";
import type {
  LabelInput,
  LabelRecord,
  LabelSelection,
  LabelStore,
  LabelTarget,
  LabelUpsertResult,
} from "../labels.js";
import { objectVectorOf } from "../object-vectors.js";
import type { SqliteScope } from "./connection.js";
import { SqliteFacts } from "./facts.js";
import { SqliteObjectVectorWriter } from "./object-vectors.js";

interface LabelRow {
  id: string;
  item_id: string;
  kind: string;
  payload: string;
}

/** A label row read raw: id, item id, kind, payload. */
type RawLabelRow = [id: string, itemId: string, kind: string, payload: string];

function decode(row: LabelRow): LabelRecord {
  return { id: row.id, itemId: row.item_id, group: row.kind, payload: JSON.parse(row.payload) as LabelInput };
}

/** The table of a target and the column (and value) that scopes it. */
function tableOf(target: LabelTarget) {
  return target.kind === "predictions"
    ? { table: "predictions", scope: "run_id", scopeId: target.runId, conflict: "(run_id, item_id, key)" }
    : { table: "annotations", scope: "dataset_id", scopeId: target.datasetId, conflict: "(item_id, key)" };
}

/** Items per query: each query's labels come in upload order (ORDER BY seq sorts this many items' labels). */
const IN_CHUNK = 500;

/** Annotations and predictions on SQLite, each table in upload order (`seq`). */
export class SqliteLabelStore implements LabelStore {
  constructor(private readonly scope: SqliteScope) {}

  upsert(
    target: LabelTarget,
    labels: readonly LabelInput[],
    options: { update: boolean },
  ): Promise<LabelUpsertResult> {
    const { table, scope, scopeId, conflict } = tableOf(target);
    const isPrediction = target.kind === "predictions";
    // One statement per label: the unique index decides between new, ignored and replaced. The
    // row's seq and id (kept when replaced) name the label's object vector.
    const write = options.update
      ? this.scope.sql(
          `INSERT INTO ${table} (id, ${scope}, item_id, kind, key, payload) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT ${conflict} DO UPDATE SET kind = excluded.kind, payload = excluded.payload
           RETURNING seq, id`,
        )
      : this.scope.sql(
          `INSERT INTO ${table} (id, ${scope}, item_id, kind, key, payload) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING RETURNING seq, id`,
        );
    const findItem = this.scope.sql("SELECT id FROM items WHERE dataset_id = ? AND reference_id = ?");
    const reopen = this.scope.sql("UPDATE model_runs SET status = 'Started' WHERE id = ?");
    return this.scope.write(() => {
      const result: LabelUpsertResult = { processed: 0, ignored: 0, refused: [] };
      // Query facts count labels per item: new labels add to them, replaced ones are counted again.
      const facts = new SqliteFacts(this.scope);
      facts.ensure(target.datasetId);
      const vectors = new SqliteObjectVectorWriter(this.scope, target);
      const added: { itemId: string; payload: object }[] = [];
      const touched: string[] = [];
      // New predictions make a committed run's evaluation stale: it must be committed again.
      if (target.kind === "predictions") reopen.run(target.runId);
      const itemIds = new Map<string, string | undefined>();
      labels.forEach((label, index) => {
        const ref = label.reference_id;
        if (!itemIds.has(ref)) {
          itemIds.set(ref, (findItem.get(target.datasetId, ref) as { id: string } | undefined)?.id);
        }
        const itemId = itemIds.get(ref);
        if (!itemId) {
          result.refused.push({
            index,
            problem: { code: "unknownReference", datasetId: target.datasetId, referenceIds: [ref] },
          });
          return;
        }
        const { key, payload } = identify(label);
        const id = newId(isPrediction ? "prediction" : "annotation");
        const row = write.get(id, scopeId, itemId, groupOf(label.type), key, JSON.stringify(payload)) as
          | { seq: number; id: string }
          | undefined;
        if (row) {
          vectors.written({ ...row, itemId, label, vector: objectVectorOf(label) }, options.update);
          result.processed += 1;
          if (options.update) touched.push(itemId);
          else added.push({ itemId, payload });
        } else result.ignored += 1;
      });
      if (options.update) facts.recount(target, touched);
      else facts.addLabels(target, added);
      return result;
    });
  }

  list(target: LabelTarget, itemIds: readonly string[]): Promise<LabelRecord[]> {
    const { table, scope, scopeId } = tableOf(target);
    return this.scope.read(() => {
      const records: LabelRecord[] = [];
      // The ids go in as one JSON array: SQLite reads it faster than hundreds of bound
      // parameters, and one statement serves every length. Rows come as arrays, which
      // better-sqlite3 builds faster than objects (exports read every label).
      const statement = this.scope
        .sql(
          `SELECT id, item_id, kind, payload FROM ${table}
           WHERE ${scope} = ? AND item_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
        )
        .raw(true);
      for (let i = 0; i < itemIds.length; i += IN_CHUNK) {
        const chunk = itemIds.slice(i, i + IN_CHUNK);
        const rows = statement.all(scopeId, JSON.stringify(chunk)) as RawLabelRow[];
        // Appended one by one: spreading hundreds of thousands of rows overflows the stack.
        for (const row of rows)
          records.push({
            id: row[0],
            itemId: row[1],
            group: row[2],
            payload: JSON.parse(row[3]) as LabelInput,
          });
      }
      return records;
    });
  }

  find(
    target: LabelTarget,
    query: { itemId: string; annotationId: string },
  ): Promise<LabelRecord | undefined> {
    const { table, scope, scopeId } = tableOf(target);
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT id, item_id, kind, payload FROM ${table} WHERE ${scope} = ? AND item_id = ? AND key = ?`)
        .get(scopeId, query.itemId, `id:${query.annotationId}`) as LabelRow | undefined;
      return row && decode(row);
    });
  }

  delete(target: LabelTarget, selection: LabelSelection): Promise<number> {
    const { table, scope, scopeId } = tableOf(target);
    return this.scope.write(() => {
      const facts = new SqliteFacts(this.scope);
      if ("all" in selection) {
        const changes = this.scope.sql(`DELETE FROM ${table} WHERE ${scope} = ?`).run(scopeId).changes;
        facts.clearAll(target);
        return changes;
      }
      const findItem = this.scope.sql("SELECT id FROM items WHERE dataset_id = ? AND reference_id = ?");
      const remove = this.scope.sql(`DELETE FROM ${table} WHERE ${scope} = ? AND item_id = ?`);
      let deleted = 0;
      const touched: string[] = [];
      for (const ref of selection.referenceIds) {
        const item = findItem.get(target.datasetId, ref) as { id: string } | undefined;
        if (item) {
          deleted += remove.run(scopeId, item.id).changes;
          touched.push(item.id);
        }
      }
      facts.recount(target, touched);
      return deleted;
    });
  }
}

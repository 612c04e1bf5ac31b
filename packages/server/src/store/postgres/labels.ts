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
import type { PgScope } from "./connection.js";
import { PgFacts } from "./facts.js";
import { itemIdsOf } from "./items.js";
import { hasObjectVectors, writeObjectVectors } from "./object-vectors.js";

interface LabelRow {
  id: string;
  item_id: string;
  kind: string;
  payload: LabelInput;
}

function decode(row: LabelRow): LabelRecord {
  return { id: row.id, itemId: row.item_id, group: row.kind, payload: row.payload };
}

/** The table of a target and the column (and value) that scopes it. */
function tableOf(target: LabelTarget) {
  return target.kind === "predictions"
    ? { table: "predictions", scope: "run_id", scopeId: target.runId, conflict: "(run_id, item_id, key)" }
    : { table: "annotations", scope: "dataset_id", scopeId: target.datasetId, conflict: "(item_id, key)" };
}

/** One label to write: where it goes and what it holds. */
interface Row {
  itemId: string;
  key: string;
  kind: string;
  payload: string;
  label: LabelInput;
  vector: Float32Array | undefined;
}

/** Annotations and predictions on PostgreSQL, each table in upload order (`seq`). */
export class PgLabelStore implements LabelStore {
  constructor(private readonly scope: PgScope) {}

  upsert(
    target: LabelTarget,
    labels: readonly LabelInput[],
    options: { update: boolean },
  ): Promise<LabelUpsertResult> {
    const { table, scope, scopeId, conflict } = tableOf(target);
    const prefix = target.kind === "predictions" ? "prediction" : "annotation";
    return this.scope.write(
      async (db) => {
        const result: LabelUpsertResult = { processed: 0, ignored: 0, refused: [] };
        // New predictions make a committed run's evaluation stale: it must be committed again.
        // Only a committed run's row is written (and locked), so concurrent uploads do not queue on it.
        if (target.kind === "predictions") {
          await db.query("UPDATE model_runs SET status = 'Started' WHERE id = $1 AND status <> 'Started'", [
            target.runId,
          ]);
        }
        const itemIds = await itemIdsOf(
          db,
          target.datasetId,
          labels.map((label) => label.reference_id),
        );
        // A label whose identity repeats within the batch is applied as SQLite applies it row by
        // row: it keeps the first one's position, and the last one's content when `update` holds.
        const rows = new Map<string, Row>();
        labels.forEach((label, index) => {
          const itemId = itemIds.get(label.reference_id);
          if (!itemId) {
            result.refused.push({
              index,
              problem: {
                code: "unknownReference",
                datasetId: target.datasetId,
                referenceIds: [label.reference_id],
              },
            });
            return;
          }
          const { key, payload } = identify(label);
          const identity = `${itemId}\u0000${key}`;
          const row = {
            itemId,
            key,
            kind: groupOf(label.type),
            payload: JSON.stringify(payload),
            label,
            vector: objectVectorOf(label),
          };
          if (!rows.has(identity)) rows.set(identity, row);
          else if (options.update) rows.set(identity, { ...row });
          else result.ignored += 1;
          if (options.update) result.processed += 1;
        });
        if (rows.size === 0) return result;
        const batch = [...rows.values()];
        // The written rows' seq and id (kept when replaced) name their object vectors: they are
        // read back when a vector is to be stored, or one may have to go.
        const withVectors =
          batch.some((row) => row.vector !== undefined) ||
          (options.update && (await hasObjectVectors(db, target.datasetId)));
        const written = await db.query<{ n: number; seq: string; id: string; item_id: string; key: string }>(
          `WITH written AS (
             INSERT INTO ${table} (id, ${scope}, item_id, kind, key, payload)
             SELECT u.id, $1, u.item_id, u.kind, u.key, u.payload::json
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
               WITH ORDINALITY AS u(id, item_id, kind, key, payload, position)
             ORDER BY u.position
             ON CONFLICT ${conflict} ${options.update ? "DO UPDATE SET kind = excluded.kind, payload = excluded.payload" : "DO NOTHING"}
             RETURNING seq, id, item_id, key)
           ${withVectors ? "SELECT seq, id, item_id, key FROM written" : "SELECT COUNT(*) AS n FROM written"}`,
          [
            scopeId,
            batch.map(() => newId(prefix)),
            batch.map((row) => row.itemId),
            batch.map((row) => row.kind),
            batch.map((row) => row.key),
            batch.map((row) => row.payload),
          ],
        );
        if (withVectors)
          await writeObjectVectors(
            db,
            target,
            written.map((w) => {
              const row = rows.get(`${w.item_id}\u0000${w.key}`) as Row;
              return { seq: w.seq, id: w.id, itemId: w.item_id, label: row.label, vector: row.vector };
            }),
            options.update,
          );
        if (!options.update) {
          const inserted = withVectors ? written.length : Number(written[0]?.n ?? 0);
          result.processed += inserted;
          result.ignored += batch.length - inserted;
        }
        // Query facts count each item's labels: the items written to are counted again.
        const facts = new PgFacts(db);
        await facts.ensure(target.datasetId);
        await facts.recount(
          target,
          batch.map((row) => row.itemId),
        );
        return result;
      },
      (result) => result.processed > 0 || target.kind === "predictions",
    );
  }

  list(target: LabelTarget, itemIds: readonly string[]): Promise<LabelRecord[]> {
    const { table, scope, scopeId } = tableOf(target);
    if (itemIds.length === 0) return Promise.resolve([]);
    return this.scope.read(async (db) =>
      (
        await db.query<LabelRow>(
          `SELECT id, item_id, kind, payload FROM ${table} WHERE ${scope} = $1 AND item_id = ANY($2::text[]) ORDER BY seq`,
          [scopeId, itemIds],
        )
      ).map(decode),
    );
  }

  find(
    target: LabelTarget,
    query: { itemId: string; annotationId: string },
  ): Promise<LabelRecord | undefined> {
    const { table, scope, scopeId } = tableOf(target);
    return this.scope.read(async (db) => {
      const [row] = await db.query<LabelRow>(
        `SELECT id, item_id, kind, payload FROM ${table} WHERE ${scope} = $1 AND item_id = $2 AND key = $3`,
        [scopeId, query.itemId, `id:${query.annotationId}`],
      );
      return row && decode(row);
    });
  }

  delete(target: LabelTarget, selection: LabelSelection): Promise<number> {
    const { table, scope, scopeId } = tableOf(target);
    // The target's labels are found through their items' dataset index (labels carry no index
    // of their own on it), and counted without being sent back.
    const [where, values] =
      "all" in selection
        ? ["", [scopeId, target.datasetId]]
        : [
            "AND i.reference_id = ANY($3::text[])",
            [scopeId, target.datasetId, [...new Set(selection.referenceIds)]],
          ];
    return this.scope.write(
      async (db) => {
        const rows = await db.query<{ item_id: string }>(
          `DELETE FROM ${table} AS l USING items AS i
           WHERE i.dataset_id = $2 ${where} AND l.item_id = i.id AND l.${scope} = $1 RETURNING l.item_id`,
          values,
        );
        const facts = new PgFacts(db);
        if ("all" in selection) await facts.clearAll(target);
        else
          await facts.recount(
            target,
            rows.map((row) => row.item_id),
          );
        return rows.length;
      },
      (deleted) => deleted > 0,
    );
  }
}

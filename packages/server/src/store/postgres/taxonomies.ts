import type { LabelTarget } from "../labels.js";
import {
  type TaxonomyAddResult,
  type TaxonomyDeletion,
  type TaxonomyKind,
  type TaxonomyRecord,
  type TaxonomyStore,
  taxonomyKeys,
  unionLabels,
} from "../taxonomies.js";
import type { PgScope, Queryable } from "./connection.js";
import { PgFacts } from "./facts.js";
import { iso, now } from "./values.js";

interface TaxonomyRow {
  dataset_id: string;
  name: string;
  type: TaxonomyKind;
  labels: string[];
  created_at: Date;
}

function decode(row: TaxonomyRow): TaxonomyRecord {
  return {
    datasetId: row.dataset_id,
    name: row.name,
    type: row.type,
    labels: row.labels,
    createdAt: iso(row.created_at),
  };
}

const COLUMNS = "dataset_id, name, type, labels, created_at";

/** Taxonomies on PostgreSQL, in creation order (`seq`). */
export class PgTaxonomyStore implements TaxonomyStore {
  constructor(private readonly scope: PgScope) {}

  add(
    datasetId: string,
    input: { name: string; type: TaxonomyKind; labels: readonly string[] },
    options: { update: boolean },
  ): Promise<TaxonomyAddResult> {
    return this.scope.write(
      async (db) => {
        // Created first if absent, so two concurrent adds see one row; the row lock orders updates.
        const created: TaxonomyRecord = {
          datasetId,
          name: input.name,
          type: input.type,
          labels: unionLabels([], input.labels),
          createdAt: now(),
        };
        const inserted = await db.query(
          `INSERT INTO taxonomies (${COLUMNS}) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (dataset_id, name) DO NOTHING RETURNING name`,
          [datasetId, created.name, created.type, JSON.stringify(created.labels), created.createdAt],
        );
        if (inserted.length > 0) return { status: "created", taxonomy: created };
        const [row] = await db.query<TaxonomyRow>(
          `SELECT ${COLUMNS} FROM taxonomies WHERE dataset_id = $1 AND name = $2 FOR UPDATE`,
          [datasetId, input.name],
        );
        const existing = decode(row as TaxonomyRow);
        if (!options.update) return { status: "exists", taxonomy: existing };
        const labels = unionLabels(existing.labels, input.labels);
        await db.query("UPDATE taxonomies SET labels = $3 WHERE dataset_id = $1 AND name = $2", [
          datasetId,
          input.name,
          JSON.stringify(labels),
        ]);
        return { status: "updated", taxonomy: { ...existing, labels } };
      },
      (result) => result.status !== "exists",
    );
  }

  list(datasetId: string): Promise<TaxonomyRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<TaxonomyRow>(`SELECT ${COLUMNS} FROM taxonomies WHERE dataset_id = $1 ORDER BY seq`, [
          datasetId,
        ])
      ).map(decode),
    );
  }

  delete(datasetId: string, name: string): Promise<TaxonomyDeletion | undefined> {
    return this.scope.write(
      async (db) => {
        const gone = await db.query(
          "DELETE FROM taxonomies WHERE dataset_id = $1 AND name = $2 RETURNING name",
          [datasetId, name],
        );
        if (gone.length === 0) return undefined;
        const facts = new PgFacts(db);
        const annotations = await removeLabels(db, facts, { kind: "annotations", datasetId }, name);
        let predictions = 0;
        const runs = await db.query<{ id: string }>("SELECT id FROM model_runs WHERE dataset_id = $1", [
          datasetId,
        ]);
        for (const run of runs)
          predictions += await removeLabels(
            db,
            facts,
            { kind: "predictions", datasetId, runId: run.id },
            name,
          );
        return { annotations, predictions };
      },
      (result) => result !== undefined,
    );
  }
}

/** Deletes a target's labels of a taxonomy and counts their items' labels again; returns how many. */
async function removeLabels(
  db: Queryable,
  facts: PgFacts,
  target: LabelTarget,
  name: string,
): Promise<number> {
  const [table, scope, scopeId] =
    target.kind === "predictions"
      ? ["predictions", "run_id", target.runId]
      : ["annotations", "dataset_id", target.datasetId];
  const rows = await db.query<{ item_id: string }>(
    `DELETE FROM ${table} WHERE ${scope} = $1 AND key = ANY($2::text[]) RETURNING item_id`,
    [scopeId, taxonomyKeys(name)],
  );
  if (rows.length === 0) return 0;
  await facts.recount(target, [...new Set(rows.map((row) => row.item_id))]);
  return rows.length;
}

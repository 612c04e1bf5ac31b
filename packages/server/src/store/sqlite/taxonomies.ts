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
import type { SqliteScope } from "./connection.js";
import { SqliteFacts } from "./facts.js";
import { now } from "./values.js";

interface TaxonomyRow {
  dataset_id: string;
  name: string;
  type: TaxonomyKind;
  labels: string;
  created_at: string;
}

function decode(row: TaxonomyRow): TaxonomyRecord {
  return {
    datasetId: row.dataset_id,
    name: row.name,
    type: row.type,
    labels: JSON.parse(row.labels) as string[],
    createdAt: row.created_at,
  };
}

const COLUMNS = "dataset_id, name, type, labels, created_at";

/** Taxonomies on SQLite. */
export class SqliteTaxonomyStore implements TaxonomyStore {
  constructor(private readonly scope: SqliteScope) {}

  add(
    datasetId: string,
    input: { name: string; type: TaxonomyKind; labels: readonly string[] },
    options: { update: boolean },
  ): Promise<TaxonomyAddResult> {
    return this.scope.write(() => {
      const row = this.scope
        .sql(`SELECT ${COLUMNS} FROM taxonomies WHERE dataset_id = ? AND name = ?`)
        .get(datasetId, input.name) as TaxonomyRow | undefined;
      if (row) {
        const existing = decode(row);
        if (!options.update) return { status: "exists", taxonomy: existing };
        const labels = unionLabels(existing.labels, input.labels);
        this.scope
          .sql("UPDATE taxonomies SET labels = ? WHERE dataset_id = ? AND name = ?")
          .run(JSON.stringify(labels), datasetId, input.name);
        return { status: "updated", taxonomy: { ...existing, labels } };
      }
      const taxonomy: TaxonomyRecord = {
        datasetId,
        name: input.name,
        type: input.type,
        labels: unionLabels([], input.labels),
        createdAt: now(),
      };
      this.scope
        .sql(`INSERT INTO taxonomies (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`)
        .run(datasetId, taxonomy.name, taxonomy.type, JSON.stringify(taxonomy.labels), taxonomy.createdAt);
      return { status: "created", taxonomy };
    });
  }

  list(datasetId: string): Promise<TaxonomyRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${COLUMNS} FROM taxonomies WHERE dataset_id = ? ORDER BY seq`)
          .all(datasetId) as TaxonomyRow[]
      ).map(decode),
    );
  }

  delete(datasetId: string, name: string): Promise<TaxonomyDeletion | undefined> {
    return this.scope.write(() => {
      const gone = this.scope
        .sql("DELETE FROM taxonomies WHERE dataset_id = ? AND name = ?")
        .run(datasetId, name).changes;
      if (gone === 0) return undefined;
      const keys = taxonomyKeys(name);
      const facts = new SqliteFacts(this.scope);
      // The labels go, and the label counts of their items are taken again.
      const removeFrom = (target: LabelTarget): number => {
        const [table, scope, scopeId] =
          target.kind === "predictions"
            ? ["predictions", "run_id", target.runId]
            : ["annotations", "dataset_id", target.datasetId];
        const where = `${scope} = ? AND key IN (?, ?)`;
        const itemIds = (
          this.scope
            .prepare(`SELECT DISTINCT item_id FROM ${table} WHERE ${where}`)
            .all(scopeId, ...keys) as {
            item_id: string;
          }[]
        ).map((row) => row.item_id);
        if (itemIds.length === 0) return 0;
        const deleted = this.scope
          .prepare(`DELETE FROM ${table} WHERE ${where}`)
          .run(scopeId, ...keys).changes;
        facts.recount(target, itemIds);
        return deleted;
      };
      const annotations = removeFrom({ kind: "annotations", datasetId });
      let predictions = 0;
      const runs = this.scope.sql("SELECT id FROM model_runs WHERE dataset_id = ?").all(datasetId) as {
        id: string;
      }[];
      for (const run of runs) predictions += removeFrom({ kind: "predictions", datasetId, runId: run.id });
      return { annotations, predictions };
    });
  }
}

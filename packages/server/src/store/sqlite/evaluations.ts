import { newId } from "../../ids.js";
import type { Tenant } from "../common.js";
import { EvaluationMetricsDocument, EvaluationOptionsDocument } from "../documents.js";
import type {
  EvaluationRecord,
  EvaluationStatus,
  EvaluationStore,
  EvaluationUpdate,
  NewEvaluation,
} from "../evaluations.js";
import type { SqliteScope } from "./connection.js";
import { nextSeq, now } from "./values.js";

interface EvaluationRow {
  id: string;
  tenant: Tenant;
  run_id: string;
  dataset_id: string;
  name: string | null;
  status: EvaluationStatus;
  options: string;
  results: string | null;
  error_message: string | null;
  created_at: string;
}

const COLUMNS = "id, tenant, run_id, dataset_id, name, status, options, results, error_message, created_at";

function decode(row: EvaluationRow): EvaluationRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    runId: row.run_id,
    datasetId: row.dataset_id,
    name: row.name,
    status: row.status,
    options: EvaluationOptionsDocument.fromWire(JSON.parse(row.options)),
    metrics: row.results === null ? null : EvaluationMetricsDocument.fromWire(JSON.parse(row.results)),
    errorMessage: row.error_message,
    createdAt: row.created_at,
  };
}

/** Evaluations on SQLite, in creation order (`seq`); options and metrics as wire JSON. */
export class SqliteEvaluationStore implements EvaluationStore {
  constructor(private readonly scope: SqliteScope) {}

  create(tenant: Tenant, input: NewEvaluation): Promise<EvaluationRecord> {
    const record: EvaluationRecord = {
      id: newId("evaluation"),
      tenant,
      runId: input.runId,
      datasetId: input.datasetId,
      name: input.name,
      status: "pending",
      options: input.options,
      metrics: null,
      errorMessage: null,
      createdAt: now(),
    };
    return this.scope.write(() => {
      this.scope
        .sql(
          `INSERT INTO evaluations (${COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ${nextSeq("evaluations")})`,
        )
        .run(
          record.id,
          tenant,
          record.runId,
          record.datasetId,
          record.name,
          record.status,
          JSON.stringify(EvaluationOptionsDocument.toWire(record.options)),
          record.createdAt,
        );
      return record;
    });
  }

  get(tenant: Tenant, id: string): Promise<EvaluationRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${COLUMNS} FROM evaluations WHERE id = ? AND tenant = ?`)
        .get(id, tenant) as EvaluationRow | undefined;
      return row && decode(row);
    });
  }

  list(tenant: Tenant, filter: { runId: string }): Promise<EvaluationRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${COLUMNS} FROM evaluations WHERE run_id = ? AND tenant = ? ORDER BY seq DESC`)
          .all(filter.runId, tenant) as EvaluationRow[]
      ).map(decode),
    );
  }

  update(tenant: Tenant, id: string, fields: EvaluationUpdate): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    if (fields.status !== undefined) {
      sets.push("status = ?");
      values.push(fields.status);
    }
    if (fields.metrics !== undefined) {
      sets.push("results = ?");
      values.push(
        fields.metrics === null ? null : JSON.stringify(EvaluationMetricsDocument.toWire(fields.metrics)),
      );
    }
    if (fields.errorMessage !== undefined) {
      sets.push("error_message = ?");
      values.push(fields.errorMessage);
    }
    if (sets.length === 0) return Promise.resolve();
    return this.scope.write(() => {
      this.scope
        .sql(`UPDATE evaluations SET ${sets.join(", ")} WHERE id = ? AND tenant = ?`)
        .run(...values, id, tenant);
    });
  }

  delete(tenant: Tenant, id: string): Promise<boolean> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM evaluations WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }
}

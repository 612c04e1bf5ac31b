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
import type { PgScope } from "./connection.js";
import { iso, now } from "./values.js";

interface EvaluationRow {
  id: string;
  tenant: Tenant;
  run_id: string;
  dataset_id: string;
  name: string | null;
  status: EvaluationStatus;
  options: unknown;
  results: unknown;
  error_message: string | null;
  created_at: Date;
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
    options: EvaluationOptionsDocument.fromWire(row.options as never),
    metrics: row.results === null ? null : EvaluationMetricsDocument.fromWire(row.results as never),
    errorMessage: row.error_message,
    createdAt: iso(row.created_at),
  };
}

/** Evaluations on PostgreSQL, in creation order (`seq`); options and metrics as wire JSON. */
export class PgEvaluationStore implements EvaluationStore {
  constructor(private readonly scope: PgScope) {}

  async create(tenant: Tenant, input: NewEvaluation): Promise<EvaluationRecord> {
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
    await this.scope.mutate(
      `INSERT INTO evaluations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8) RETURNING id`,
      [
        record.id,
        tenant,
        record.runId,
        record.datasetId,
        record.name,
        record.status,
        JSON.stringify(EvaluationOptionsDocument.toWire(record.options)),
        record.createdAt,
      ],
    );
    return record;
  }

  get(tenant: Tenant, id: string): Promise<EvaluationRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<EvaluationRow>(
        `SELECT ${COLUMNS} FROM evaluations WHERE id = $1 AND tenant = $2`,
        [id, tenant],
      );
      return row && decode(row);
    });
  }

  list(tenant: Tenant, filter: { runId: string }): Promise<EvaluationRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<EvaluationRow>(
          `SELECT ${COLUMNS} FROM evaluations WHERE run_id = $1 AND tenant = $2 ORDER BY seq DESC`,
          [filter.runId, tenant],
        )
      ).map(decode),
    );
  }

  async update(tenant: Tenant, id: string, fields: EvaluationUpdate): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [id, tenant];
    if (fields.status !== undefined) {
      values.push(fields.status);
      sets.push(`status = $${values.length}`);
    }
    if (fields.metrics !== undefined) {
      values.push(
        fields.metrics === null ? null : JSON.stringify(EvaluationMetricsDocument.toWire(fields.metrics)),
      );
      sets.push(`results = $${values.length}`);
    }
    if (fields.errorMessage !== undefined) {
      values.push(fields.errorMessage);
      sets.push(`error_message = $${values.length}`);
    }
    if (sets.length === 0) return;
    await this.scope.mutate(
      `UPDATE evaluations SET ${sets.join(", ")} WHERE id = $1 AND tenant = $2 RETURNING id`,
      values,
    );
  }

  async delete(tenant: Tenant, id: string): Promise<boolean> {
    const rows = await this.scope.mutate(
      "DELETE FROM evaluations WHERE id = $1 AND tenant = $2 RETURNING id",
      [id, tenant],
    );
    return rows.length > 0;
  }
}

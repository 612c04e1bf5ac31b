import { newId } from "../../ids.js";
import type { Tenant } from "../common.js";
import type { JobRecord, JobStore, JobUpdate, Lease, NewJob } from "../jobs.js";
import type { PgScope } from "./connection.js";
import { iso, NOW_MS, now } from "./values.js";

interface JobRow {
  id: string;
  tenant: Tenant;
  dataset_id: string | null;
  type: string;
  status: JobRecord["status"];
  message: JobRecord["message"];
  completed_steps: number;
  total_steps: number;
  errors: string[];
  spec: JobRecord["spec"];
  created_at: Date;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

const COLUMNS =
  "id, tenant, dataset_id, type, status, message, completed_steps, total_steps, errors, spec, created_at, attempts, lease_owner, lease_expires_at";

function decode(row: JobRow): JobRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    datasetId: row.dataset_id,
    type: row.type,
    status: row.status,
    message: row.message,
    completedSteps: row.completed_steps,
    totalSteps: row.total_steps,
    errors: row.errors,
    spec: row.spec,
    createdAt: iso(row.created_at),
    attempts: row.attempts,
    lease:
      row.lease_owner === null || row.lease_expires_at === null
        ? null
        : { owner: row.lease_owner, expiresAt: row.lease_expires_at },
  };
}

/** The column each reportable field is stored in, and how. */
const UPDATABLE: {
  [K in keyof Required<JobUpdate>]: [column: string, encode: (value: JobUpdate[K]) => unknown];
} = {
  status: ["status", (value) => value],
  message: ["message", (value) => JSON.stringify(value ?? null)],
  completedSteps: ["completed_steps", (value) => value],
  totalSteps: ["total_steps", (value) => value],
  errors: ["errors", (value) => JSON.stringify(value ?? [])],
};

// A claimable job: still Running, with no lease or one that expired (by the database's clock,
// which every server shares, so clocks that drift apart cannot hand a job to two servers).
const CLAIMABLE = `status = 'Running' AND (lease_expires_at IS NULL OR lease_expires_at <= ${NOW_MS})`;

/**
 * Jobs on PostgreSQL, in creation order (`seq`), claimed with leases. A claim locks the job's row
 * and skips rows other servers are claiming (`FOR UPDATE SKIP LOCKED`), so any number of servers
 * poll one queue without waiting on each other or taking the same job.
 */
export class PgJobStore implements JobStore {
  constructor(private readonly scope: PgScope) {}

  async create(tenant: Tenant, input: NewJob): Promise<JobRecord> {
    const [row] = await this.scope.mutate<JobRow>(
      `INSERT INTO jobs (id, tenant, dataset_id, type, status, message, completed_steps, total_steps, errors, spec, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, '[]', $8, $9) RETURNING ${COLUMNS}`,
      [
        newId("job"),
        tenant,
        input.datasetId,
        input.type,
        input.done ? "Completed" : "Running",
        JSON.stringify(input.done ? input.done.message : "Job is running."),
        input.done ? 1 : 0,
        JSON.stringify(input.spec),
        now(),
      ],
    );
    return decode(row as JobRow);
  }

  get(tenant: Tenant, id: string): Promise<JobRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = $1 AND tenant = $2`, [
        id,
        tenant,
      ]);
      return row && decode(row);
    });
  }

  list(
    tenant: Tenant,
    filter: { datasetId?: string | null; types?: readonly string[]; showCompleted: boolean; limit: number },
  ): Promise<JobRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<JobRow>(
          `SELECT ${COLUMNS} FROM jobs
           WHERE tenant = $1 AND ($2::text IS NULL OR dataset_id = $2)
             AND (cardinality($3::text[]) = 0 OR type = ANY($3::text[]))
             AND ($4 OR status <> 'Completed')
           ORDER BY seq LIMIT $5`,
          [tenant, filter.datasetId || null, filter.types ?? [], filter.showCompleted, filter.limit],
        )
      ).map(decode),
    );
  }

  async claim(id: string, lease: Lease): Promise<JobRecord | undefined> {
    const [row] = await this.scope.mutate<JobRow>(
      `UPDATE jobs SET lease_owner = $2, lease_expires_at = ${NOW_MS} + $3, attempts = attempts + 1
       WHERE id = (SELECT id FROM jobs WHERE id = $1 AND ${CLAIMABLE} FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [id, lease.owner, lease.durationMs],
    );
    return row && decode(row);
  }

  async claimNext(lease: Lease): Promise<JobRecord | undefined> {
    const [row] = await this.scope.mutate<JobRow>(
      `UPDATE jobs SET lease_owner = $1, lease_expires_at = ${NOW_MS} + $2, attempts = attempts + 1
       WHERE id = (SELECT id FROM jobs WHERE ${CLAIMABLE} ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [lease.owner, lease.durationMs],
    );
    return row && decode(row);
  }

  async renew(ids: readonly string[], lease: Lease): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.scope.mutate<{ id: string }>(
      `UPDATE jobs SET lease_expires_at = ${NOW_MS} + $3
       WHERE id = ANY($1::text[]) AND lease_owner = $2 AND status = 'Running' RETURNING id`,
      [ids, lease.owner, lease.durationMs],
    );
    const renewed = new Set(rows.map((row) => row.id));
    return ids.filter((id) => renewed.has(id));
  }

  depth(): Promise<{ queued: number; running: number }> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<{ queued: number; running: number }>(
        `SELECT COUNT(*) FILTER (WHERE lease_expires_at IS NULL OR lease_expires_at <= ${NOW_MS}) AS queued,
                COUNT(*) FILTER (WHERE lease_expires_at > ${NOW_MS}) AS running
         FROM jobs WHERE status = 'Running'`,
      );
      return { queued: row?.queued ?? 0, running: row?.running ?? 0 };
    });
  }

  async update(id: string, owner: string, fields: JobUpdate): Promise<boolean> {
    const sets: string[] = [];
    const values: unknown[] = [id, owner];
    for (const [key, [column, encode]] of Object.entries(UPDATABLE) as [
      keyof JobUpdate,
      [string, (v: unknown) => unknown],
    ][]) {
      if (!(key in fields)) continue;
      values.push(encode(fields[key]));
      sets.push(`${column} = $${values.length}`);
    }
    // The lease ends with the job.
    if (fields.status !== undefined && fields.status !== "Running") {
      sets.push("lease_owner = NULL", "lease_expires_at = NULL");
    }
    if (sets.length === 0) return true;
    const rows = await this.scope.mutate(
      `UPDATE jobs SET ${sets.join(", ")} WHERE id = $1 AND lease_owner = $2 RETURNING id`,
      values,
    );
    return rows.length > 0;
  }
}

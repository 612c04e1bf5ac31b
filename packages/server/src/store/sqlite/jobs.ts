import type { JobStatusValue } from "@nucleus/schemas";
import { newId } from "../../ids.js";
import type { Tenant } from "../common.js";
import type { JobRecord, JobSpec, JobStore, JobUpdate, Lease, NewJob } from "../jobs.js";
import type { SqliteScope } from "./connection.js";
import { nextSeq, now } from "./values.js";

interface JobRow {
  id: string;
  tenant: Tenant;
  dataset_id: string | null;
  type: string;
  status: JobStatusValue;
  message: string | null;
  completed_steps: number;
  total_steps: number;
  errors: string;
  spec: string;
  created_at: string;
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
    message: row.message === null ? null : JSON.parse(row.message),
    completedSteps: row.completed_steps,
    totalSteps: row.total_steps,
    errors: JSON.parse(row.errors) as string[],
    spec: JSON.parse(row.spec) as JobSpec,
    createdAt: row.created_at,
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

// A claimable job: still Running, with no lease or one that expired.
const CLAIMABLE = "status = 'Running' AND (lease_expires_at IS NULL OR lease_expires_at <= @now)";

/** Jobs on SQLite, in creation order (`seq`), claimed with leases (`lease_owner`, `lease_expires_at`). */
export class SqliteJobStore implements JobStore {
  constructor(private readonly scope: SqliteScope) {}

  create(tenant: Tenant, input: NewJob): Promise<JobRecord> {
    const record: JobRecord = {
      id: newId("job"),
      tenant,
      datasetId: input.datasetId,
      type: input.type,
      status: input.done ? "Completed" : "Running",
      message: input.done ? input.done.message : "Job is running.",
      completedSteps: input.done ? 1 : 0,
      totalSteps: input.done ? 1 : 0,
      errors: [],
      spec: input.spec,
      createdAt: now(),
      attempts: 0,
      lease: null,
    };
    return this.scope.write(() => {
      this.scope
        .sql(
          `INSERT INTO jobs (${COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ${nextSeq("jobs")})`,
        )
        .run(
          record.id,
          tenant,
          record.datasetId,
          record.type,
          record.status,
          JSON.stringify(record.message),
          record.completedSteps,
          record.totalSteps,
          JSON.stringify(record.errors),
          JSON.stringify(record.spec),
          record.createdAt,
        );
      return record;
    });
  }

  get(tenant: Tenant, id: string): Promise<JobRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope.sql(`SELECT ${COLUMNS} FROM jobs WHERE id = ? AND tenant = ?`).get(id, tenant) as
        | JobRow
        | undefined;
      return row && decode(row);
    });
  }

  list(
    tenant: Tenant,
    filter: { datasetId?: string | null; types?: readonly string[]; showCompleted: boolean; limit: number },
  ): Promise<JobRecord[]> {
    return this.scope.read(() => {
      const rows = this.scope
        .sql(`SELECT ${COLUMNS} FROM jobs WHERE tenant = ? ORDER BY seq`)
        .all(tenant) as JobRow[];
      return rows
        .filter((row) => !filter.datasetId || row.dataset_id === filter.datasetId)
        .filter((row) => !filter.types?.length || filter.types.includes(row.type))
        .filter((row) => filter.showCompleted || row.status !== "Completed")
        .slice(0, filter.limit)
        .map(decode);
    });
  }

  claim(id: string, lease: Lease): Promise<JobRecord | undefined> {
    return this.scope.write(() => {
      const t = Date.now();
      const row = this.scope
        .sql(
          `UPDATE jobs SET lease_owner = @owner, lease_expires_at = @expires, attempts = attempts + 1
           WHERE id = @id AND ${CLAIMABLE} RETURNING ${COLUMNS}`,
        )
        .get({ id, owner: lease.owner, expires: t + lease.durationMs, now: t }) as JobRow | undefined;
      return row && decode(row);
    });
  }

  claimNext(lease: Lease): Promise<JobRecord | undefined> {
    const t = Date.now();
    const next = () =>
      this.scope.sql(`SELECT id FROM jobs WHERE ${CLAIMABLE} ORDER BY seq LIMIT 1`).get({ now: t }) as
        | { id: string }
        | undefined;
    // Most polls find nothing: looking first keeps them from writing (and bumping the version).
    return this.scope.read(next).then((found) => (found ? this.claim(found.id, lease) : undefined));
  }

  renew(ids: readonly string[], lease: Lease): Promise<string[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const extend = this.scope.sql(
      "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'Running'",
    );
    return this.scope.write(() => {
      const expires = Date.now() + lease.durationMs;
      return ids.filter((id) => extend.run(expires, id, lease.owner).changes > 0);
    });
  }

  depth(): Promise<{ queued: number; running: number }> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(
          `SELECT COALESCE(SUM(lease_expires_at IS NULL OR lease_expires_at <= @now), 0) AS queued,
                  COALESCE(SUM(lease_expires_at > @now), 0) AS running
           FROM jobs WHERE status = 'Running'`,
        )
        .get({ now: Date.now() }) as { queued: number; running: number };
      return { queued: row.queued, running: row.running };
    });
  }

  update(id: string, owner: string, fields: JobUpdate): Promise<boolean> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, [column, encode]] of Object.entries(UPDATABLE) as [
      keyof JobUpdate,
      [string, (v: unknown) => unknown],
    ][]) {
      if (!(key in fields)) continue;
      sets.push(`${column} = ?`);
      values.push(encode(fields[key]));
    }
    // The lease ends with the job.
    if (fields.status !== undefined && fields.status !== "Running") {
      sets.push("lease_owner = NULL", "lease_expires_at = NULL");
    }
    if (sets.length === 0) return Promise.resolve(true);
    return this.scope.write(
      () =>
        this.scope
          .sql(`UPDATE jobs SET ${sets.join(", ")} WHERE id = ? AND lease_owner = ?`)
          .run(...values, id, owner).changes > 0,
    );
  }
}

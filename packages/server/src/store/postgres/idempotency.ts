import { randomBytes } from "node:crypto";
import type { Tenant } from "../common.js";
import type { IdempotencyStore, Reservation, ReserveOptions } from "../idempotency.js";
import type { PgScope } from "./connection.js";
import { NOW_MS, now } from "./values.js";

interface KeyRow {
  route: string;
  response: unknown;
  pending: boolean;
  fingerprint: string | null;
}

/** Idempotency keys on PostgreSQL: a row per key, its `response` NULL while the request runs. */
export class PgIdempotencyStore implements IdempotencyStore {
  constructor(private readonly scope: PgScope) {}

  async reserve(tenant: Tenant, key: string, route: string, options: ReserveOptions): Promise<Reservation> {
    const token = randomBytes(12).toString("hex");
    // A key nobody holds is inserted; a pending one whose holder went quiet, or a completed one
    // past its expiry, is taken over; anything else is left as it is and read back. A concurrent
    // insert of the same key waits for the other transaction, so exactly one of them reserves it.
    const taken = await this.scope.mutate(
      `INSERT INTO idempotency_keys (tenant, key, route, owner, response, reserved_at, created_at, fingerprint)
       VALUES ($1, $2, $3, $4, NULL, ${NOW_MS}, $5, $8)
       ON CONFLICT (tenant, key) DO UPDATE SET route = excluded.route, owner = excluded.owner,
         reserved_at = excluded.reserved_at, created_at = excluded.created_at,
         fingerprint = excluded.fingerprint, response = NULL
       WHERE (idempotency_keys.response IS NULL AND idempotency_keys.route = excluded.route
              AND idempotency_keys.reserved_at <= excluded.reserved_at - $6)
          OR (idempotency_keys.response IS NOT NULL AND idempotency_keys.reserved_at <= excluded.reserved_at - $7)
       RETURNING owner`,
      [tenant, key, route, token, now(), options.staleAfterMs, options.expireAfterMs, options.fingerprint],
    );
    if (taken.length > 0) return { state: "reserved", token };
    const [row] = await this.scope.read((db) =>
      db.query<KeyRow>(
        "SELECT route, response, response IS NULL AS pending, fingerprint FROM idempotency_keys WHERE tenant = $1 AND key = $2",
        [tenant, key],
      ),
    );
    if (!row) return this.reserve(tenant, key, route, options);
    return row.pending
      ? { state: "pending", route: row.route, fingerprint: row.fingerprint }
      : { state: "completed", route: row.route, fingerprint: row.fingerprint, response: row.response };
  }

  async complete(tenant: Tenant, key: string, token: string, response: unknown): Promise<boolean> {
    const rows = await this.scope.mutate(
      `UPDATE idempotency_keys SET response = $4
       WHERE tenant = $1 AND key = $2 AND owner = $3 AND response IS NULL RETURNING key`,
      [tenant, key, token, JSON.stringify(response)],
    );
    return rows.length > 0;
  }

  async release(tenant: Tenant, key: string, token: string): Promise<void> {
    await this.scope.mutate(
      "DELETE FROM idempotency_keys WHERE tenant = $1 AND key = $2 AND owner = $3 AND response IS NULL RETURNING key",
      [tenant, key, token],
    );
  }

  async purge(expireAfterMs: number): Promise<number> {
    const rows = await this.scope.mutate(
      `DELETE FROM idempotency_keys WHERE response IS NOT NULL AND reserved_at <= ${NOW_MS} - $1 RETURNING key`,
      [expireAfterMs],
    );
    return rows.length;
  }
}

import { randomBytes } from "node:crypto";
import type { Tenant } from "../common.js";
import type { IdempotencyStore, Reservation, ReserveOptions } from "../idempotency.js";
import type { SqliteScope } from "./connection.js";
import { now } from "./values.js";

interface KeyRow {
  route: string;
  owner: string;
  response: string | null;
  fingerprint: string | null;
}

/** Idempotency keys on SQLite: a row per key, its `response` NULL while the request runs. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  constructor(private readonly scope: SqliteScope) {}

  reserve(tenant: Tenant, key: string, route: string, options: ReserveOptions): Promise<Reservation> {
    const token = randomBytes(12).toString("hex");
    return this.scope.write(() => {
      const t = Date.now();
      // A key nobody holds is inserted; a pending one whose holder went quiet, or a completed
      // one past its expiry, is taken over; anything else is left as it is and read back.
      const taken = this.scope
        .sql(
          `INSERT INTO idempotency_keys (tenant, key, route, owner, response, reserved_at, created_at, fingerprint)
           VALUES (@tenant, @key, @route, @token, NULL, @now, @created, @fingerprint)
           ON CONFLICT (tenant, key) DO UPDATE SET route = excluded.route, owner = excluded.owner,
             reserved_at = excluded.reserved_at, created_at = excluded.created_at,
             fingerprint = excluded.fingerprint, response = NULL
           WHERE (idempotency_keys.response IS NULL AND idempotency_keys.route = excluded.route
                  AND idempotency_keys.reserved_at <= @stale)
              OR (idempotency_keys.response IS NOT NULL AND idempotency_keys.reserved_at <= @expired)`,
        )
        .run({
          tenant,
          key,
          route,
          token,
          now: t,
          created: now(),
          fingerprint: options.fingerprint,
          stale: t - options.staleAfterMs,
          expired: t - options.expireAfterMs,
        }).changes;
      if (taken > 0) return { state: "reserved", token };
      const row = this.scope
        .sql("SELECT route, owner, response, fingerprint FROM idempotency_keys WHERE tenant = ? AND key = ?")
        .get(tenant, key) as KeyRow;
      return row.response === null
        ? { state: "pending", route: row.route, fingerprint: row.fingerprint }
        : {
            state: "completed",
            route: row.route,
            fingerprint: row.fingerprint,
            response: JSON.parse(row.response),
          };
    });
  }

  complete(tenant: Tenant, key: string, token: string, response: unknown): Promise<boolean> {
    return this.scope.write(
      () =>
        this.scope
          .sql(
            "UPDATE idempotency_keys SET response = ? WHERE tenant = ? AND key = ? AND owner = ? AND response IS NULL",
          )
          .run(JSON.stringify(response), tenant, key, token).changes > 0,
    );
  }

  release(tenant: Tenant, key: string, token: string): Promise<void> {
    return this.scope.write(() => {
      this.scope
        .sql("DELETE FROM idempotency_keys WHERE tenant = ? AND key = ? AND owner = ? AND response IS NULL")
        .run(tenant, key, token);
    });
  }

  purge(expireAfterMs: number): Promise<number> {
    return this.scope.write(
      () =>
        this.scope
          .sql("DELETE FROM idempotency_keys WHERE response IS NOT NULL AND reserved_at <= ?")
          .run(Date.now() - expireAfterMs).changes,
    );
  }
}

import { createHash } from "node:crypto";
import type { Pool, PoolClient, QueryConfig } from "pg";

/** Runs SQL and returns the rows; statements are prepared once per connection. */
export interface Queryable {
  query<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

/**
 * How an entity store runs its SQL, outside a transaction or inside one. Every write bumps the
 * database-wide write version in the same transaction, so a process that caches results keyed by
 * the version never serves what another process changed since.
 */
export interface PgScope {
  /** Runs reads; outside a transaction each statement may use another pooled connection. */
  read<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction (a savepoint inside an open one, which a failed call rolls back
   * to; the open one then fails too). The version is bumped unless `changed` says the result
   * wrote nothing.
   */
  write<T>(fn: (db: Queryable) => Promise<T>, changed?: (result: T) => boolean): Promise<T>;
  /**
   * One data-modifying statement with a RETURNING clause, in one round trip; the version is
   * bumped when it returned rows.
   */
  mutate<R>(statement: string, values: readonly unknown[]): Promise<R[]>;
}

// The write version is split over a few rows, each write bumping one picked at random, so
// concurrent writers seldom wait on each other's row; the version is their sum.
const VERSION_SHARDS = 16;
const BUMP = "UPDATE write_version SET value = value + 1 WHERE shard = $1";
const shard = () => Math.floor(Math.random() * VERSION_SHARDS);

/** The number of rows the write version is split over (the migration creates them). */
export const WRITE_VERSION_SHARDS = VERSION_SHARDS;

/** A named prepared statement for a text: parsed and planned once per connection. */
function prepared(text: string, values: readonly unknown[] | undefined): QueryConfig {
  const name = `n${createHash("sha1").update(text).digest("base64url").slice(0, 20)}`;
  return { name, text, values: values as unknown[] };
}

function queryableOf(target: Pool | PoolClient): Queryable {
  return {
    async query<R>(text: string, values?: readonly unknown[]) {
      return (await target.query(prepared(text, values))).rows as R[];
    },
  };
}

/** A short serial queue: calls made through one transaction's handle run one at a time. */
class Turns {
  private last: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.last.then(fn, fn);
    this.last = next.catch(() => {});
    return next;
  }
}

/**
 * A pool of connections to one database. Calls outside a transaction take any free connection;
 * `transaction` holds one connection for its function, whose calls go through the scope it is
 * given (a call through the store would take another connection and could wait on the
 * transaction's locks, which waits for the call).
 */
export class PgConnection {
  /** Calls from outside any transaction. */
  readonly outside: PgScope;

  constructor(readonly pool: Pool) {
    const db = queryableOf(pool);
    this.outside = {
      read: (fn) => fn(db),
      write: (fn, changed) => this.inTransaction(fn, changed),
      mutate: async <R>(statement: string, values: readonly unknown[]) => {
        const bumped = `WITH changed AS (${statement}),
          bump AS (UPDATE write_version SET value = value + 1
                   WHERE shard = $${values.length + 1} AND EXISTS (SELECT 1 FROM changed))
          SELECT * FROM changed`;
        return db.query<R>(bumped, [...values, shard()]);
      },
    };
  }

  /**
   * Runs `fn` in one transaction: it commits when `fn` resolves and rolls back when it throws.
   * Only calls through the scope `fn` is given belong to it; that scope refuses calls once the
   * transaction ended.
   */
  async transaction<T>(fn: (scope: PgScope) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const state: { open: boolean; dirty: boolean; savepoints: number; failed?: { error: unknown } } = {
      open: true,
      dirty: false,
      savepoints: 0,
    };
    const turns = new Turns();
    const db = queryableOf(client);
    const guard = <R>(work: () => Promise<R>): Promise<R> =>
      turns.run(() => {
        if (!state.open) throw new Error("A transaction's handle was used after the transaction ended");
        return work();
      });
    const savepoint = async <R>(work: () => Promise<R>): Promise<R> => {
      state.savepoints += 1;
      const name = `s${state.savepoints}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await work();
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        // As on SQLite: a failed call fails the transaction, even when `fn` catches the error.
        state.failed ??= { error };
        throw error;
      }
    };
    const scope: PgScope = {
      read: (work) => guard(() => work(db)),
      write: (work, changed) =>
        guard(() =>
          savepoint(async () => {
            const result = await work(db);
            if (!changed || changed(result)) state.dirty = true;
            return result;
          }),
        ),
      mutate: <R>(statement: string, values: readonly unknown[]) =>
        guard(() =>
          savepoint(async () => {
            const rows = await db.query<R>(statement, values);
            if (rows.length > 0) state.dirty = true;
            return rows;
          }),
        ),
    };
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      try {
        const result = await fn(scope);
        // Calls still queued on the handle finish before the commit.
        await turns.run(async () => {});
        if (state.failed) throw state.failed.error;
        if (state.dirty) await client.query(BUMP, [shard()]);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((failure: Error) => {
          broken = failure;
        });
        throw error;
      }
    } finally {
      state.open = false;
      // A connection whose rollback failed is in an unknown state: it is closed, not reused.
      client.release(broken);
    }
  }

  /** One write in its own transaction. */
  private async inTransaction<T>(
    fn: (db: Queryable) => Promise<T>,
    changed?: (result: T) => boolean,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      try {
        const result = await fn(queryableOf(client));
        if (!changed || changed(result)) await client.query(BUMP, [shard()]);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((failure: Error) => {
          broken = failure;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }
}

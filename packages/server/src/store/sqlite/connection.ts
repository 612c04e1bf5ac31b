import { AsyncLocalStorage } from "node:async_hooks";
import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";

/**
 * How an entity store runs its SQL: `read` and `write` each run a synchronous function (one
 * call's whole batch) and settle once, so an async method costs one promise per call, never one
 * per row.
 */
export interface SqliteScope {
  /** A prepared statement, prepared once per connection. */
  sql(text: string): Statement;
  /** A statement prepared for one call, for texts that vary (IN lists of any length). */
  prepare(text: string): Statement;
  /** Runs a read. */
  read<T>(fn: () => T): Promise<T>;
  /** Runs a write in one SQLite transaction that also bumps the write version. */
  write<T>(fn: () => T): Promise<T>;
}

/** The async transaction that holds the connection, and a promise that settles when it ends. */
interface Hold {
  ended: Promise<void>;
}

/**
 * One better-sqlite3 connection shared by every request. SQLite runs each statement
 * synchronously, so a call never interleaves with another, except across the awaits of an
 * async transaction: while one is open, calls from outside it wait until it ends (they would
 * otherwise run inside it and see, or join, what it has not committed).
 */
export class SqliteConnection {
  private readonly statements = new Map<string, Statement>();
  private readonly transactionContext = new AsyncLocalStorage<Hold>();
  private hold: Hold | undefined;
  private readonly writeInTransaction: (fn: () => unknown) => unknown;

  /** Calls from outside any transaction. */
  readonly outside: SqliteScope;
  /** Calls through the open transaction's handle. */
  readonly inside: SqliteScope;

  constructor(readonly db: Db) {
    const bump = db.prepare("UPDATE write_version SET value = value + 1 WHERE id = 1");
    // Nested in an open transaction, better-sqlite3 makes this a savepoint: a failed call undoes
    // only itself.
    this.writeInTransaction = db.transaction((fn: () => unknown) => {
      const result = fn();
      bump.run();
      return result;
    });
    const sql = (text: string) => this.sql(text);
    const prepare = (text: string) => db.prepare(text);
    this.outside = {
      sql,
      prepare,
      read: (fn) => this.runOutside(fn),
      write: (fn) => this.runOutside(() => this.writeInTransaction(fn) as ReturnType<typeof fn>),
    };
    this.inside = {
      sql,
      prepare,
      read: (fn) => this.runInside(fn),
      write: (fn) => this.runInside(() => this.writeInTransaction(fn) as ReturnType<typeof fn>),
    };
  }

  /** A prepared statement, prepared once. */
  sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` in one SQLite transaction that may await: it commits when `fn` resolves and rolls
   * back when it throws. Only calls through {@link inside} belong to it.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    while (this.hold) await this.endOf(this.hold);
    let end = () => {};
    const hold: Hold = { ended: new Promise<void>((resolve) => (end = resolve)) };
    this.hold = hold;
    try {
      // IMMEDIATE takes the write lock now, so the transaction cannot fail later on a lock
      // another process took in between.
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await this.transactionContext.run(hold, fn);
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      this.hold = undefined;
      end();
    }
  }

  /** Resolves when no async transaction holds the connection (at once, usually). */
  async idle(): Promise<void> {
    while (this.hold) await this.endOf(this.hold);
  }

  // The hold is checked again right before `fn` runs: another waiter may have opened a
  // transaction between the end of the previous one and this call's turn.
  private async runOutside<T>(fn: () => T): Promise<T> {
    while (this.hold) await this.endOf(this.hold);
    return fn();
  }

  private async runInside<T>(fn: () => T): Promise<T> {
    if (!this.hold || this.transactionContext.getStore() !== this.hold) {
      throw new Error("A transaction handle was used after its transaction ended, or outside it");
    }
    return fn();
  }

  /** The end of a transaction, for a call that must wait for it. */
  private endOf(hold: Hold): Promise<void> {
    // Waiting from inside the transaction itself would never end: the caller used the store
    // instead of the handle the transaction passed.
    if (this.transactionContext.getStore() === hold) {
      throw new Error("Inside store.transaction, use the handle it passes, not the store");
    }
    return hold.ended;
  }
}

import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";
import { LoopTurns } from "./loop-turns.js";
import { WalCheckpointer } from "./wal-checkpoint.js";
import { WalSync } from "./wal-sync.js";

/** How long calls from outside transactions may run back to back before requests get a turn. */
const TURN_BUDGET_MS = 10;

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
  /**
   * Runs a write in one SQLite transaction that also bumps the write version; inside an async
   * transaction, as part of it (a write that fails there fails the whole transaction, even when
   * the caller catches the error).
   */
  write<T>(fn: () => T): Promise<T>;
}

/** The async transaction that holds the connection, and a promise that settles when it ends. */
interface Hold {
  ended: Promise<void>;
  open: boolean;
  /** The first write of the transaction that failed: the transaction then commits nothing. */
  failed?: { error: unknown };
}

/**
 * One better-sqlite3 connection shared by every request. SQLite runs each statement
 * synchronously, so a call never interleaves with another, except across the awaits of an
 * async transaction: while one is open, calls from outside it wait until it ends (they would
 * otherwise run inside it and see, or join, what it has not committed). So a transaction's
 * function must make its calls through the scope it is given: a call through the store would
 * wait for the transaction, which waits for the call.
 */
export class SqliteConnection {
  private readonly statements = new Map<string, Statement>();
  private hold: Hold | undefined;
  private readonly turns = new LoopTurns(TURN_BUDGET_MS);
  private readonly writeInTransaction: (fn: () => unknown) => unknown;
  private readonly bump: () => void;
  /** Flushes the WAL after commits; none for a database without one (in memory) or a read-only one. */
  private readonly wal: WalSync | undefined;
  /** Copies the WAL into the database beside the event loop; none without a WAL. */
  private readonly checkpoints: WalCheckpointer | undefined;

  /** Calls from outside any transaction. */
  readonly outside: SqliteScope;

  constructor(readonly db: Db) {
    const bump = db.prepare("UPDATE write_version SET value = value + 1 WHERE id = 1");
    this.bump = () => bump.run();
    const write = db.transaction((fn: () => unknown) => {
      const result = fn();
      bump.run();
      return result;
    });
    // IMMEDIATE: a write that reads first (an upsert) would otherwise fail at once, without
    // waiting, when another process committed after its read.
    this.writeInTransaction = write.immediate;
    const journal = db.pragma("journal_mode", { simple: true });
    // A read-only connection (listings) commits nothing, so it has nothing to flush.
    this.wal = !db.memory && !db.readonly && journal === "wal" ? new WalSync(`${db.name}-wal`) : undefined;
    if (this.wal) {
      // Checkpoints run on a thread of their own (see WalCheckpointer), not inside commits.
      db.pragma("wal_autocheckpoint = 0");
      this.checkpoints = new WalCheckpointer(db.name, () => {
        if (db.open) db.pragma("wal_autocheckpoint = 1000");
      });
    }
    this.outside = {
      sql: (text) => this.sql(text),
      prepare: (text) => db.prepare(text),
      read: (fn) => this.runOutside(fn),
      write: async (fn) => {
        const result = await this.runOutside(() => this.writeInTransaction(fn) as ReturnType<typeof fn>);
        this.checkpoints?.committed();
        await this.durable();
        return result;
      },
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
   * back when it throws. Only calls through the scope `fn` is given belong to it; that scope
   * refuses calls once the transaction ended.
   */
  async transaction<T>(fn: (scope: SqliteScope) => Promise<T>): Promise<T> {
    const result = await this.holdTransaction(fn);
    // After the hold is released: other calls go on while the commit reaches the disk.
    await this.durable();
    return result;
  }

  /** Resolves once every transaction committed so far is on disk (see {@link WalSync}). */
  durable(): Promise<void> {
    return this.wal ? this.wal.flushed() : Promise.resolve();
  }

  private async holdTransaction<T>(fn: (scope: SqliteScope) => Promise<T>): Promise<T> {
    // Checked again after every wake-up: another waiter may have opened a transaction first.
    while (this.hold) await this.hold.ended;
    let end = () => {};
    const hold: Hold = { ended: new Promise<void>((resolve) => (end = resolve)), open: true };
    this.hold = hold;
    try {
      // IMMEDIATE takes the write lock now, so the transaction cannot fail later on a lock
      // another process took in between.
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(this.scopeOf(hold));
        // A write that failed may have applied part of itself: the whole transaction goes.
        if (hold.failed) throw hold.failed.error;
        this.db.exec("COMMIT");
        this.checkpoints?.committed();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      hold.open = false;
      this.hold = undefined;
      end();
    }
  }

  /** Waits for the transaction in flight, then stops checkpointing (the database closes after). */
  async close(): Promise<void> {
    await this.idle();
    await this.checkpoints?.close();
  }

  /** Resolves when no async transaction holds the connection (at once, usually). */
  async idle(): Promise<void> {
    while (this.hold) await this.hold.ended;
  }

  /** The scope of one transaction's calls: they run at once, and only while it is open. */
  private scopeOf(hold: Hold): SqliteScope {
    const run = async <T>(fn: () => T): Promise<T> => {
      if (!hold.open) throw new Error("A transaction's handle was used after the transaction ended");
      return fn();
    };
    return {
      sql: (text) => this.sql(text),
      prepare: (text) => this.db.prepare(text),
      read: run,
      // No savepoint: SQLite makes every statement inside one pay for the pages written since it
      // began, so a bulk write (a thousand 2 KB vectors) would cost more per row the more it wrote.
      // A failed write instead fails the transaction (see `holdTransaction`).
      write: (fn) =>
        run(() => {
          if (hold.failed) throw hold.failed.error;
          try {
            const result = fn();
            this.bump();
            return result;
          } catch (error) {
            hold.failed = { error };
            throw error;
          }
        }),
    };
  }

  // The hold is checked again right before `fn` runs: another waiter may have opened a
  // transaction between the end of the previous one and this call's turn.
  private async runOutside<T>(fn: () => T): Promise<T> {
    const turn = this.turns.due();
    if (turn) await turn;
    while (this.hold) await this.hold.ended;
    return fn();
  }
}

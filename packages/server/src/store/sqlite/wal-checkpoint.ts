import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** The write-ahead log's size past which checkpoints begin: SQLite's own default (1,000 pages of 4 KiB). */
const START_BYTES = 4 * 1024 * 1024;
/** The least time between two checkpoints: those of a burst of commits run as one. */
const SPACING_MS = 100;

/**
 * The checkpoint thread's code. It opens its own connection to the database and, on each message,
 * copies what the write-ahead log holds into the database (PASSIVE: it never waits for, or
 * blocks, the connection that commits). `synchronous = NORMAL` makes SQLite flush the log before
 * the copy and the database after it, so the log is reused only once its pages are on disk.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const messageOf = (error) => String(error && error.message ? error.message : (error && error.code) || error);
let db;
let openError;
try {
  const Database = require(workerData.module);
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  db.pragma("wal_autocheckpoint = 0");
} catch (error) {
  openError = messageOf(error);
}
parentPort.on("message", (message) => {
  if (message === "close") {
    if (db) db.close();
    parentPort.close();
    return;
  }
  if (openError) {
    parentPort.postMessage({ ok: false, fatal: true, message: "cannot open the database: " + openError });
    return;
  }
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, fatal: !/busy|locked/i.test(messageOf(error)), message: messageOf(error) });
  }
});
`;

/** What a checkpoint reported: the log's frames, and how many of them are in the database now. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/** What the checkpoint thread answers. */
interface Report {
  ok: boolean;
  log?: number;
  checkpointed?: number;
  /** The thread cannot checkpoint this database at all (as opposed to: not now, it is busy). */
  fatal?: boolean;
  message?: string;
}

/** Where better-sqlite3 is, for the checkpoint thread (which loads it itself). */
function betterSqlitePath(): string {
  // `import.meta.url` is empty in the CommonJS build, where `__filename` is there instead.
  const here = typeof __filename === "string" ? __filename : import.meta.url;
  return createRequire(here).resolve("better-sqlite3");
}

/**
 * Checkpoints a WAL database on a thread of its own. SQLite would otherwise checkpoint inside the
 * commit that takes the log past 1,000 pages, on the event loop: copying the pages and flushing
 * the log and the database there held every request for tens of milliseconds (55 ms in each
 * 1,000-vector upload). The connection that commits turns its own checkpoints off and calls
 * {@link WalCheckpointer.committed} after each commit; checkpoints then run beside it, at most
 * one at a time and one per {@link SPACING_MS}, once the log has grown past {@link START_BYTES}.
 * The thread starts with the first checkpoint, so a small database never starts it.
 *
 * @example
 * ```ts
 * const checkpoints = new WalCheckpointer(db.name);
 * db.exec("INSERT ...");
 * checkpoints.committed();
 * await checkpoints.close();
 * ```
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private running: ((result: CheckpointResult) => void) | undefined;
  private runningPromise: Promise<CheckpointResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStarted = 0;
  private closed = false;

  constructor(
    /** The database file (`Db.name`); its log is this path plus `-wal`. */
    private readonly path: string,
    /** Called if the thread cannot run: the committing connection then checkpoints for itself again. */
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** Says a transaction committed: a checkpoint follows soon if the log is large enough. */
  committed(): void {
    if (this.closed || this.timer || this.runningPromise) return;
    if (!this.worker && this.logBytes() < START_BYTES) return;
    const wait = Math.max(0, this.lastStarted + SPACING_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.checkpoint();
    }, wait);
    this.timer.unref();
  }

  /** Copies the log into the database now, on the checkpoint thread; answers what it reported. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.runningPromise) return this.runningPromise;
    if (this.closed) return Promise.resolve({ log: 0, checkpointed: 0 });
    const worker = this.start();
    this.lastStarted = Date.now();
    const promise = new Promise<CheckpointResult>((resolve) => {
      this.running = resolve;
    });
    this.runningPromise = promise;
    worker.postMessage("checkpoint");
    return promise;
  }

  /** Waits for a checkpoint in flight, then stops the thread (closing its connection). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.runningPromise;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage("close");
    await exited;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: this.path, module: betterSqlitePath() },
    });
    // The thread never keeps the process alive: SQLite checkpoints what is left on close.
    worker.unref();
    worker.on("message", (message: Report) => {
      // A busy database (a long read) is retried after the next commit; other failures stop the thread.
      if (!message.ok && message.fatal)
        this.fail(new Error(`checkpoint of ${this.path}: ${message.message}`));
      this.settle({ log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
    });
    worker.on("error", (error) => {
      this.fail(error);
      this.settle({ log: 0, checkpointed: 0 });
    });
    this.worker = worker;
    return worker;
  }

  /** Stops checkpointing here for good and hands checkpoints back to the committing connection. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.onFailure(error);
  }

  private settle(result: CheckpointResult): void {
    const resolve = this.running;
    this.running = undefined;
    this.runningPromise = undefined;
    resolve?.(result);
  }

  private logBytes(): number {
    try {
      return statSync(`${this.path}-wal`).size;
    } catch {
      return 0;
    }
  }
}

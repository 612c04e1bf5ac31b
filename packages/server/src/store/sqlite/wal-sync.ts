import { open } from "node:fs/promises";

/**
 * Makes committed SQLite transactions durable without blocking the event loop.
 *
 * The database commits with `synchronous = NORMAL`: a commit writes its pages to the WAL file
 * but does not flush it. A write is acknowledged only after {@link WalSync.flushed} resolves,
 * that is after an `fdatasync` of the WAL file that began after its commit, run on libuv's
 * thread pool. Requests go on being served while the disk syncs, and the writes committed
 * meanwhile share the next flush (group commit), instead of one blocking fsync each.
 *
 * @example
 * ```ts
 * const sync = new WalSync(`${db.name}-wal`);
 * db.exec("INSERT ...");
 * await sync.flushed(); // the insert is on disk
 * ```
 */
export class WalSync {
  /** The flush in flight, if any. */
  private current: Promise<void> | undefined;
  /** The flush that begins when the current one ends, shared by every caller meanwhile. */
  private queued: Promise<void> | undefined;

  /**
   * `walPath`: the database's write-ahead log (its path plus `-wal`); `sync` flushes a file to
   * disk (`fdatasync`; replaceable to observe when flushes begin and end).
   */
  constructor(
    private readonly walPath: string,
    private readonly sync: (path: string) => Promise<void> = syncFile,
  ) {}

  /** Resolves once everything committed before this call is on disk. */
  flushed(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.current) return this.begin();
    // The flush in flight may have begun before the caller's commit: wait for the next one.
    const queued = this.current
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.begin();
      });
    this.queued = queued;
    return queued;
  }

  private begin(): Promise<void> {
    const flush = this.sync(this.walPath).finally(() => {
      if (this.current === flush) this.current = undefined;
    });
    this.current = flush;
    return flush;
  }
}

/** Flushes a file's data to disk; a file that does not exist (any more) has nothing to flush. */
export async function syncFile(path: string): Promise<void> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "r");
  } catch (error) {
    // No log: SQLite removed it on close, after checkpointing (and syncing) it into the database.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}

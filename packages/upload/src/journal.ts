import { closeSync, existsSync, fdatasync, fdatasyncSync, openSync, readFileSync, writeSync } from "node:fs";
import type { ChunkCounts, Failure } from "./report.js";

const JOURNAL_VERSION = 2;

/** What identifies an upload, so a journal is never applied to another one. */
export interface JournalHeader {
  /** The journal format; version 2 names chunks cut by count first, then by bytes. */
  version: typeof JOURNAL_VERSION;
  /** A random id made on the first run; idempotency keys derive from it. */
  uploadId: string;
  operation: string;
  target: string;
  maxCount: number;
  maxBytes: number;
}

/** One acknowledged chunk. */
export interface JournalEntry {
  chunk: number;
  counts: ChunkCounts;
  failures: Failure[];
}

/**
 * A small append-only file recording each acknowledged chunk. A record is written before the
 * chunk counts as done, so a crash of the process loses none; it reaches the disk a few
 * milliseconds later, flushed in the background so the upload never waits on the disk. After a
 * crash of the whole machine the last few records may be missing: those chunks are sent again
 * under the same idempotency keys and counted once. Rerunning the same upload with the same
 * journal skips the recorded chunks.
 */
export class Journal {
  private readonly fd: number;
  /** The background flush, while one runs. */
  private flushing: Promise<void> | undefined;
  /** Records written since the last flush began. */
  private dirty = false;
  private flushError: unknown;
  readonly header: JournalHeader;
  /** Acknowledged chunks of earlier runs, by chunk index. */
  readonly done: Map<number, JournalEntry>;

  private constructor(fd: number, header: JournalHeader, done: Map<number, JournalEntry>) {
    this.fd = fd;
    this.header = header;
    this.done = done;
  }

  /** Opens a journal, creating it for this upload or checking it belongs to it. */
  static open(path: string, expected: Omit<JournalHeader, "version" | "uploadId">): Journal {
    const done = new Map<number, JournalEntry>();
    let header: JournalHeader | undefined;
    if (existsSync(path)) {
      const lines = readFileSync(path, "utf8").split("\n");
      for (const line of lines) {
        if (line.trim() === "") continue;
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch {
          continue; // a line cut short by a crash: that chunk was not acknowledged
        }
        if (!header) header = record as JournalHeader;
        else done.set((record as JournalEntry).chunk, record as JournalEntry);
      }
    }
    if (header) {
      if (header.version !== JOURNAL_VERSION) {
        throw new Error(
          `The journal ${path} was written by another version of @nucleus/upload (format ${header.version}, this one reads ${JOURNAL_VERSION}); use a new journal file`,
        );
      }
      const same =
        header.operation === expected.operation &&
        header.target === expected.target &&
        header.maxCount === expected.maxCount &&
        header.maxBytes === expected.maxBytes;
      if (!same) {
        throw new Error(
          `The journal ${path} belongs to another upload (${header.operation} to ${header.target}); use a new journal file for this one`,
        );
      }
      return new Journal(openSync(path, "a"), header, done);
    }
    const fresh: JournalHeader = {
      version: JOURNAL_VERSION,
      uploadId: globalThis.crypto.randomUUID(),
      ...expected,
    };
    const fd = openSync(path, "w");
    writeSync(fd, `${JSON.stringify(fresh)}\n`);
    // The header names the upload's idempotency keys: on disk before any chunk is sent.
    fdatasyncSync(fd);
    return new Journal(fd, fresh, done);
  }

  /**
   * Records an acknowledged chunk: written at once, flushed to disk in the background (a
   * synchronous flush per chunk would stall every request in flight while the disk syncs).
   */
  record(entry: JournalEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.dirty = true;
    this.flushing ??= this.flush();
  }

  /** Waits until every record is on disk, then closes the file; throws if a flush failed. */
  async close(): Promise<void> {
    await this.flushing;
    closeSync(this.fd);
    if (this.flushError !== undefined) throw this.flushError;
  }

  /** Flushes until nothing written is left unflushed; one flush covers every record before it. */
  private async flush(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await new Promise<void>((resolve, reject) =>
          fdatasync(this.fd, (error) => (error ? reject(error) : resolve())),
        );
      }
    } catch (error) {
      this.flushError ??= error;
    } finally {
      this.flushing = undefined;
    }
  }
}

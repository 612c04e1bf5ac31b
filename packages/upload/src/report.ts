/** An entry that was not uploaded, and why. */
export interface Failure {
  /** Position of the entry in the input. */
  index: number;
  /** Its reference id, when it has one. */
  referenceId?: string;
  /** What went wrong: a validation message or the server's reason. */
  reason: string;
}

/** What the server acknowledged for one chunk. */
export interface ChunkCounts {
  new: number;
  updated: number;
  ignored: number;
  processed: number;
  failed: number;
}

/** The outcome of a whole upload. */
export interface UploadReport {
  operation: "append" | "annotate" | "uploadPredictions" | "predict";
  /** Entries read from the input. */
  total: number;
  /** Items created (item uploads). */
  new: number;
  /** Items replaced (item uploads with `update`). */
  updated: number;
  /** Entries the server already had and left alone. */
  ignored: number;
  /** Entries written: created or replaced. */
  processed: number;
  /** Entries not uploaded; each is in `failures`. */
  failed: number;
  /**
   * Entries of chunks an earlier run had already sent, per the journal, and not sent again
   * (their counts are included above).
   */
  fromJournal: number;
  failures: Failure[];
  chunks: {
    /** Chunks acknowledged in this run. */
    sent: number;
    /** Chunks acknowledged by an earlier run, per the journal, and not sent again. */
    skipped: number;
    /** Retried attempts. */
    retries: number;
  };
  /** Wall time of this run. */
  seconds: number;
}

/** True when nothing failed. */
export function succeeded(report: UploadReport): boolean {
  return report.failed === 0;
}

/** Progress of an upload, for a progress bar. */
export interface UploadProgress {
  /** Entries acknowledged or failed so far (chunks skipped from the journal included). */
  done: number;
  /** Entries in the input, when known. */
  total?: number;
  failed: number;
  /** Bytes of acknowledged chunks in this run. */
  bytes: number;
  /** Entries per second in this run. */
  rate: number;
  /** Seconds left at this rate, when the total is known. */
  etaSeconds?: number;
}

/**
 * Keeps the counts of one upload while it runs: what the server acknowledged, what failed, what
 * an earlier run had done (from the journal), and the progress reported after each chunk.
 *
 * @example
 * ```ts
 * import { ReportBuilder } from "@nucleus/upload";
 *
 * const builder = new ReportBuilder("append", 3, (progress) => console.log(progress.done));
 * builder.acknowledged({ new: 3, updated: 0, ignored: 0, processed: 3, failed: 0 }, [], 120);
 * console.log(builder.finish().new); // 3
 * ```
 */
export class ReportBuilder {
  private readonly started = performance.now();
  private readonly report: UploadReport;
  /** Entries acknowledged or failed so far, earlier runs included. */
  private done = 0;
  /** Entries acknowledged or failed by this run. */
  private doneThisRun = 0;
  private bytes = 0;

  constructor(
    operation: UploadReport["operation"],
    /** Entries in the input, when known. */
    private readonly total: number | undefined,
    private readonly onProgress?: (progress: UploadProgress) => void,
  ) {
    this.report = {
      operation,
      total: 0,
      new: 0,
      updated: 0,
      ignored: 0,
      processed: 0,
      failed: 0,
      fromJournal: 0,
      failures: [],
      chunks: { sent: 0, skipped: 0, retries: 0 },
      seconds: 0,
    };
  }

  /** The input has at least `count` entries (the report's total grows as chunks are read). */
  seen(count: number): void {
    this.report.total = Math.max(this.report.total, count);
  }

  /** A chunk this run sent was acknowledged with these counts, bytes and failed entries. */
  acknowledged(counts: ChunkCounts, failures: readonly Failure[], bytes: number): void {
    this.add(counts, failures);
    const settled = counts.processed + counts.ignored + failures.length;
    this.doneThisRun += settled;
    this.bytes += bytes;
    this.report.chunks.sent += 1;
    this.progress();
  }

  /** A chunk an earlier run had sent, as the journal recorded it; not sent again. */
  resumed(counts: ChunkCounts, failures: readonly Failure[]): void {
    this.add(counts, failures);
    this.report.fromJournal += counts.processed + counts.ignored + failures.length;
    this.report.chunks.skipped += 1;
    this.progress();
  }

  /** One more attempt at a chunk. */
  retried(): void {
    this.report.chunks.retries += 1;
  }

  /** The report, with failures in input order and the run's wall time. */
  finish(): UploadReport {
    this.report.failures.sort((a, b) => a.index - b.index);
    this.report.seconds = (performance.now() - this.started) / 1000;
    return this.report;
  }

  private add(counts: ChunkCounts, failures: readonly Failure[]): void {
    this.report.new += counts.new;
    this.report.updated += counts.updated;
    this.report.ignored += counts.ignored;
    this.report.processed += counts.processed;
    this.report.failures.push(...failures);
    this.report.failed += failures.length;
    this.done += counts.processed + counts.ignored + failures.length;
  }

  private progress(): void {
    if (!this.onProgress) return;
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.doneThisRun / elapsed : 0;
    const update: UploadProgress = { done: this.done, failed: this.report.failed, bytes: this.bytes, rate };
    if (this.total !== undefined) {
      update.total = this.total;
      if (rate > 0) update.etaSeconds = Math.max(0, (this.total - this.done) / rate);
    }
    this.onProgress(update);
  }
}

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

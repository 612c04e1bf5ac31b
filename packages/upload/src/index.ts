/**
 * `@nucleus/upload`: large uploads to Nucleus that are fast, resumable, and never lose or
 * duplicate anything. Built on `@nucleus/core`; it never talks HTTP itself.
 *
 * @example
 * ```ts
 * import { NucleusClient } from "@nucleus/core";
 * import { Uploader } from "@nucleus/upload";
 *
 * const uploader = new Uploader(new NucleusClient(), { concurrency: 8, journal: "./upload.journal" });
 * const report = await uploader.append("ds_...", items);
 * console.log(report.new, report.ignored, report.failed);
 * ```
 *
 * @packageDocumentation
 */
export { type Chunk, type ChunkOptions, chunked } from "./chunk.js";
export { Journal, type JournalEntry, type JournalHeader } from "./journal.js";
export { readNdjson } from "./ndjson.js";
export { runPool } from "./pool.js";
export {
  type ChunkCounts,
  type Failure,
  ReportBuilder,
  succeeded,
  type UploadProgress,
  type UploadReport,
} from "./report.js";
export { DEFAULT_RETRY, isFatal, isRetryable, type RetryPolicy, retryDelay } from "./retry.js";
export { type Source, sizeOf } from "./source.js";
export { chunkKey, type UploadCallOptions, Uploader, type UploaderOptions } from "./uploader.js";

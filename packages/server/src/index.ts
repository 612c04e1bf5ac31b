/**
 * `@nucleus/server`: a local server that speaks the Nucleus REST protocol, so the official
 * Python client, `@nucleus/core` and curl work against it unchanged. One process, one data
 * folder: SQLite (WAL) for records, a content-addressed folder for uploaded files.
 *
 * @example
 * ```ts
 * import { createServer } from "@nucleus/server";
 *
 * const server = await createServer({ dataDir: "./nucleus-data", apiKeys: ["my-key"], port: 8080 });
 * // NucleusClient("my-key", endpoint=server.url) in Python
 * ```
 *
 * @packageDocumentation
 */

export {
  type DataLocation,
  DUMP_FORMAT,
  DUMP_VERSION,
  type DumpLine,
  type DumpOwner,
  dumpDataset,
  type ExportCounts,
  type ImportResult,
  loadDump,
  migrateStorage,
  UnknownDatasetError,
} from "./dump/index.js";
export { tenantOf } from "./http/auth.js";
export { storedApiKey } from "./keys.js";
export type { S3Options } from "./media/bucket.js";
export {
  createNucleusApp,
  createServer,
  ListenError,
  type NucleusServer,
  type NucleusServerOptions,
  type RunningNucleusServer,
} from "./server.js";
export type { ReviewStatus } from "./store/curation.js";
export type {
  DatasetRecord,
  LabelInput,
  ModelRecord,
  ModelRunRecord,
  NewItem,
  SliceRecord,
  SliceType,
} from "./store/index.js";
export type { FrameItemType, SceneKind } from "./store/scenes.js";
export type { TaxonomyKind } from "./store/taxonomies.js";
export type { Comparison, ScenarioEvaluationStatus } from "./store/validate.js";

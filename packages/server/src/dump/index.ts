/** Moving a dataset between servers and backends: a portable dump, and schema migrations. */

export { UnknownDatasetError } from "./errors.js";
export type { ExportCounts } from "./export.js";
export { DUMP_FORMAT, DUMP_VERSION, type DumpLine } from "./format.js";
export type { ImportResult } from "./import.js";
export { type DataLocation, migrateStorage } from "./open.js";
export { type DumpOwner, dumpDataset, loadDump } from "./tasks.js";

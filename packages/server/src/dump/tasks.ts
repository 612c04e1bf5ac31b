import { readTenantSecret } from "../db/data-folder.js";
import { tenantOf } from "../http/tenants.js";
import { exportDataset } from "./export.js";
import type { DumpLine } from "./format.js";
import { type ImportResult, importDataset } from "./import.js";
import { type DataLocation, openMediaAt, openStoreAt } from "./open.js";

/**
 * Whose data: the API key, and the secret servers on a database share (`NUCLEUS_SECRET`); a data
 * folder's servers use the folder's own secret.
 */
export interface DumpOwner {
  apiKey: string;
  secret?: string | undefined;
}

/**
 * The owner's tenant id at a location, as its servers derive it: with the shared secret when one
 * is given, else (on a data folder) with the folder's own.
 */
function tenantAt(location: DataLocation, owner: DumpOwner) {
  if (owner.secret) return tenantOf(owner.apiKey, Buffer.from(owner.secret, "hex"));
  if (location.dataDir && !location.database)
    return tenantOf(owner.apiKey, readTenantSecret(location.dataDir));
  return tenantOf(owner.apiKey);
}

/**
 * Writes the portable dump of a dataset kept at `location` (a data folder or a database), one
 * line at a time: its items and labels, taxonomies, tags, reviews, image hashes, embeddings,
 * scenes and tracks, runs with their predictions, slices, scenario tests with their evaluations,
 * and the media keys they name.
 *
 * @example
 * ```ts
 * import { createWriteStream } from "node:fs";
 * import { dumpDataset } from "@nucleus/server";
 *
 * const out = createWriteStream("cars.ndjson");
 * await dumpDataset({ dataDir: "./nucleus-data" }, { apiKey: "my-key" }, "ds_...", (line) => {
 *   out.write(`${JSON.stringify(line)}\n`);
 * });
 * ```
 */
export async function dumpDataset(
  location: DataLocation,
  owner: DumpOwner,
  datasetId: string,
  write: (line: DumpLine) => Promise<void> | void,
): ReturnType<typeof exportDataset> {
  const store = await openStoreAt(location);
  try {
    return await exportDataset(store, tenantAt(location, owner), datasetId, write);
  } finally {
    await store.close();
  }
}

/**
 * Loads a dump into `location` as a new dataset of the owner's key. With `copyMediaFrom`, the
 * files the dump names that the location's media lacks are copied from there (the source's data
 * folder or bucket).
 *
 * @example
 * ```ts
 * import { loadDump } from "@nucleus/server";
 *
 * const result = await loadDump(
 *   { database: "postgres://nucleus@db/nucleus", media: "s3://media/nucleus" },
 *   { apiKey: "my-key", secret: process.env.NUCLEUS_SECRET },
 *   lines, // an AsyncIterable of parsed dump lines
 *   { copyMediaFrom: { dataDir: "./nucleus-data" } },
 * );
 * console.log(result.datasetId);
 * ```
 */
export async function loadDump(
  location: DataLocation,
  owner: DumpOwner,
  lines: AsyncIterable<DumpLine>,
  options: { copyMediaFrom?: DataLocation } = {},
): Promise<ImportResult> {
  const store = await openStoreAt(location);
  const media = openMediaAt(location);
  const source = options.copyMediaFrom ? openMediaAt(options.copyMediaFrom) : undefined;
  try {
    return await importDataset(store, tenantAt(location, owner), lines, {
      ...(media ? { media } : {}),
      ...(source ? { copyMedia: source } : {}),
    });
  } finally {
    // Files still being copied into a bucket finish before the store closes.
    await media?.close();
    await source?.close();
    await store.close();
  }
}

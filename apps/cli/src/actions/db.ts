/** The work of `nu db ...`: storage opened directly through @nucleus/server. */
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import type { DataLocation, DumpLine } from "@nucleus/server";
import type { Context } from "../command.js";
import { resolveDataDir } from "../config.js";
import { CliError } from "../output.js";

/** The storage the flags name: a database, else the data folder. */
function locationOf(c: Context): DataLocation {
  // An explicit --data wins over NUCLEUS_DATABASE_URL from the environment (not over --database).
  const database =
    c.flag("database") ?? (c.flag("data") === undefined ? c.io.env.NUCLEUS_DATABASE_URL : undefined);
  const media = c.flag("media") ?? c.io.env.NUCLEUS_MEDIA;
  const endpoint = c.flag("s3-endpoint");
  const s3 = endpoint ? { s3: { endpoint } } : {};
  if (database) return { database, ...(media ? { media } : {}), ...s3 };
  return { dataDir: resolveDataDir(c.args.flags, c.io), ...(media ? { media } : {}), ...s3 };
}

/** The key whose data is read or written, and the shared secret of servers on a database. */
async function ownerOf(c: Context, location: DataLocation) {
  const { storedApiKey } = await import("@nucleus/server");
  const apiKey =
    c.flag("api-key") ??
    c.io.env.NUCLEUS_API_KEY ??
    (location.dataDir ? storedApiKey(location.dataDir).key : undefined);
  if (!apiKey) {
    throw new CliError(
      "No API key",
      "A database's data belongs to keys",
      "Pass --api-key or set NUCLEUS_API_KEY",
    );
  }
  // As the servers do: the shared secret on a database, the folder's own secret on a data folder.
  const secret = location.database ? c.io.env.NUCLEUS_SECRET : undefined;
  if (location.database && !secret) {
    throw new CliError(
      "No secret",
      "Servers on a database derive tenants with their shared secret",
      "Set NUCLEUS_SECRET to the servers' secret",
    );
  }
  return { apiKey, secret };
}

/** `nu db migrate`. */
export async function migrate(c: Context): Promise<void> {
  const { migrateStorage } = await import("@nucleus/server");
  const location = locationOf(c);
  const { applied, known } = await migrateStorage(location);
  const where = location.database ? "the database" : location.dataDir;
  if (c.json) c.print({ applied, version: known });
  else
    c.io.out(
      `${applied === 0 ? "Nothing to do" : `Applied ${applied} migration${applied === 1 ? "" : "s"}`}: ${where} is at schema version ${known}\n`,
    );
}

/** What else a dump carried, beside items, labels, runs and slices: only the kinds it had. */
function extras(given: object): string {
  const counts = given as Partial<Record<string, number>>;
  const names: [string, string][] = [
    ["taxonomies", "taxonomies"],
    ["itemTags", "tagged items"],
    ["reviews", "reviews"],
    ["phashes", "image hashes"],
    ["embeddings", "embeddings"],
    ["scenes", "scenes"],
    ["sceneLabels", "scene labels"],
    ["tracks", "tracks"],
    ["scenarioTests", "scenario tests"],
    ["evaluations", "scenario test evaluations"],
  ];
  return names
    .filter(([key]) => (counts[key] ?? 0) > 0)
    .map(([key, name]) => `, ${counts[key]} ${name}`)
    .join("");
}

/** `nu db export <dataset>` (an id or a name). */
export async function exportDump(c: Context): Promise<void> {
  const { dumpDataset } = await import("@nucleus/server");
  const location = locationOf(c);
  const datasetId = c.arg(0, "dataset");
  const file = c.flag("out");
  const out = file ? createWriteStream(file) : undefined;
  const write = (line: DumpLine) => {
    const text = `${JSON.stringify(line)}\n`;
    if (!out) return c.io.out(text);
    if (!out.write(text)) return new Promise<void>((resolve) => out.once("drain", () => resolve()));
  };
  const counts = await dumpDataset(location, await ownerOf(c, location), datasetId, write).catch(
    (error: unknown) => {
      if ((error as Error)?.name !== "UnknownDatasetError") throw error;
      throw new CliError(
        "Unknown dataset",
        (error as Error).message,
        "List this key's datasets with `nu datasets list` (against a server on the same storage)",
      );
    },
  );
  if (out) {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    if (c.json) c.print({ file, ...counts });
    else
      c.io.err(
        `Wrote ${file}: ${counts.items} items, ${counts.annotations} annotations, ${counts.runs} runs with ${counts.predictions} predictions, ${counts.slices} slices${extras(counts)}\n`,
      );
  }
}

/** `nu db import <file>`. */
export async function importDump(c: Context): Promise<void> {
  const { loadDump } = await import("@nucleus/server");
  const location = locationOf(c);
  const file = c.arg(0, "file");
  const from = c.flag("media-from");
  const endpoint = c.flag("s3-endpoint");
  async function* lines(): AsyncIterable<DumpLine> {
    for await (const text of createInterface({
      input: createReadStream(file),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      if (text.trim() !== "") yield JSON.parse(text) as DumpLine;
    }
  }
  const result = await loadDump(location, await ownerOf(c, location), lines(), {
    ...(from ? { copyMediaFrom: { media: from, ...(endpoint ? { s3: { endpoint } } : {}) } } : {}),
  });
  if (c.json) {
    c.print(result);
    return;
  }
  const { counts } = result;
  c.io.out(
    `Imported dataset ${result.datasetId}: ${counts.items} items, ${counts.annotations} annotations, ${counts.runs} runs with ${counts.predictions} predictions, ${counts.slices} slices${extras(counts)}, ${counts.media} files copied\n`,
  );
  for (const [was, now] of Object.entries(result.renamedTests ?? {}))
    c.io.err(
      `Scenario test ${JSON.stringify(was)} is named ${JSON.stringify(now)} here (the name was taken)\n`,
    );
  for (const [old, made] of Object.entries(result.ids)) c.io.out(`  ${old} -> ${made}\n`);
  if (result.missingMedia.length > 0) {
    c.io.err(
      `Warning: ${result.missingMedia.length} files the dump names were not found (pass --media-from)\n`,
    );
  }
}

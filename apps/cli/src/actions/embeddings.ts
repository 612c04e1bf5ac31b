/**
 * The work of `nu embeddings upload`, `nu embeddings uniqueness`, `nu embeddings representativeness`,
 * `nu items similar` and `nu items near-duplicates`.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { EmbeddingInput } from "@nucleus/core";
import type { Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { CliError, table } from "../output.js";

async function datasetOf(c: Context): Promise<string> {
  return resolveDatasetId(c.client(), c.flag("dataset") as string);
}

/** The entries of an NDJSON file, read a line at a time; a bad line stops with its number. */
async function* entriesOf(file: string): AsyncGenerator<EmbeddingInput> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n += 1;
      if (line.trim() === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new CliError("Bad embeddings file", `${file}:${n}: not JSON (${(error as Error).message})`);
      }
      const entry = parsed as { reference_id?: unknown; vector?: unknown };
      if (typeof entry.reference_id !== "string" || entry.reference_id === "")
        throw new CliError("Bad embeddings file", `${file}:${n}: reference_id must be a non-empty string`);
      if (!Array.isArray(entry.vector) || !entry.vector.every((x) => typeof x === "number"))
        throw new CliError("Bad embeddings file", `${file}:${n}: vector must be a list of numbers`);
      yield { referenceId: entry.reference_id, vector: entry.vector as number[] };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new CliError("No such file", `${file} does not exist`);
    throw error;
  }
}

/** The reference ids of a text file, one a line (blank lines skipped). */
async function* idsOf(file: string): AsyncGenerator<{ id: string; line: number }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    const id = line.trim();
    if (id !== "") yield { id, line: n };
  }
}

/**
 * The vectors of a file of little-endian float32 numbers, end to end, named in order by the ids
 * of `idsFile`: each vector is the file's size over the number of ids (a whole number of floats).
 */
async function* binaryEntriesOf(file: string, idsFile: string): AsyncGenerator<EmbeddingInput> {
  const ids: string[] = [];
  for await (const { id } of idsOf(idsFile)) ids.push(id);
  const { size } = await stat(file);
  if (ids.length === 0) throw new CliError("Bad ids file", `${idsFile} lists no reference id`);
  const dimension = size / 4 / ids.length;
  if (!Number.isInteger(dimension) || dimension === 0)
    throw new CliError(
      "Bad embeddings file",
      `${file} has ${size} bytes, which is not ${ids.length} vectors (one per line of ${idsFile}) of 4-byte floats`,
    );
  const width = dimension * 4;
  let pending: Buffer = Buffer.alloc(0);
  let next = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let at = 0;
    for (; at + width <= pending.length; at += width) {
      const vector = new Float32Array(dimension);
      for (let j = 0; j < dimension; j += 1) vector[j] = pending.readFloatLE(at + j * 4);
      yield { referenceId: ids[next] as string, vector };
      next += 1;
    }
    pending = pending.subarray(at);
  }
}

/** `nu embeddings upload FILE --dataset D`. */
export async function uploadEmbeddingsFile(c: Context): Promise<void> {
  const file = c.arg(0, "file");
  const datasetId = await datasetOf(c);
  const batchSize = c.integer("batch-size");
  const idsFile = c.flag("ids") as string | undefined;
  const entries = idsFile ? binaryEntriesOf(file, idsFile) : entriesOf(file);
  const result = await c
    .client()
    .getDataset(datasetId)
    .uploadEmbeddings(entries, batchSize ? { batchSize } : {});
  if (c.json) c.print(result);
  else
    c.io.out(
      `Uploaded ${result.uploaded} vectors of ${result.dimension} numbers; the dataset holds ${result.total}.\n`,
    );
}

/** `nu items similar REF --dataset D [--k N] [--where Q]`. */
export async function similarItems(c: Context): Promise<void> {
  const referenceId = c.arg(0, "reference-id");
  const metric = metricOf(c);
  const datasetId = await datasetOf(c);
  const k = c.integer("k");
  const where = c.flag("where");
  const run = c.flag("run");
  const slice = c.flag("slice");
  const exact = Boolean(c.args.flags.exact);
  const results = await c
    .client()
    .getDataset(datasetId)
    .similar({
      referenceId,
      ...(k ? { k } : {}),
      ...(metric ? { metric } : {}),
      ...(where ? { query: where } : {}),
      ...(run ? { modelRun: run } : {}),
      ...(slice ? { slice } : {}),
      ...(exact ? { exact } : {}),
    });
  if (c.json) {
    c.print(results);
    return;
  }
  c.io.out(
    `${table(
      results.map((r) => ({ ...r, distance: r.distance.toFixed(6) })),
      ["referenceId", "distance", "itemId"],
      ["REFERENCE ID", "DISTANCE", "ITEM ID"],
    )}\n`,
  );
}

/** The metric flag, checked. */
function metricOf(c: Context): "cosine" | "l2" | undefined {
  const metric = c.flag("metric");
  if (metric !== undefined && metric !== "cosine" && metric !== "l2")
    throw new CliError("Bad option", `--metric must be cosine or l2, not ${JSON.stringify(metric)}`);
  return metric;
}

/** `nu items near-duplicates --dataset D [--threshold X] [--slice-name NAME]`. */
export async function nearDuplicateItems(c: Context): Promise<void> {
  const metric = metricOf(c);
  const text = c.flag("threshold") as string | undefined;
  const threshold = text === undefined ? undefined : Number(text);
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= 0 && threshold <= 2))
    throw new CliError("Bad option", `--threshold must be a number from 0 to 2, not ${JSON.stringify(text)}`);
  const neighbours = c.integer("neighbours");
  const sliceName = c.flag("slice-name") as string | undefined;
  const dataset = c.client().getDataset(await datasetOf(c));
  const found = await dataset.nearDuplicates({
    ...(threshold !== undefined ? { threshold } : {}),
    ...(metric ? { metric } : {}),
    ...(neighbours ? { neighbours } : {}),
  });
  const slice = sliceName
    ? await dataset.nearDuplicateSlice(found.jobId, sliceName, {
        keep: c.args.flags["groups-only"] ? "groups" : "unique",
      })
    : undefined;
  if (c.json) {
    c.print({ ...found, ...(slice ? { slice } : {}) });
    return;
  }
  c.io.out(
    `${found.groups.length} groups, ${found.duplicates} duplicates among ${found.searched} items (${found.metric} distance up to ${found.threshold})\n`,
  );
  found.groups.forEach((group, i) => {
    c.io.out(`group ${i + 1}: ${group.items.map((item) => item.referenceId).join(" ")}\n`);
  });
  if (slice) c.io.out(`Slice ${slice.sliceId} "${slice.name}": ${slice.items} items\n`);
}

/** `nu embeddings uniqueness --dataset D [--neighbours N]` and `nu embeddings representativeness --dataset D [--clusters N] [--iterations N]`. */
export async function scoreEmbeddings(c: Context, score: "uniqueness" | "representativeness"): Promise<void> {
  const dataset = c.client().getDataset(await datasetOf(c));
  const neighbours = c.integer("neighbours");
  const clusters = c.integer("clusters");
  const iterations = c.integer("iterations");
  const done =
    score === "uniqueness"
      ? await dataset.scoreUniqueness({ ...(neighbours ? { neighbours } : {}) })
      : await dataset.scoreRepresentativeness({
          ...(clusters ? { clusters } : {}),
          ...(iterations ? { iterations } : {}),
        });
  if (c.json) {
    c.print(done);
    return;
  }
  const grouped = done.clusters !== undefined ? ` in ${done.clusters} clusters` : "";
  c.io.out(
    `Scored the ${score} of ${done.scored} items${grouped} (job ${done.jobId}); query embedding.${score}.\n`,
  );
}

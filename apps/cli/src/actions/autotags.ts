/** The work of `nu autotag ...` and `nu embeddings map`. */
import { createWriteStream } from "node:fs";
import type { AutotagInfo, Dataset } from "@nucleus/core";
import type { Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { CliError, table } from "../output.js";

async function datasetOf(c: Context): Promise<Dataset> {
  return c.client().getDataset(await resolveDatasetId(c.client(), c.flag("dataset") as string));
}

/** The dataset's autotag with this name (or id). */
async function autotagOf(dataset: Dataset, name: string): Promise<AutotagInfo> {
  const tags = await dataset.autotagDetails();
  const found = tags.find((t) => t.name === name) ?? tags.find((t) => t.id === name);
  if (!found)
    throw new CliError(
      "No such autotag",
      `dataset ${dataset.id} has no autotag named ${JSON.stringify(name)}${tags.length ? ` (it has: ${tags.map((t) => t.name).join(", ")})` : ""}`,
    );
  return found;
}

/** A list flag given several times. */
function listFlag(c: Context, name: string): string[] {
  const value = c.args.flags[name];
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
}

/** A score flag, checked to lie in [-1, 1]. */
function scoreFlag(c: Context, name: string): number | undefined {
  const text = c.flag(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isFinite(value) && value >= -1 && value <= 1))
    throw new CliError("Bad option", `--${name} must be a number from -1 to 1, not ${JSON.stringify(text)}`);
  return value;
}

function describe(c: Context, tag: AutotagInfo): void {
  if (c.json) {
    c.print(tag);
    return;
  }
  c.io.out(
    `Autotag ${tag.id} "${tag.name}": ${tag.status}, ${tag.positives ?? 0} positives, ${tag.negatives ?? 0} negatives, ${tag.refinementRounds ?? 0} refinement rounds, ${tag.scored ?? 0} items scored\n`,
  );
  if (tag.error) c.io.out(`Last training failed: ${tag.error}\n`);
}

/** `nu autotag create NAME REF... --dataset D [--negative REF]...`. */
export async function createAutotagCommand(c: Context): Promise<void> {
  const name = c.arg(0, "name");
  const positives = c.args.positionals.slice(1);
  if (positives.length === 0)
    throw new CliError(
      "Missing examples",
      "give the reference ids of items that show the concept after the name",
    );
  const dataset = await datasetOf(c);
  const tag = await dataset.createAutotag({
    name,
    positives,
    negatives: listFlag(c, "negative"),
    wait: !c.args.flags["no-wait"],
    pollInterval: 200,
  });
  describe(c, tag);
}

/** `nu autotag refine NAME --dataset D [--accept REF]... [--reject REF]...`. */
export async function refineAutotagCommand(c: Context): Promise<void> {
  const accept = listFlag(c, "accept");
  const reject = listFlag(c, "reject");
  if (accept.length + reject.length === 0)
    throw new CliError("Nothing to refine", "give --accept or --reject at least once");
  const dataset = await datasetOf(c);
  const tag = await autotagOf(dataset, c.arg(0, "name"));
  describe(
    c,
    await dataset.refineAutotag(tag, { accept, reject, wait: !c.args.flags["no-wait"], pollInterval: 200 }),
  );
}

/** `nu autotag list --dataset D`. */
export async function listAutotagsCommand(c: Context): Promise<void> {
  const tags = await (await datasetOf(c)).autotagDetails();
  if (c.json) {
    c.print(tags);
    return;
  }
  c.io.out(
    `${table(
      tags.map((t) => ({ ...t, rounds: t.refinementRounds })),
      ["name", "status", "positives", "negatives", "rounds", "scored", "id"],
      ["NAME", "STATUS", "POSITIVES", "NEGATIVES", "ROUNDS", "SCORED", "ID"],
    )}\n`,
  );
}

/** `nu autotag items NAME --dataset D [--min-score X] [--limit N]`. */
export async function autotagItemsCommand(c: Context): Promise<void> {
  const minScore = scoreFlag(c, "min-score");
  const limit = c.integer("limit") ?? 50;
  const dataset = await datasetOf(c);
  const tag = await autotagOf(dataset, c.arg(0, "name"));
  const items = await dataset
    .autotagItems(tag, minScore === undefined ? {} : { minScore })
    .toArray({ limit });
  if (c.json) {
    c.print(items);
    return;
  }
  c.io.out(
    `${table(
      items.map((item) => ({ ...item, score: item.score.toFixed(4) })),
      ["referenceId", "score", "itemId"],
      ["REFERENCE ID", "SCORE", "ITEM ID"],
    )}\n`,
  );
}

/** `nu autotag slice NAME SLICE_NAME --dataset D [--threshold X]`. */
export async function autotagSliceCommand(c: Context): Promise<void> {
  const threshold = scoreFlag(c, "threshold");
  const sliceName = c.arg(1, "slice-name");
  const dataset = await datasetOf(c);
  const tag = await autotagOf(dataset, c.arg(0, "name"));
  const slice = await dataset.autotagSlice(tag, sliceName, threshold === undefined ? {} : { threshold });
  if (c.json) c.print(slice);
  else c.io.out(`Slice ${slice.sliceId} "${slice.name}": ${slice.items} items\n`);
}

/** `nu autotag delete NAME --dataset D`. */
export async function deleteAutotagCommand(c: Context): Promise<void> {
  const dataset = await datasetOf(c);
  const tag = await autotagOf(dataset, c.arg(0, "name"));
  await dataset.deleteAutotag(tag);
  if (c.json) c.print({ deleted: tag.id });
  else c.io.out(`Deleted autotag ${tag.id} "${tag.name}"\n`);
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** `nu embeddings map --dataset D [--format csv|json] [--output FILE] [--force]`. */
export async function embeddingMapCommand(c: Context): Promise<void> {
  const format = c.flag("format") ?? "csv";
  if (format !== "csv" && format !== "json")
    throw new CliError("Bad option", `--format must be csv or json, not ${JSON.stringify(format)}`);
  const output = c.flag("output");
  const dataset = await datasetOf(c);
  const map = await dataset.embeddingMap({ force: Boolean(c.args.flags.force), pollInterval: 200 });
  const file = output ? createWriteStream(output) : undefined;
  const write = (text: string) =>
    file
      ? new Promise<void>((resolve, reject) =>
          file.write(text, (error) => (error ? reject(error) : resolve())),
        )
      : Promise.resolve(c.io.out(text));
  let rows = 0;
  if (format === "csv") await write("item_id,reference_id,x,y\n");
  else await write(`{"map":${JSON.stringify(map)},"points":[`);
  for await (const p of dataset.embeddingMapPoints()) {
    if (format === "csv") await write(`${p.itemId},${csvField(p.referenceId)},${p.x},${p.y}\n`);
    else
      await write(
        `${rows === 0 ? "" : ","}\n${JSON.stringify({ item_id: p.itemId, reference_id: p.referenceId, x: p.x, y: p.y })}`,
      );
    rows += 1;
  }
  if (format === "json") await write("\n]}\n");
  if (file) {
    await new Promise<void>((resolve, reject) =>
      file.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    c.io.err(
      `Wrote ${rows} points to ${output} (${map.method}${map.cached ? ", the kept map" : ""}; explained variance ${JSON.stringify(map.details.explained_variance ?? null)})\n`,
    );
  }
}

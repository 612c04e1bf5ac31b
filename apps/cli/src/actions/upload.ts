import { mkdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { NotFoundError } from "@nucleus/core";
import type { Annotation, Prediction } from "@nucleus/schemas";
import { Uploader, type UploadReport } from "@nucleus/upload";
import { UsageError } from "../args.js";
import type { Context } from "../command.js";
import { datasetFlag } from "../dataset-ref.js";
import { csvItems, type EntryKind, imagesIn, isCoco, nucleusEntries, readJsonFile } from "../entries.js";
import { CliError, progressBar } from "../output.js";
import { cocoLabels } from "./coco.js";

/** Where an upload keeps its journal unless `--resume` names one. */
function defaultJournal(c: Context, kind: EntryKind, datasetId: string): string {
  const cache = c.io.env.XDG_CACHE_HOME || join(c.io.env.HOME ?? homedir(), ".cache");
  const dir = join(cache, "nucleus", "uploads");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return join(dir, `${kind}-${datasetId}-${stamp}.journal`);
}

/** The dataset of `--dataset`, checked to exist before anything is read or sent. */
async function targetDataset(c: Context): Promise<string> {
  const datasetId = await datasetFlag(c);
  try {
    await c.client().getDataset(datasetId).info();
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new CliError(
        "No such dataset",
        `Dataset ${datasetId} does not exist, so nothing was uploaded`,
        "List datasets with `nu datasets list`, or create one with `nu datasets create NAME`",
      );
    throw error;
  }
  return datasetId;
}

/** The command line that resumes this upload with `journal`. */
function resumeLine(argv: readonly string[], journal: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === "--resume") i += 1;
    else if (!arg.startsWith("--resume="))
      kept.push(/^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
  }
  return `nu ${[...kept, "--resume", journal].join(" ")}`;
}

/**
 * Runs one upload with a progress bar and a journal. Ctrl-C stops it cleanly and says how to
 * resume; a journal made here is removed once the upload has finished.
 */
async function upload(
  c: Context,
  kind: EntryKind,
  datasetId: string,
  start: (uploader: Uploader) => Promise<UploadReport>,
  total?: number,
): Promise<number> {
  const bar = progressBar(c.io, !c.json && !c.io.env.CI);
  const given = c.flag("resume");
  const journal = given ?? defaultJournal(c, kind, datasetId);
  const controller = new AbortController();
  let acknowledged = 0;
  const batchSize = c.integer("batch-size");
  const uploader = new Uploader(c.client(), {
    concurrency: c.integer("concurrency") ?? 4,
    ...(batchSize ? { batchSize } : {}),
    journal,
    signal: controller.signal,
    onProgress: (p) => {
      acknowledged = p.done;
      bar.update(p.done, p.total ?? total, p.rate);
    },
  });
  const interrupt = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", interrupt);
  let report: UploadReport;
  try {
    report = await start(uploader);
  } catch (error) {
    bar.done();
    if (controller.signal.aborted) {
      c.io.err(
        `Interrupted after ${acknowledged} entries were acknowledged. Nothing acknowledged is lost.\nJournal: ${journal}\nResume with: ${resumeLine(c.argv, journal)}\n`,
      );
      return 130;
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", interrupt);
  }
  if (!given) rmSync(journal, { force: true });
  return finish(c, report, bar);
}

function finish(c: Context, report: UploadReport, bar: ReturnType<typeof progressBar>): number {
  bar.done();
  if (c.json) c.print(report);
  else {
    const resumed = report.fromJournal
      ? ` (${report.fromJournal} skipped: already acknowledged per the journal)`
      : "";
    c.io.out(
      `${report.operation}: ${report.total} read, ${report.new || report.processed} written, ${report.ignored} ignored, ${report.failed} failed${resumed} (${report.seconds.toFixed(1)} s)\n`,
    );
    for (const f of report.failures.slice(0, 50))
      c.io.err(`  #${f.index}${f.referenceId ? ` (${f.referenceId})` : ""}: ${f.reason}\n`);
    if (report.failures.length > 50)
      c.io.err(`  ...and ${report.failures.length - 50} more (use --json for all)\n`);
  }
  return report.failed > 0 ? 1 : 0;
}

/** The source argument, which must exist. */
function sourceArg(c: Context, name: string): { path: string; isDirectory: boolean } {
  const path = c.arg(0, name);
  try {
    return { path, isDirectory: statSync(path).isDirectory() };
  } catch {
    throw new UsageError(`${path} does not exist`);
  }
}

/** Ground truth or predictions from a COCO JSON document or a Nucleus file. */
function labelEntries<K extends "annotations" | "predictions">(c: Context, kind: K, path: string) {
  if (path.endsWith(".json")) {
    const document = readJsonFile(path);
    if (isCoco(document)) {
      const predictions = kind === "predictions";
      return cocoLabels(path, predictions, c.flag("gt")) as K extends "annotations"
        ? Annotation[]
        : Prediction[];
    }
    return nucleusEntries(kind, path, document);
  }
  return nucleusEntries(kind, path);
}

/** `nu upload items`: a folder of images, or an NDJSON, JSON or CSV file of items. */
export async function uploadItems(c: Context): Promise<number> {
  const source = sourceArg(c, "dir-or-file");
  const datasetId = await targetDataset(c);
  const stringColumns = (c.flag("string-columns") ?? "")
    .split(",")
    .map((column) => column.trim())
    .filter(Boolean);
  const items = source.isDirectory
    ? [...imagesIn(source.path)]
    : source.path.endsWith(".csv")
      ? csvItems(source.path, stringColumns)
      : nucleusEntries("items", source.path);
  return upload(
    c,
    "items",
    datasetId,
    (uploader) => uploader.append(datasetId, items, { update: Boolean(c.args.flags.update) }),
    Array.isArray(items) ? items.length : undefined,
  );
}

/** `nu upload annotations`: ground truth from Nucleus NDJSON/JSON or COCO JSON. */
export async function uploadAnnotations(c: Context): Promise<number> {
  const { path } = sourceArg(c, "file");
  const datasetId = await targetDataset(c);
  const entries = labelEntries(c, "annotations", path);
  return upload(c, "annotations", datasetId, (uploader) =>
    uploader.annotate(datasetId, entries, { update: Boolean(c.args.flags.update) }),
  );
}

/** `nu upload predictions`: a model's predictions from Nucleus NDJSON/JSON or COCO results JSON. */
export async function uploadPredictions(c: Context): Promise<number> {
  const { path } = sourceArg(c, "file");
  const datasetId = await targetDataset(c);
  const modelId = c.flag("model") as string;
  const entries = labelEntries(c, "predictions", path);
  return upload(c, "predictions", datasetId, (uploader) =>
    uploader.uploadPredictions(datasetId, modelId, entries, { update: Boolean(c.args.flags.update) }),
  );
}

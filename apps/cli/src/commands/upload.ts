import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import {
  Annotation,
  type Annotation as AnnotationData,
  DatasetItem,
  Prediction,
  type Prediction as PredictionData,
} from "@nucleus/schemas";
import { readNdjson, Uploader, type UploadReport } from "@nucleus/upload";
import type { Command, Context } from "../command.js";
import { CliError, progressBar } from "../output.js";
import { cocoLabels } from "./coco.js";

const IMAGE = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"]);

const uploadFlags = {
  dataset: { type: "string", description: "the dataset id" },
  resume: {
    type: "string",
    description: "a journal file: rerun with it to send only what was not acknowledged",
  },
  update: { type: "boolean", description: "replace existing entries instead of ignoring them" },
  concurrency: { type: "string", description: "requests in flight (default 4)" },
} as const;

function uploaderFor(
  c: Context,
  total?: number,
): { uploader: Uploader; bar: ReturnType<typeof progressBar> } {
  const bar = progressBar(c.io, !c.json && !c.io.env.CI);
  const resume = c.flag("resume");
  const uploader = new Uploader(c.client(), {
    concurrency: Number(c.flag("concurrency") ?? 4),
    ...(resume ? { journal: resume } : {}),
    onProgress: (p) => bar.update(p.done, p.total ?? total, p.rate),
  });
  return { uploader, bar };
}

function finish(c: Context, report: UploadReport, bar: ReturnType<typeof progressBar>): number {
  bar.done();
  if (c.json) c.print(report);
  else {
    c.io.out(
      `${report.operation}: ${report.total} read, ${report.new || report.processed} written, ${report.ignored} ignored, ${report.failed} failed (${report.seconds.toFixed(1)} s)\n`,
    );
    for (const f of report.failures.slice(0, 50))
      c.io.err(`  #${f.index}${f.referenceId ? ` (${f.referenceId})` : ""}: ${f.reason}\n`);
    if (report.failures.length > 50)
      c.io.err(`  ...and ${report.failures.length - 50} more (use --json for all)\n`);
  }
  return report.failed > 0 ? 1 : 0;
}

function datasetOf(c: Context): string {
  const id = c.flag("dataset");
  if (!id)
    throw new CliError(
      "Missing option",
      "--dataset is required",
      "Pass --dataset DATASET_ID (see nu datasets list)",
    );
  return id;
}

function* imagesIn(dir: string, root = dir): Generator<{ imageUrl: string; referenceId: string }> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* imagesIn(path, root);
    else if (IMAGE.has(extname(name).toLowerCase()))
      yield { imageUrl: path, referenceId: relative(root, path) };
  }
}

/** Items from a CSV with a header naming `image_url` and `reference_id` (other columns become metadata). */
function* csvItems(path: string): Generator<DatasetItem> {
  const [header, ...rows] = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  const columns = (header ?? "").split(",").map((c) => c.trim());
  if (!columns.includes("image_url") || !columns.includes("reference_id")) {
    throw new CliError(
      "Bad CSV",
      `${path} needs image_url and reference_id columns`,
      "Add a header line: image_url,reference_id,...",
    );
  }
  for (const row of rows) {
    const values = row.split(",");
    const record = Object.fromEntries(columns.map((c, i) => [c, values[i]?.trim() ?? ""]));
    const { image_url, reference_id, ...metadata } = record;
    yield { imageUrl: image_url as string, referenceId: reference_id as string, metadata };
  }
}

/** `nu upload items|annotations|predictions`. */
export const uploadCommands: Command[] = [
  {
    path: ["upload", "items"],
    summary: "upload a folder of images, or an NDJSON or CSV file of items",
    usage: "<dir-or-file>",
    flags: uploadFlags,
    async run(c) {
      const source = c.arg(0, "dir-or-file");
      const datasetId = datasetOf(c);
      const items = statSync(source).isDirectory()
        ? [...imagesIn(source)]
        : source.endsWith(".csv")
          ? [...csvItems(source)]
          : readNdjson(source, DatasetItem);
      const { uploader, bar } = uploaderFor(c, Array.isArray(items) ? items.length : undefined);
      return finish(
        c,
        await uploader.append(datasetId, items, { update: Boolean(c.args.flags.update) }),
        bar,
      );
    },
  },
  {
    path: ["upload", "annotations"],
    summary: "upload ground truth from Nucleus NDJSON or COCO JSON",
    usage: "<file>",
    flags: uploadFlags,
    async run(c) {
      const file = c.arg(0, "file");
      const datasetId = datasetOf(c);
      const entries = file.endsWith(".json")
        ? (cocoLabels(file, false) as AnnotationData[])
        : readNdjson(file, Annotation);
      const { uploader, bar } = uploaderFor(c);
      return finish(
        c,
        await uploader.annotate(datasetId, entries, { update: Boolean(c.args.flags.update) }),
        bar,
      );
    },
  },
  {
    path: ["upload", "predictions"],
    summary: "upload a model's predictions from Nucleus NDJSON or COCO results JSON",
    usage: "<file>",
    flags: {
      ...uploadFlags,
      model: { type: "string", description: "the model id" },
      gt: { type: "string", description: "the COCO ground truth the results refer to (COCO input)" },
    },
    async run(c) {
      const file = c.arg(0, "file");
      const datasetId = datasetOf(c);
      const modelId = c.flag("model");
      if (!modelId)
        throw new CliError(
          "Missing option",
          "--model is required",
          "Pass --model MODEL_ID (see nu models list)",
        );
      const entries = file.endsWith(".json")
        ? (cocoLabels(file, true, c.flag("gt")) as PredictionData[])
        : readNdjson(file, Prediction);
      const { uploader, bar } = uploaderFor(c);
      return finish(
        c,
        await uploader.uploadPredictions(datasetId, modelId, entries, {
          update: Boolean(c.args.flags.update),
        }),
        bar,
      );
    },
  },
];

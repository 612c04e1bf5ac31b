/**
 * The common end of every `nu import`: find or create the dataset, upload the items (local
 * image files), the ground truth and optionally a model's predictions, and report every entry
 * that was not imported (refused while reading, or by the server) with exit code 1.
 */
import type { Annotation, NucleusClient, Prediction } from "@nucleus/core";
import type { DatasetItem } from "@nucleus/schemas";
import { Uploader, type UploadReport } from "@nucleus/upload";
import type { Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { progressBar } from "../output.js";
import { type Problem, reportProblems } from "./problems.js";

/** Where an entry came from, to name it when the server refuses it. */
export type Origin = Pick<Problem, "file" | "entry">;

/** Everything one import uploads, and what was refused while reading the files. */
export interface ImportPlan {
  /** The `--dataset` value: an existing dataset's id or name, or the name of a new one. */
  dataset: string;
  items: DatasetItem[];
  /** For each item, the file it came from. */
  itemOrigins: Origin[];
  annotations: Annotation[];
  annotationOrigins: Origin[];
  predictions?: { model: string; labels: Prediction[]; origins: Origin[] };
  problems: Problem[];
}

const DATASET_ID = /^ds_[0-9a-z]+$/;

/**
 * The dataset an import writes to: an existing one named by id or name, else a new one with
 * that name (so running an import again adds to the same dataset).
 *
 * @example
 * ```ts
 * const { id, created } = await datasetForImport(client, "street-scenes");
 * ```
 */
export async function datasetForImport(
  client: NucleusClient,
  ref: string,
): Promise<{ id: string; created: boolean }> {
  if (!DATASET_ID.test(ref)) {
    const datasets = await client.listDatasets();
    if (!datasets.some((d) => d.id === ref || d.name === ref)) {
      const dataset = await client.createDataset(ref);
      return { id: dataset.id, created: true };
    }
  }
  return { id: await resolveDatasetId(client, ref), created: false };
}

/** The model called `name` (by name or reference id), created when there is none. */
async function modelNamed(client: NucleusClient, name: string) {
  const models = await client.listModels();
  return (
    models.find((m) => m.id === name || m.name === name || m.referenceId === name) ??
    (await client.addModel({ name, referenceId: name }))
  );
}

function refused(report: UploadReport, origins: readonly Origin[]): Problem[] {
  return report.failures.map((f) => ({
    ...(origins[f.index] ?? { file: "", entry: `#${f.index}` }),
    message: `refused: ${f.reason}`,
  }));
}

/**
 * Runs an import plan and prints its summary; returns the exit code (1 when any entry was not
 * imported).
 *
 * @example
 * ```ts
 * return runImport(c, { dataset: "voc", items, itemOrigins, annotations, annotationOrigins, problems });
 * ```
 */
export async function runImport(c: Context, plan: ImportPlan): Promise<number> {
  const client = c.client();
  const dataset = await datasetForImport(client, plan.dataset);
  const bar = progressBar(c.io, !c.json && !c.io.env.CI);
  const uploader = new Uploader(client, {
    concurrency: 4,
    onProgress: (p) => bar.update(p.done, p.total, p.rate),
  });
  const problems = [...plan.problems];
  const items = await uploader.append(dataset.id, plan.items);
  problems.push(...refused(items, plan.itemOrigins));
  const labels = await uploader.annotate(dataset.id, plan.annotations);
  problems.push(...refused(labels, plan.annotationOrigins));
  const summary: Record<string, unknown> = {
    datasetId: dataset.id,
    created: dataset.created,
    items: items.new,
    annotations: labels.processed,
  };
  if (plan.predictions) {
    const model = await modelNamed(client, plan.predictions.model);
    const run = await model.createRun({ name: `${model.name} on ${plan.dataset}`, dataset: dataset.id });
    const predictions = await uploader.predict(run.id, plan.predictions.labels);
    problems.push(...refused(predictions, plan.predictions.origins));
    await run.commit();
    Object.assign(summary, { modelId: model.id, runId: run.id, predictions: predictions.processed });
  }
  bar.done();
  summary.failed = problems.length;
  if (c.json) c.print({ ...summary, problems });
  else {
    c.print(summary, Object.keys(summary));
    if (problems.length > 0) {
      c.io.err(`${problems.length} entries were not imported:\n`);
      reportProblems(c.io.err, problems);
    }
  }
  return problems.length > 0 ? 1 : 0;
}

/** What every export reads from Nucleus: a dataset's (or slice's) rows, and a model's predictions. */
import type { ModelRun, NucleusClient } from "@nucleus/core";
import type { ExportRow, PredictionGroups } from "@nucleus/schemas";
import { CliError } from "../output.js";

/**
 * Every export row of a dataset, or of one of its slices.
 *
 * @example
 * ```ts
 * const rows = await exportRows(client, "ds_123");
 * ```
 */
export async function exportRows(
  client: NucleusClient,
  datasetId: string,
  sliceId?: string,
): Promise<ExportRow[]> {
  if (sliceId) return client.getSlice(sliceId).export();
  return client.getDataset(datasetId).export().toArray({ limit: Number.POSITIVE_INFINITY });
}

/**
 * The latest run of a model (given by id, name or reference id) on a dataset.
 *
 * @example
 * ```ts
 * const run = await modelRunOf(client, "ds_123", "yolov8n");
 * ```
 */
export async function modelRunOf(
  client: NucleusClient,
  datasetId: string,
  modelRef: string,
): Promise<ModelRun> {
  const models = await client.listModels();
  const model =
    models.find((m) => m.id === modelRef) ??
    models.find((m) => m.name === modelRef) ??
    models.find((m) => m.referenceId === modelRef);
  if (!model)
    throw new CliError(
      "No such model",
      `No model has the id, name or reference id "${modelRef}"`,
      "List them with `nu models list`",
    );
  const info = await client.getDataset(datasetId).info();
  const runs = await Promise.all(
    info.modelRunIds.map(async (id) => {
      const run = await client.getModelRun(id);
      return { run, info: await run.info() };
    }),
  );
  const match = runs.reverse().find((r) => r.info.modelId === model.id);
  if (!match)
    throw new CliError(
      "No predictions",
      `Model ${model.id} (${model.name}) has no run on dataset ${datasetId}`,
      "Upload predictions first (nu upload predictions, or an import with --predictions)",
    );
  return match.run;
}

/**
 * The predictions of a run on each row's item, a few items at a time.
 *
 * @example
 * ```ts
 * const predictions = await predictionsOf(run, rows);
 * ```
 */
export async function predictionsOf(
  run: ModelRun,
  rows: readonly ExportRow[],
): Promise<{ referenceId: string; predictions: PredictionGroups }[]> {
  const out: { referenceId: string; predictions: PredictionGroups }[] = [];
  for (let i = 0; i < rows.length; i += 8) {
    const batch = rows.slice(i, i + 8).map((row) => row.item.referenceId as string);
    out.push(
      ...(await Promise.all(
        batch.map(async (referenceId) => ({ referenceId, predictions: await run.refloc(referenceId) })),
      )),
    );
  }
  return out;
}

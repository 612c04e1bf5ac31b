/**
 * What the pages show about datasets, runs and slices, each read through `@nucleus/core`: one
 * function per view, returning plain data.
 */
import type { Evaluation, EvaluationCharts, ModelRun, NucleusClient } from "@nucleus/core";
import { effectiveQuery } from "./curation.js";

/** A dataset as the datasets page lists it. */
export interface DatasetSummary {
  id: string;
  name: string;
  items: number;
  runs: RunSummary[];
  slices: SliceSummary[];
  /** Item metadata fields the dataset declared (others are found in the items). */
  metadataFields: string[];
}

/** A model run: its name, model and status. */
export interface RunSummary {
  id: string;
  name: string;
  modelId: string;
  status: string;
  datasetId: string;
}

/** A slice: its name and type, and for a slice made from a query, that query. */
export interface SliceSummary {
  id: string;
  name: string;
  type: string;
  /** A dynamic slice is its query, read again on every read. */
  dynamic: boolean;
  query: string | undefined;
}

/** Reads a run's info. */
export async function runSummary(
  client: NucleusClient,
  id: string,
  signal?: AbortSignal,
): Promise<RunSummary> {
  const run = await client.getModelRun(id, signal ? { signal } : {});
  const info = await run.info(signal ? { signal } : {});
  return { id, name: info.name, modelId: info.modelId, status: info.status, datasetId: run.datasetId };
}

/** A dataset with its size, runs and slices. */
export async function datasetSummary(client: NucleusClient, id: string): Promise<DatasetSummary> {
  const dataset = client.getDataset(id);
  const [info, slices] = await Promise.all([dataset.info(), dataset.slices()]);
  const [runs, sliceInfos] = await Promise.all([
    Promise.all(info.modelRunIds.map((runId) => runSummary(client, runId))),
    Promise.all(slices.map((slice) => slice.info())),
  ]);
  const schema = info.itemMetadataSchema as
    | { fields?: { name?: string }[] }
    | Record<string, unknown>
    | null
    | undefined;
  return {
    id,
    name: info.name,
    items: info.length,
    runs,
    slices: sliceInfos.map((s) => {
      const extra = s as { dynamic?: boolean | null; query?: string | null };
      return {
        id: s.sliceId ?? s.id,
        name: s.name,
        type: s.type,
        dynamic: extra.dynamic === true,
        query: extra.query ?? undefined,
      };
    }),
    metadataFields: metadataFieldsOf(schema),
  };
}

/** Field names of a metadata schema definition, whatever shape it was given in. */
function metadataFieldsOf(schema: unknown): string[] {
  if (!schema || typeof schema !== "object") return [];
  const fields = (schema as { fields?: unknown }).fields;
  if (Array.isArray(fields)) return fields.flatMap((f) => (typeof f?.name === "string" ? [f.name] : []));
  return Object.keys(schema);
}

/** Every dataset of the session, with sizes, runs and slices. */
export async function listDatasetSummaries(client: NucleusClient): Promise<DatasetSummary[]> {
  const datasets = await client.listDatasets();
  return Promise.all(datasets.map((d) => datasetSummary(client, d.id)));
}

/** The newest evaluation of a run that finished, else the newest of any status, else none. */
export async function latestEvaluation(run: ModelRun): Promise<Evaluation | undefined> {
  const evaluations = await run.evaluations();
  return evaluations.find((e) => e.data?.status === "succeeded") ?? evaluations[0];
}

/** A run with its newest evaluation and that evaluation's charts at an IoU threshold. */
export interface RunReport {
  run: RunSummary;
  evaluation?: {
    id: string;
    status: string;
    errorMessage?: string | null;
    allowedLabelMatches: [string, string][];
  };
  charts?: EvaluationCharts;
  /** Items of the subset the charts cover, when they cover a slice or a query. */
  subsetItems?: number;
}

/** Part of a dataset: the items of a slice, or of a query (both: the query within the slice). */
export interface Subset {
  sliceId?: string | undefined;
  query?: string | undefined;
}

/** Reads what the run page shows: for the whole run, or for a subset of its items. */
export async function runReport(
  client: NucleusClient,
  runId: string,
  iouThreshold: number,
  subset: Subset = {},
): Promise<RunReport> {
  const run = await client.getModelRun(runId);
  const summary = await runSummary(client, runId);
  const evaluation = await latestEvaluation(run);
  if (!evaluation) return { run: summary };
  const info = evaluation.data ?? (await evaluation.info());
  const allowed = (info.allowedLabelMatches ?? []).map(
    (m) => [m.groundTruthLabel ?? "", m.modelPredictionLabel ?? ""] as [string, string],
  );
  const base = {
    run: summary,
    evaluation: {
      id: evaluation.id,
      status: info.status,
      errorMessage: info.errorMessage,
      allowedLabelMatches: allowed,
    },
  };
  if (info.status !== "succeeded") return base;
  if (subset.sliceId || subset.query) {
    // The route takes a query or a slice: a query within a slice names the slice in the query.
    const result = await run.evaluation(
      subset.query
        ? { iouThreshold, query: effectiveQuery(subset.query, subset.sliceId) }
        : { iouThreshold, slice: subset.sliceId as string },
    );
    return { ...base, charts: result.charts, subsetItems: result.items };
  }
  return { ...base, charts: await evaluation.charts({ iouThreshold }) };
}

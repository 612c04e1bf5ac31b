/**
 * What the query bar and the facets read: the dataset's vocabulary (metadata keys and their
 * values, labels, tags) and the facets of a query, through `@nucleus/core`.
 */
import type { Facets, NucleusClient } from "@nucleus/core";
import type { MetadataTypes, ValueType } from "@nucleus/query";
import type { Vocabulary } from "../query/complete.js";

/** The vocabulary of a dataset, and the metadata types that let the query bar check comparisons. */
export interface DatasetVocabulary extends Vocabulary {
  types: MetadataTypes;
}

const VALUE_TYPES = new Set<ValueType>(["number", "string", "boolean", "list"]);

/** Values a key the vocabulary offers (and the whole dataset's facets read, to serve both). */
export const VOCABULARY_VALUES = 50;
/** Values a key the facet panel shows. */
export const PANEL_VALUES = 12;

/**
 * Reads the metadata schema and the facets of the whole dataset; `wholeFacets`, when the grid has
 * already read them (its query is empty), saves the second read of the same facets.
 */
export async function datasetVocabulary(
  client: NucleusClient,
  datasetId: string,
  sliceNames: readonly string[],
  wholeFacets?: Facets,
): Promise<DatasetVocabulary> {
  const dataset = client.getDataset(datasetId);
  const [schema, facets] = await Promise.all([
    dataset.metadataSchema(),
    wholeFacets ?? dataset.facets("", { topValues: VOCABULARY_VALUES }),
  ]);
  const values = new Map(facets.metadata.map((m) => [m.key, m.values?.map((v) => v.value)]));
  const types: Record<string, ValueType> = {};
  for (const key of schema.keys) {
    // A key holding values of several kinds stays unchecked ("any").
    if (key.types.length === 1 && VALUE_TYPES.has(key.type as ValueType))
      types[key.key] = key.type as ValueType;
  }
  return {
    types,
    metadata: schema.keys.map((k) => ({
      key: k.key,
      type: k.type,
      ...(values.get(k.key) ? { values: values.get(k.key) } : {}),
    })),
    labels: facets.annotations.map((l) => l.label),
    predictionLabels: [...new Set(facets.predictions.flatMap((p) => p.labels.map((l) => l.label)))],
    slices: sliceNames,
    tags: facets.tags.map((t) => t.tag),
  };
}

/**
 * The facets of a query's items (predictions of one run when given). For the whole dataset (no
 * query, no run) it reads as many values as the vocabulary offers, so the same answer serves the
 * query bar: each facets read holds the server for a while at 100,000 items.
 */
export function queryFacets(
  client: NucleusClient,
  datasetId: string,
  query: string,
  modelRun: string | undefined,
  signal?: AbortSignal,
): Promise<Facets> {
  return client.getDataset(datasetId).facets(query, {
    bins: 12,
    topValues: isWholeDataset(query, modelRun) ? VOCABULARY_VALUES : PANEL_VALUES,
    ...(modelRun ? { modelRun } : {}),
    ...(signal ? { signal } : {}),
  });
}

/**
 * The query a grid shows: the query of the address bar, inside a slice when one is chosen. An
 * empty string selects everything.
 */
export function effectiveQuery(query: string, sliceId: string | undefined): string {
  const inSlice = sliceId ? `slice.${JSON.stringify(sliceId)} = true` : "";
  if (!inSlice) return query.trim();
  return query.trim() ? `${inSlice} AND (${query.trim()})` : inSlice;
}

/** Facets of this query and run are the whole dataset's, as the vocabulary reads them. */
export function isWholeDataset(query: string, modelRun: string | undefined): boolean {
  return query.trim() === "" && !modelRun;
}

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

/** Reads the metadata schema and the facets of the whole dataset. */
export async function datasetVocabulary(
  client: NucleusClient,
  datasetId: string,
  sliceNames: readonly string[],
): Promise<DatasetVocabulary> {
  const dataset = client.getDataset(datasetId);
  const [schema, facets] = await Promise.all([
    dataset.metadataSchema(),
    dataset.facets("", { topValues: 50 }),
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

/** The facets of a query's items (predictions of one run when given). */
export function queryFacets(
  client: NucleusClient,
  datasetId: string,
  query: string,
  modelRun: string | undefined,
  signal?: AbortSignal,
): Promise<Facets> {
  return client.getDataset(datasetId).facets(query, {
    bins: 12,
    topValues: 12,
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

/**
 * What the similarity, autotag, near-duplicate and map pages read through `@nucleus/core`: items
 * by reference id (their images), "more like this" for one or several examples, and the map's
 * points with a colour per point.
 */
import type { MapPoint, NucleusClient, SimilarItem } from "@nucleus/core";

/** An item as a result tile shows it. */
export interface ItemRef {
  id: string;
  referenceId: string;
  imageUrl: string | undefined;
  metadata: Record<string, unknown>;
}

/** A query string literal. */
export const quote = (text: string): string => JSON.stringify(text);

/** The query that selects exactly these reference ids. */
export function referenceQuery(referenceIds: readonly string[]): string {
  return `item.reference_id IN [${referenceIds.map(quote).join(", ")}]`;
}

/** The address of "more like this" for some items (by reference id, one `id` parameter each). */
export function similarHref(datasetId: string, referenceIds: readonly string[]): string {
  const query = new URLSearchParams(referenceIds.map((id) => ["id", id]));
  return `/datasets/${encodeURIComponent(datasetId)}/similar?${query}`;
}

/** Items by reference id (read in chunks of a few hundred, so the query stays short). */
export async function itemsByReference(
  client: NucleusClient,
  datasetId: string,
  referenceIds: readonly string[],
): Promise<Map<string, ItemRef>> {
  const out = new Map<string, ItemRef>();
  const dataset = client.getDataset(datasetId);
  for (let at = 0; at < referenceIds.length; at += 400) {
    const chunk = referenceIds.slice(at, at + 400);
    if (chunk.length === 0) continue;
    for await (const record of dataset.queryItems(referenceQuery(chunk), { pageSize: 1_000 })) {
      const referenceId = record.referenceId ?? record.refId ?? record.id;
      out.set(referenceId, {
        id: record.id,
        referenceId,
        imageUrl: record.originalImageUrl ?? record.imageUrl,
        metadata: (record.metadata ?? {}) as Record<string, unknown>,
      });
    }
  }
  return out;
}

/** A neighbour of several examples: its distance is the smallest to any of them. */
export interface Neighbour extends SimilarItem {
  /** The example it is nearest to. */
  nearest: string;
}

/**
 * The `k` items nearest to any of the examples (the examples left out), nearest first with ties
 * by reference id: one search per example, merged by each item's smallest distance.
 */
export async function moreLikeThis(
  client: NucleusClient,
  datasetId: string,
  examples: readonly string[],
  k: number,
): Promise<Neighbour[]> {
  const dataset = client.getDataset(datasetId);
  const answers = await Promise.all(
    examples.map((referenceId) => dataset.similar({ referenceId, k: k + examples.length })),
  );
  const best = new Map<string, Neighbour>();
  const given = new Set(examples);
  answers.forEach((results, i) => {
    for (const hit of results) {
      if (given.has(hit.referenceId)) continue;
      const known = best.get(hit.referenceId);
      if (!known || hit.distance < known.distance)
        best.set(hit.referenceId, { ...hit, nearest: examples[i] as string });
    }
  });
  return [...best.values()]
    .sort((a, b) => a.distance - b.distance || a.referenceId.localeCompare(b.referenceId))
    .slice(0, k);
}

/** Every point of the dataset's map (computing the map first when it is missing or stale). */
export async function mapPoints(client: NucleusClient, datasetId: string): Promise<MapPoint[]> {
  const dataset = client.getDataset(datasetId);
  await dataset.embeddingMap();
  const points: MapPoint[] = [];
  for await (const point of dataset.embeddingMapPoints()) points.push(point);
  return points;
}

/** What the map's points are coloured by. */
export type ColorBy =
  | { kind: "none" }
  | { kind: "label" }
  | { kind: "metadata"; key: string }
  | { kind: "slice" };

/** The group of each item (by item id) under a colouring, and the groups in legend order. */
export interface Coloring {
  groups: string[];
  groupOf: Map<string, string>;
}

const OTHER = "(none)";

/**
 * Groups the map's items: by their ground-truth label (the first of the labels an item has, in the
 * facets' order), a metadata value, or the slice they are in.
 */
export async function colorPoints(
  client: NucleusClient,
  datasetId: string,
  by: ColorBy,
  slices: readonly { id: string; name: string }[],
): Promise<Coloring> {
  const dataset = client.getDataset(datasetId);
  const groupOf = new Map<string, string>();
  const assign = async (query: string, group: string) => {
    for await (const item of dataset.queryItems(query, { pageSize: 5_000 }))
      if (!groupOf.has(item.id)) groupOf.set(item.id, group);
  };
  if (by.kind === "label") {
    const facets = await dataset.facets("");
    const labels = facets.annotations.map((facet) => facet.label).sort();
    for (const label of labels) await assign(`annotations.${quote(label)} >= 1`, label);
  } else if (by.kind === "metadata") {
    for await (const item of dataset.queryItems("", { pageSize: 5_000 })) {
      const value = (item.metadata as Record<string, unknown> | undefined)?.[by.key];
      groupOf.set(item.id, value === undefined || value === null ? OTHER : String(value));
    }
  } else if (by.kind === "slice") {
    for (const slice of slices) await assign(`slice.${quote(slice.id)} = true`, slice.name);
  }
  const groups = [...new Set(groupOf.values())].sort((a, b) =>
    a === OTHER ? 1 : b === OTHER ? -1 : a.localeCompare(b),
  );
  return { groups, groupOf };
}

import type { Tenant } from "./common.js";

/** What carries tags of its own: datasets, models and slices. */
export type TaggedKind = "dataset" | "model" | "slice";

/** A tag change: the tags after it, and how many of the named ones it added or removed. */
export interface TagChange {
  tags: string[];
  changed: number;
}

/**
 * Tags of datasets, models and slices: a list without repeats, in the order tags were first
 * added. Each change applies whole; undefined when the tenant has no such object.
 */
export interface TagStore {
  add(kind: TaggedKind, tenant: Tenant, id: string, tags: readonly string[]): Promise<TagChange | undefined>;
  remove(
    kind: TaggedKind,
    tenant: Tenant,
    id: string,
    tags: readonly string[],
  ): Promise<TagChange | undefined>;
}

/** The tags after adding some: new ones appended once each, in the order given. */
export function addedTags(current: readonly string[], tags: readonly string[]): TagChange {
  const next = [...current];
  for (const tag of tags) if (!next.includes(tag)) next.push(tag);
  return { tags: next, changed: next.length - current.length };
}

/** The tags after removing some; absent ones are ignored. */
export function removedTags(current: readonly string[], tags: readonly string[]): TagChange {
  const drop = new Set(tags);
  const next = current.filter((tag) => !drop.has(tag));
  return { tags: next, changed: current.length - next.length };
}

/** The table of each tagged kind; every one has `id`, `tenant` and a JSON `tags` column. */
export const TAGGED_TABLES: Record<TaggedKind, string> = {
  dataset: "datasets",
  model: "models",
  slice: "slices",
};

/**
 * Item facts: what queries read about an item without opening its documents. Each item has one
 * row in a facts table; its metadata values (one column per key path and kind of value) and its
 * label counts (per source: ground truth or a run; in all, per label and per annotation type)
 * sit in columns the dataset picked when it first needed them. This module holds the parts both
 * backends share: which values an item or a label contributes, and how columns are handed out.
 */
import type { MetadataTypes, ValueType } from "@nucleus/query";
import type { JsonObject } from "@nucleus/schemas";
import {
  type CountKey,
  type CountSource,
  countSlotName,
  type Family,
  metadataSlotName,
  poolOf,
} from "../query/catalog.js";

/** One metadata value of an item, as stored in a facts column. */
export interface MetadataFact {
  name: string;
  family: Family;
  /** Numbers for number, boolean (1/0) and null (1); text for strings; JSON text for lists. */
  value: number | string;
}

/** Columns of the facts table, all pools together: both engines take many more. */
export const MAX_FACT_COLUMNS = 1_000;

/** Metadata columns one dataset may take; past it, values are read from the documents. */
export const MAX_METADATA_SLOTS = 256;

/** The metadata values of an item, one per leaf (key path and kind); objects are walked into. */
export function metadataFacts(metadata: JsonObject): MetadataFact[] {
  const facts: MetadataFact[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (value === null) facts.push({ name: metadataSlotName(path, "null"), family: "null", value: 1 });
    else if (typeof value === "number")
      facts.push({ name: metadataSlotName(path, "number"), family: "number", value });
    else if (typeof value === "string")
      facts.push({ name: metadataSlotName(path, "string"), family: "string", value });
    else if (typeof value === "boolean")
      facts.push({ name: metadataSlotName(path, "boolean"), family: "boolean", value: value ? 1 : 0 });
    else if (Array.isArray(value))
      facts.push({ name: metadataSlotName(path, "list"), family: "list", value: JSON.stringify(value) });
    else if (typeof value === "object")
      for (const [key, inner] of Object.entries(value as Record<string, unknown>))
        walk(inner, [...path, key]);
  };
  for (const [key, value] of Object.entries(metadata)) walk(value, [key]);
  return facts;
}

/** The labels a stored label carries: one, the labels of a multicategory, or a mask's segments. */
export function labelsOf(payload: {
  type?: string;
  label?: unknown;
  labels?: unknown;
  annotations?: unknown;
}): string[] {
  if (payload.type === "multicategory" && Array.isArray(payload.labels))
    return payload.labels.filter((l): l is string => typeof l === "string");
  if (payload.type === "mask" && Array.isArray(payload.annotations))
    return (payload.annotations as { label?: unknown }[])
      .map((segment) => segment.label)
      .filter((l): l is string => typeof l === "string");
  return typeof payload.label === "string" ? [payload.label] : [];
}

/** The count slots one label adds to: the total, its type, and each of its labels. */
export function countNamesOf(source: CountSource, payload: { type?: string }): string[] {
  const names = [countSlotName(source, { kind: "total" })];
  if (typeof payload.type === "string")
    names.push(countSlotName(source, { kind: "type", type: payload.type }));
  for (const label of labelsOf(payload)) names.push(countSlotName(source, { kind: "label", label }));
  return names;
}

/** Adds the counts of some labels to a tally by slot name. */
export function tally(counts: Map<string, number>, names: readonly string[], sign = 1): void {
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + sign);
}

/** The kind of a metadata slot from its name, or undefined for a count slot. */
export function parseMetadataSlot(name: string): { family: Family; path: string[] } | undefined {
  const match = /^m:(number|string|boolean|list|null):(.*)$/.exec(name);
  if (!match) return undefined;
  return { family: match[1] as Family, path: JSON.parse(match[2] as string) as string[] };
}

/** A count slot's source and key from its name, or undefined for a metadata slot. */
export function parseCountSlot(name: string): { source: CountSource; key: CountKey } | undefined {
  const match = /^c:(gt|run:[^:]+):(.*)$/.exec(name);
  if (!match) return undefined;
  const who = match[1] as string;
  const what = match[2] as string;
  const source: CountSource =
    who === "gt" ? { kind: "annotations" } : { kind: "predictions", runId: who.slice(4) };
  const key: CountKey =
    what === "*"
      ? { kind: "total" }
      : what.startsWith("l:")
        ? { kind: "label", label: what.slice(2) }
        : { kind: "type", type: what.slice(2) };
  return { source, key };
}

/**
 * The type of each metadata key for the query checker: the kind its values have, or `any` when
 * items disagree (null values aside).
 */
export function metadataTypesOf(slotNames: Iterable<string>): MetadataTypes {
  const families = new Map<string, Set<Family>>();
  for (const name of slotNames) {
    const slot = parseMetadataSlot(name);
    if (!slot || slot.family === "null") continue;
    const key = slot.path.join(".");
    let set = families.get(key);
    if (!set) {
      set = new Set();
      families.set(key, set);
    }
    set.add(slot.family);
  }
  const types: Record<string, ValueType> = {};
  for (const [key, set] of families) types[key] = set.size === 1 ? ([...set][0] as ValueType) : "any";
  return types;
}

/** Hands out facts columns: each pool's columns in order; a dataset's slots take the next free ones. */
export interface ColumnPlan {
  /** The column for the dataset's `index`th slot of a pool. */
  name: string;
  /** Whether the table must grow by that column first. */
  add: boolean;
}

/**
 * The column of a new slot: the dataset's next free column of the slot's pool, adding one to the
 * table when no dataset used that many; undefined when the table is full or the dataset has as
 * many metadata columns as it may take.
 */
export function planColumn(
  name: string,
  used: { pool: Record<"n" | "t" | "j", number>; metadata: number },
  existing: { pool: Record<"n" | "t" | "j", number>; total: number },
): ColumnPlan | undefined {
  const pool = poolOf(name);
  if (name.startsWith("m:") && used.metadata >= MAX_METADATA_SLOTS) return undefined;
  const index = used.pool[pool];
  if (index < existing.pool[pool]) return { name: `${pool}${index}`, add: false };
  if (existing.total >= MAX_FACT_COLUMNS) return undefined;
  return { name: `${pool}${index}`, add: true };
}

/**
 * What the compiler needs to know about a dataset's storage: which column of the item facts
 * table holds a metadata value or a count, which runs and slices there are. Each backend builds
 * one from its own tables; the compiler never reads storage itself.
 */

/** The kinds of value a metadata key can hold on an item; a key can hold several across items. */
export type Family = "number" | "string" | "boolean" | "list" | "null";

/** Every family, in the order columns are tried. */
export const FAMILIES: readonly Family[] = ["number", "string", "boolean", "list", "null"];

/**
 * Where a value lives: a column of the item facts table (`f.<column>`), `null` when it is kept
 * only in the item's document (the table ran out of columns), `undefined` when no item of the
 * dataset has it.
 */
export type FactsColumn = string | null | undefined;

/** Whose labels a count counts. */
export type CountSource = { kind: "annotations" } | { kind: "predictions"; runId: string };

/** What a count counts: every label, those with a label, or those of an annotation type. */
export type CountKey = { kind: "total" } | { kind: "label"; label: string } | { kind: "type"; type: string };

/** A slice a query names: a list of items, or a saved query read again each time. */
export type SliceRef =
  | { kind: "static"; id: string; name: string }
  | { kind: "dynamic"; id: string; name: string; query: string; runId: string | null };

/** A dataset's storage, as the compiler sees it. */
export interface FactsCatalog {
  /** The column of an item metadata value of one family. */
  metadata(path: readonly string[], family: Family): FactsColumn;
  /** The column of a per-item count. */
  count(source: CountSource, key: CountKey): FactsColumn;
  /** The dataset's model runs, in creation order: `predictions.*` without a run counts them all. */
  readonly runIds: readonly string[];
  /** A slice of the dataset, by id or by name. */
  slice(idOrName: string): SliceRef | undefined;
  /** The id of the dataset's autotag of this name (a catalog without one knows no autotags). */
  autotag?(name: string): string | undefined;
}

/** The name a metadata value is kept under in the slot table: `m:<family>:<path as JSON>`. */
export function metadataSlotName(path: readonly string[], family: Family): string {
  return `m:${family}:${JSON.stringify(path)}`;
}

/** The name a count is kept under: `c:<source>:<total|l:label|t:type>`. */
export function countSlotName(source: CountSource, key: CountKey): string {
  const who = source.kind === "annotations" ? "gt" : `run:${source.runId}`;
  const what = key.kind === "total" ? "*" : key.kind === "label" ? `l:${key.label}` : `t:${key.type}`;
  return `c:${who}:${what}`;
}

/** The pool a slot's column is taken from: numbers (counts, booleans, null marks), texts, lists. */
export function poolOf(name: string): "n" | "t" | "j" {
  if (name.startsWith("m:string:")) return "t";
  if (name.startsWith("m:list:")) return "j";
  return "n";
}

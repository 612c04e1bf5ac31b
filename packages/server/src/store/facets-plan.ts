/**
 * Backend-neutral parts of facets: histogram edges a person can read, and which columns describe
 * a metadata key.
 */
import type { Family } from "../query/catalog.js";
import { parseMetadataSlot } from "./facts.js";

/** A step of 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * Edges of a histogram over `[lo, hi]` with about `bins` buckets on round numbers; the same for
 * every query of a dataset, since they come from the values of the whole dataset.
 *
 * @example
 * ```ts
 * histogramEdges(0.3, 97.2, 10); // [0, 10, 20, ..., 100]
 * ```
 */
export function histogramEdges(lo: number, hi: number, bins: number): number[] {
  if (lo === hi) return [lo, hi];
  const step = niceStep((hi - lo) / Math.max(1, bins));
  const start = Math.floor(lo / step) * step;
  const edges: number[] = [];
  // Rounded to the step's precision, so edges read 0.1, 0.2 and not 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let edge = start; ; edge += step) {
    edges.push(Number(edge.toFixed(digits)));
    if (edge >= hi) break;
  }
  if (edges.length < 2) edges.push(Number((start + step).toFixed(digits)));
  return edges;
}

/** The columns that hold one metadata key, by kind of value. */
export interface KeyColumns {
  key: string;
  path: string[];
  columns: Partial<Record<Family, string | null>>;
  lo?: number;
  hi?: number;
}

/** Metadata keys of a dataset from its slots, each with the column of each kind of value it has. */
export function keyColumns(
  slots: Iterable<[string, string | null]>,
  ranges: ReadonlyMap<string, { lo: number | null; hi: number | null }> = new Map(),
): KeyColumns[] {
  const keys = new Map<string, KeyColumns>();
  for (const [name, column] of slots) {
    const slot = parseMetadataSlot(name);
    if (!slot) continue;
    const key = slot.path.join(".");
    let entry = keys.get(key);
    if (!entry) {
      entry = { key, path: slot.path, columns: {} };
      keys.set(key, entry);
    }
    entry.columns[slot.family] = column;
    const range = ranges.get(name);
    if (slot.family === "number" && range && range.lo !== null && range.hi !== null) {
      entry.lo = range.lo;
      entry.hi = range.hi;
    }
  }
  return [...keys.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** The type a key's kinds add up to: its one kind (nulls aside), or `mixed`. */
export function typeOfKinds(kinds: readonly string[]): string {
  const real = kinds.filter((k) => k !== "null");
  return real.length === 1 ? (real[0] as string) : real.length === 0 ? "null" : "mixed";
}

/**
 * Approximate nearest-neighbour indexes (HNSW, from usearch) of each dataset's object vectors,
 * one per dataset and metric, held in native memory for the life of the server: built from the
 * store when a search first asks, then brought up to date before each search by reading the
 * vectors stored past the last key it holds. A key stays in the index when its vector is replaced
 * or deleted; the caller reads candidates back from the store, which has only current vectors,
 * and the index is rebuilt once a quarter of it is stale.
 */
import { Index, MetricKind, ScalarKind } from "usearch";
import type { ObjectVectorStore } from "../store/index.js";
import type { Metric } from "./nearest.js";

/** Vectors read per store call while catching up. */
const READ_PAGE = 1_000;
/** A search waits for at most this many new vectors; further behind, it is exact meanwhile. */
const WAIT_FOR_AT_MOST = 1_000;
/** Vectors added per native call. */
const ADD_BATCH = 100;
/** The share of stale keys that makes an index rebuild. */
const STALE_SHARE = 0.25;

interface Entry {
  metric: Metric;
  index: Index | null;
  /** The largest key the index holds (0 before any). */
  watermark: number;
  /** Object ids by key. */
  ids: Map<number, string>;
  /** Operations on the entry, one at a time. */
  chain: Promise<unknown>;
  /** A catch-up running in the background: searches are exact until it ends. */
  building: boolean;
}

const indexOf = (dimension: number, metric: Metric) =>
  new Index({
    dimensions: dimension,
    metric: metric === "l2" ? MetricKind.L2sq : MetricKind.Cos,
    // Ranks candidates only: the caller measures their exact distances.
    quantization: metric === "cosine" ? ScalarKind.I8 : ScalarKind.F16,
    connectivity: 16,
    expansion_add: 64,
    expansion_search: 128,
    multi: false,
  });

/** The object indexes of one store's datasets. */
export class ObjectIndexes {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly store: { objectVectors: ObjectVectorStore }) {}

  /**
   * The ids of the `count` objects nearest to `query` that the index holds, nearest first (a
   * deleted object's id may be among them); undefined while the index is further behind the store
   * than a search waits for (it then catches up in the background).
   */
  async nearest(
    datasetId: string,
    metric: Metric,
    query: Float32Array,
    count: number,
  ): Promise<string[] | undefined> {
    const entry = this.entry(datasetId, metric);
    if (entry.building) return undefined;
    const found = await this.serial(entry, async () => {
      if (!(await this.catchUp(datasetId, entry, WAIT_FOR_AT_MOST))) return undefined;
      const index = entry.index;
      if (!index || index.size() === 0 || index.dimensions() !== query.length) return [];
      const matches = index.search(query, Math.min(count, index.size()), 1);
      const ids: string[] = [];
      const seen = new Set<string>();
      for (const key of matches.keys) {
        const id = entry.ids.get(Number(key));
        if (id !== undefined && !seen.has(id)) {
          seen.add(id);
          ids.push(id);
        }
      }
      return ids;
    });
    if (found === undefined && !entry.building) {
      entry.building = true;
      void this.serial(entry, () => this.catchUp(datasetId, entry, Number.POSITIVE_INFINITY)).finally(() => {
        entry.building = false;
      });
    }
    return found;
  }

  private entry(datasetId: string, metric: Metric): Entry {
    const name = `${datasetId}:${metric}`;
    let entry = this.entries.get(name);
    if (!entry) {
      entry = {
        metric,
        index: null,
        watermark: 0,
        ids: new Map(),
        chain: Promise.resolve(),
        building: false,
      };
      this.entries.set(name, entry);
    }
    return entry;
  }

  private serial<T>(entry: Entry, fn: () => Promise<T>): Promise<T> {
    const run = entry.chain.then(fn, fn);
    entry.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Adds the vectors stored past the index's last key, at most `limit` of them (more when a page
   * runs over); answers whether it reached the end. An index a quarter stale starts again.
   */
  private async catchUp(datasetId: string, entry: Entry, limit: number): Promise<boolean> {
    const stored = await this.store.objectVectors.count(datasetId);
    if (entry.index && entry.ids.size - stored > STALE_SHARE * entry.ids.size) {
      entry.index = null;
      entry.ids.clear();
      entry.watermark = 0;
    }
    let read = 0;
    let cursor: string | null = String(entry.watermark);
    while (cursor !== null) {
      if (read >= limit) return false;
      const page = await this.store.objectVectors.page(datasetId, {}, { cursor, limit: READ_PAGE });
      const first = page.records[0];
      if (first && !entry.index) entry.index = indexOf(first.vector.length, entry.metric);
      const index = entry.index;
      const fits = index ? page.records.filter((r) => r.vector.length === index.dimensions()) : [];
      // Added a small batch at a time, letting requests in between: a native add holds the event loop.
      for (let i = 0; index && i < fits.length; i += ADD_BATCH) {
        const batch = fits.slice(i, i + ADD_BATCH);
        const flat = new Float32Array(batch.length * index.dimensions());
        batch.forEach((r, j) => {
          flat.set(r.vector, j * index.dimensions());
        });
        index.add(
          BigUint64Array.from(batch, (r) => BigInt(r.key)),
          flat,
          1,
        );
        for (const r of batch) entry.ids.set(r.key, r.objectId);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const last = page.records[page.records.length - 1];
      if (last) entry.watermark = last.key;
      read += page.records.length;
      cursor = page.nextCursor;
    }
    return true;
  }
}

const byStore = new WeakMap<object, ObjectIndexes>();

/** The object indexes of a store's datasets, made on first use and kept while the store lives. */
export function objectIndexesOf(store: { objectVectors: ObjectVectorStore }): ObjectIndexes {
  let indexes = byStore.get(store);
  if (!indexes) {
    indexes = new ObjectIndexes(store);
    byStore.set(store, indexes);
  }
  return indexes;
}

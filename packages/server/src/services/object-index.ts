/**
 * Approximate nearest-neighbour indexes (HNSW, from usearch) of each dataset's object vectors,
 * one per dataset and metric, kept in files beside the database (`NAME.objects.METRIC.usearch`
 * in the vector index folder). An index answers store keys: the caller reads the vectors back
 * by key, so a key whose vector was since replaced or deleted finds nothing. Before each search
 * it reads the vectors stored past the last key it holds; it is rebuilt from the store when its
 * file is unreadable, when it holds keys the store never gave (another database), or once a
 * quarter of its keys name no vector any more.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Index } from "usearch";
import type { ObjectVectorStore } from "../store/index.js";
import { newIndex, readIndexFile, removeIndexFile, saveIndex, saveIndexSoon } from "./index-file.js";
import type { Metric } from "./nearest.js";

/** Vectors read per store call while catching up. */
const READ_PAGE = 1_000;
/** A search waits for at most this many new vectors; further behind, it is exact meanwhile. */
const WAIT_FOR_AT_MOST = 1_000;
/** Vectors added per native call: a native add holds the event loop. */
const ADD_BATCH = 100;
/** The share of stale keys that makes an index rebuild. */
const STALE_SHARE = 0.25;
const METRICS = ["cosine", "l2"] as const;

interface Entry {
  datasetId: string;
  metric: Metric;
  file: string;
  index: Index | null;
  /** The largest store key the index has read (0 before any). */
  watermark: number;
  /** Changed since it was last saved. */
  dirty: boolean;
  /** Operations on the entry, one at a time. */
  chain: Promise<unknown>;
  /** A catch-up running in the background: searches are exact until it ends. */
  building: boolean;
  saveTimer: NodeJS.Timeout | null;
}

/** What {@link ObjectIndexes} needs to know. */
export interface ObjectIndexOptions {
  /** The folder the index files are kept in (the item indexes' folder will do: the names differ). */
  dir: string;
  log?: (line: string) => void;
  /** Links each vector keeps in a new graph (see {@link newIndex}). */
  connectivity?: number | undefined;
}

/** The object indexes of one store's datasets. */
export class ObjectIndexes {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly store: { objectVectors: ObjectVectorStore },
    private readonly options: ObjectIndexOptions,
  ) {
    mkdirSync(options.dir, { recursive: true });
  }

  /**
   * The store keys of the `count` vectors nearest to `query` that the index holds, nearest first
   * (keys of replaced or deleted vectors may be among them); undefined while the index is further
   * behind the store than a search waits for (it then catches up in the background). `stored`
   * is how many object vectors the dataset holds, when the caller counted them already.
   */
  async nearest(
    datasetId: string,
    metric: Metric,
    query: Float32Array,
    count: number,
    stored?: number,
  ): Promise<number[] | undefined> {
    const entry = this.entry(datasetId, metric);
    if (entry.building) return undefined;
    const found = await this.serial(entry, async () => {
      const caughtUp = await this.catchUp(entry, WAIT_FOR_AT_MOST, stored);
      this.saveLater(entry);
      if (!caughtUp) return undefined;
      const index = entry.index;
      if (!index || index.size() === 0 || index.dimensions() !== query.length) return [];
      const matches = index.search(query, Math.min(count, index.size()), 1);
      return Array.from(matches.keys, Number);
    });
    if (found === undefined && !entry.building && !this.closed) {
      entry.building = true;
      void this.serial(entry, async () => {
        await this.catchUp(entry, Number.POSITIVE_INFINITY);
        this.saveLater(entry);
      })
        .catch((error: unknown) => this.options.log?.(`object index ${entry.file}: ${String(error)}`))
        .finally(() => {
          entry.building = false;
        });
    }
    return found;
  }

  /** Forgets the dataset's indexes and deletes their files (the dataset, or all its object vectors, went). */
  async drop(datasetId: string): Promise<void> {
    for (const metric of METRICS) {
      const entry = this.entries.get(`${datasetId}.objects.${metric}`);
      // An index this server never opened is not read just to be deleted.
      if (!entry) {
        removeIndexFile(this.fileOf(datasetId, metric));
        continue;
      }
      await this.serial(entry, async () => {
        this.reset(entry);
        removeIndexFile(entry.file);
        entry.dirty = false;
      });
    }
  }

  /** Deletes the dataset's index files once it holds no object vector (after labels were deleted). */
  async dropIfEmpty(datasetId: string): Promise<void> {
    if ((await this.store.objectVectors.count(datasetId)) === 0) await this.drop(datasetId);
  }

  /**
   * Saves every changed index and stops the background work. The files of a dataset left
   * without object vectors (its items or its model deleted) are deleted instead.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.entries.values()].map((entry) =>
        this.serial(entry, async () => {
          if (entry.saveTimer) clearTimeout(entry.saveTimer);
          entry.saveTimer = null;
          if (entry.index && (await this.store.objectVectors.count(entry.datasetId)) === 0) this.reset(entry);
          saveIndex(entry);
        }).catch((error: unknown) =>
          this.options.log?.(`object index ${entry.file}: not saved (${String(error)})`),
        ),
      ),
    );
  }

  private fileOf(datasetId: string, metric: Metric): string {
    return join(this.options.dir, `${datasetId}.objects.${metric}.usearch`);
  }

  private entry(datasetId: string, metric: Metric): Entry {
    const name = `${datasetId}.objects.${metric}`;
    let entry = this.entries.get(name);
    if (!entry) {
      entry = {
        datasetId,
        metric,
        file: this.fileOf(datasetId, metric),
        index: null,
        watermark: 0,
        dirty: false,
        chain: Promise.resolve(),
        building: false,
        saveTimer: null,
      };
      this.load(entry);
      this.entries.set(name, entry);
    }
    return entry;
  }

  /** Opens the saved index, if it is readable; otherwise the index starts empty and is built from the store. */
  private load(entry: Entry): void {
    try {
      const saved = readIndexFile(entry.file, entry.metric);
      if (!saved) return;
      entry.index = saved.index;
      entry.watermark = saved.watermark;
    } catch (error) {
      this.options.log?.(`object index ${entry.file}: unreadable (${String(error)}); rebuilding it`);
      this.reset(entry);
    }
  }

  private serial<T>(entry: Entry, fn: () => Promise<T>): Promise<T> {
    const run = entry.chain.then(fn, fn);
    entry.chain = run.catch(() => undefined);
    return run;
  }

  private reset(entry: Entry): void {
    entry.index = null;
    entry.watermark = 0;
    entry.dirty = true;
  }

  /**
   * Starts the index again when it is out of step with the store: it holds keys the store never
   * gave, its vectors are of another length than the store's, or a quarter of it is stale.
   */
  private async checkStale(entry: Entry, counted?: number): Promise<void> {
    const { objectVectors } = this.store;
    const index = entry.index;
    if (entry.watermark === 0 || !index) return;
    const stored = counted ?? (await objectVectors.count(entry.datasetId));
    let why: string | undefined;
    if ((await objectVectors.lastKey()) < entry.watermark) why = "holds keys the database never gave";
    else if (index.size() - stored > STALE_SHARE * index.size())
      why = `${index.size() - stored} of its ${index.size()} vectors were replaced or deleted`;
    else if (stored > 0 && (await objectVectors.dimension(entry.datasetId)) !== index.dimensions())
      why = "the dataset's vectors changed length";
    if (why === undefined) return;
    // A dataset without object vectors keeps no file; one with them has its index rebuilt.
    if (stored > 0) this.options.log?.(`object index ${entry.file}: ${why}; rebuilding it`);
    this.reset(entry);
  }

  /**
   * Adds the vectors stored past the index's last key, at most `limit` of them (more when a page
   * runs over); answers whether it reached the end.
   */
  private async catchUp(entry: Entry, limit: number, stored?: number): Promise<boolean> {
    await this.checkStale(entry, stored);
    let read = 0;
    let cursor: string | null = String(entry.watermark);
    while (cursor !== null) {
      // A closing server saves what was read so far; the next one goes on from there.
      if (read >= limit || this.closed) return false;
      const page = await this.store.objectVectors.page(entry.datasetId, {}, { cursor, limit: READ_PAGE });
      const first = page.records[0];
      if (first && !entry.index)
        entry.index = newIndex(first.vector.length, entry.metric, this.options.connectivity);
      const index = entry.index;
      const fits = index
        ? page.records.filter((r) => r.vector.length === index.dimensions() && !index.contains(BigInt(r.key)))
        : [];
      // Added a small batch at a time, letting requests in between.
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
        await new Promise((resolve) => setImmediate(resolve));
      }
      const last = page.records[page.records.length - 1];
      if (last) {
        entry.watermark = last.key;
        entry.dirty = true;
      }
      read += page.records.length;
      cursor = page.nextCursor;
    }
    return true;
  }

  private saveLater(entry: Entry): void {
    if (!this.closed) saveIndexSoon(entry, (work) => this.serial(entry, work), this.options.log);
  }
}

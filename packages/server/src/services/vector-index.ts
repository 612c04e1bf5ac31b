/**
 * Approximate nearest-neighbour indexes (HNSW, from usearch) of each dataset's item vectors, one
 * per metric, kept in files beside the database. An index lives in native memory, not in the
 * JavaScript heap, and catches up with the store by reading the vectors whose keys are past the
 * last one it holds: so it is built as vectors arrive, survives a restart, and a server that lacks
 * it (or whose copy is behind, as with several servers on one PostgreSQL database) rebuilds or
 * extends it from the database. Vectors of deleted or replaced items stay in the index until it is
 * rebuilt; their keys name no item any more, so searches drop them.
 */
import { randomUUID } from "node:crypto";
import { copyFileSync, linkSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Index } from "usearch";
import type { KeyedVector, NucleusStore } from "../store/index.js";
import { newIndex, readIndexFile, removeIndexFile, saveIndex, saveIndexSoon } from "./index-file.js";
import type { Metric } from "./nearest.js";

/** Vectors read from the store per call while catching up. */
const READ_BATCH = 2_000;
/** A search waits for an index at most this many keys behind the store; further behind, it searches exactly. */
const WAIT_FOR_AT_MOST = 1_000;
/** How long a background catch-up adds before it lets queued searches run. */
const STEP_MS = 100;
/** How long one native add should run: it holds the event loop meanwhile. */
const ADD_CALL_MS = 20;
/** The fewest and most vectors one native add takes; the count between adapts to {@link ADD_CALL_MS}. */
const MIN_ADD_BATCH = 8;
const MAX_ADD_BATCH = 1_024;
/** Rebuild when this share of an index's vectors no longer name an item. */
const STALE_SHARE = 0.25;

/** What a copy of a saved index's file is named after: its index file's name, this, and an id. */
const COPY_MARK = ".job-";

/** A saved index's file under a name of its own (see {@link VectorIndexes.saved}). */
export interface SavedCopy {
  file: string;
  /** The largest store key the copy holds. */
  watermark: number;
  dimension: number;
  /** Deletes the copy's name. */
  release(): void;
}

/** A key the index found and its approximate distance (cosine: `1 - cos`; l2: squared). */
export interface IndexHit {
  key: number;
  distance: number;
}

/** Where an index's files are and what it holds. */
interface Entry {
  datasetId: string;
  metric: Metric;
  file: string;
  index: Index | null;
  /** The largest store key the index has read. */
  watermark: number;
  dirty: boolean;
  /** Operations on one index run one after another. */
  chain: Promise<unknown>;
  /** Vectors read from the store that the index does not hold yet, by key. */
  pending: KeyedVector[];
  /** The last key of the read `pending` came from, and whether the store may hold more past it. */
  readTo: number;
  more: boolean;
  /** A background catch-up is running. */
  pumping: boolean;
  saveTimer: NodeJS.Timeout | null;
}

/** What {@link VectorIndexes} needs to know. */
export interface VectorIndexOptions {
  /** The folder the index files are kept in. */
  dir: string;
  log?: (line: string) => void;
  /** Links each vector keeps in a new graph (see {@link newIndex}). */
  connectivity?: number | undefined;
}

/** The vector indexes of every dataset this server searched or indexed. */
export class VectorIndexes {
  private readonly entries = new Map<string, Entry>();
  private readonly threads = Math.max(1, availableParallelism());
  private closed = false;
  /** Vectors the next native add takes, adapted to how long the last one ran. */
  private addBatch = 64;
  /** Uploads in flight: background catch-ups wait for none, so that ingest is not slowed by them. */
  private holds = 0;
  private whenIdle: (() => void)[] = [];

  constructor(
    private readonly store: NucleusStore,
    private readonly options: VectorIndexOptions,
  ) {
    mkdirSync(options.dir, { recursive: true });
    // Copies a job left when the process ended during it.
    for (const name of readdirSync(options.dir))
      if (name.includes(`.usearch${COPY_MARK}`)) rmSync(join(options.dir, name), { force: true });
  }

  /**
   * The `count` nearest keys of the dataset's index for this metric, after it took the vectors
   * stored since it last read; undefined while it is further behind than a search should wait
   * for (it then catches up in the background, and the caller searches exactly meanwhile).
   */
  async nearest(
    datasetId: string,
    metric: Metric,
    query: Float32Array,
    count: number,
  ): Promise<IndexHit[] | undefined> {
    const entry = this.entry(datasetId, metric);
    const found = await this.run(entry, async () => {
      const behind = (await this.store.embeddings.lastKey(datasetId)) - entry.watermark;
      if (behind > WAIT_FOR_AT_MOST) return undefined;
      // Behind by a few keys, or ahead of a store that was replaced (the catch-up then rebuilds).
      if (behind !== 0) await this.catchUp(entry);
      const index = entry.index;
      if (!index || index.size() === 0 || index.dimensions() !== query.length) return [];
      const matches = index.search(query, Math.min(count, index.size()), 1);
      const hits: IndexHit[] = [];
      for (let i = 0; i < matches.keys.length; i += 1)
        hits.push({ key: Number(matches.keys[i]), distance: matches.distances[i] as number });
      return hits;
    });
    if (found === undefined) this.pump(entry);
    return found;
  }

  /**
   * Brings the dataset's index for this metric up to date with the store, writes it to its file
   * and gives that file a second name of its own, for a thread to map (see IndexFileSearch):
   * later saves rename newer files over the index's name, and dropping the dataset's vectors
   * deletes it, while a job reads its copy. Answers that name, the largest store key the copy
   * holds and its vectors' length, or undefined when the index holds no vector; call `release`
   * when done with it.
   */
  async saved(datasetId: string, metric: Metric): Promise<SavedCopy | undefined> {
    const entry = this.entry(datasetId, metric);
    await this.catchUpEntry(entry, false);
    return this.run(entry, async () => {
      const index = entry.index;
      if (!index || index.size() === 0) return undefined;
      if (entry.saveTimer) clearTimeout(entry.saveTimer);
      entry.saveTimer = null;
      saveIndex(entry);
      const copy = `${entry.file}${COPY_MARK}${randomUUID()}`;
      try {
        linkSync(entry.file, copy);
      } catch {
        // A file system without hard links.
        copyFileSync(entry.file, copy);
      }
      return {
        file: copy,
        watermark: entry.watermark,
        dimension: index.dimensions(),
        release: () => rmSync(copy, { force: true }),
      };
    });
  }

  /** Brings the dataset's index for this metric up to date with the store (a batch of vectors at a time). */
  async catchUpWith(datasetId: string, metric: Metric): Promise<void> {
    await this.catchUpEntry(this.entry(datasetId, metric), false);
  }

  /**
   * Says an upload is in flight until the returned function is called: background catch-ups
   * pause between native calls meanwhile, and take the time between uploads instead.
   */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) for (const resume of this.whenIdle.splice(0)) resume();
    };
  }

  /** Resolves once no upload is in flight. */
  private idle(): Promise<void> {
    if (this.holds === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  /** Catches up a batch of reads at a time; searches queued meanwhile run between batches. */
  private async catchUpEntry(entry: Entry, background: boolean): Promise<void> {
    await this.run(entry, () => this.checkStale(entry));
    while (await this.run(entry, () => this.step(entry, background))) {
      if (background) await this.idle();
    }
    this.saveLater(entry);
  }

  /** How many vectors the dataset's index for this metric holds, and how many keys it is behind the store. */
  async current(datasetId: string, metric: Metric): Promise<{ indexed: number; behind: number }> {
    const entry = this.entry(datasetId, metric);
    let behind = Math.max(0, (await this.store.embeddings.lastKey(datasetId)) - entry.watermark);
    // A few vectors are taken at once, as a search would; more in the background.
    if (behind > 0 && behind <= WAIT_FOR_AT_MOST) {
      await this.catchUpWith(datasetId, metric);
      behind = Math.max(0, (await this.store.embeddings.lastKey(datasetId)) - entry.watermark);
    }
    if (behind > 0) this.pump(entry);
    return { indexed: entry.index?.size() ?? 0, behind };
  }

  /** How many vectors the dataset's index for this metric holds (stale ones included), after catching up. */
  async size(datasetId: string, metric: Metric): Promise<number> {
    const entry = this.entry(datasetId, metric);
    await this.catchUpWith(datasetId, metric);
    return entry.index?.size() ?? 0;
  }

  /**
   * Says the dataset's vectors changed: its cosine index (the default search's) catches up in the
   * background, so that a search after an upload finds most of the work done.
   */
  changed(datasetId: string): void {
    this.pump(this.entry(datasetId, "cosine"));
  }

  /** Catches the index up in the background, a batch at a time, unless it is doing so already. */
  private pump(entry: Entry): void {
    if (this.closed || entry.pumping) return;
    entry.pumping = true;
    this.catchUpEntry(entry, true)
      .catch((error: unknown) =>
        this.options.log?.(`vector index of dataset ${entry.datasetId}: ${String(error)}`),
      )
      .finally(() => {
        entry.pumping = false;
      });
  }

  /** Forgets the dataset's indexes and deletes their files (its vectors were all deleted). */
  async drop(datasetId: string): Promise<void> {
    for (const metric of ["cosine", "l2"] as const) {
      const name = `${datasetId}.${metric}`;
      const entry = this.entries.get(name);
      // An index this server never opened is not read (it may be large) just to be deleted.
      if (!entry) {
        removeIndexFile(join(this.options.dir, `${name}.usearch`));
        continue;
      }
      await this.run(entry, async () => {
        this.reset(entry);
        removeIndexFile(entry.file);
        entry.dirty = false;
      });
    }
  }

  /** Saves every changed index and stops the background work. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.entries.values()].map((entry) =>
        this.run(entry, async () => {
          if (entry.saveTimer) clearTimeout(entry.saveTimer);
          saveIndex(entry);
        }),
      ),
    );
  }

  private entry(datasetId: string, metric: Metric): Entry {
    const name = `${datasetId}.${metric}`;
    let entry = this.entries.get(name);
    if (!entry) {
      entry = {
        datasetId,
        metric,
        file: join(this.options.dir, `${name}.usearch`),
        index: null,
        watermark: 0,
        dirty: false,
        chain: Promise.resolve(),
        pending: [],
        readTo: 0,
        more: false,
        pumping: false,
        saveTimer: null,
      };
      this.load(entry);
      this.entries.set(name, entry);
    }
    return entry;
  }

  private run<T>(entry: Entry, work: () => Promise<T>): Promise<T> {
    const next = entry.chain.then(work, work);
    entry.chain = next.catch(() => {});
    return next;
  }

  /** Opens the saved index, if its description is readable; otherwise the index starts empty. */
  private load(entry: Entry): void {
    try {
      const saved = readIndexFile(entry.file, entry.metric);
      if (!saved) return;
      entry.index = saved.index;
      entry.watermark = saved.watermark;
    } catch (error) {
      this.options.log?.(`vector index ${entry.file}: unreadable (${String(error)}); rebuilding it`);
      this.reset(entry);
    }
  }

  private reset(entry: Entry): void {
    entry.index = null;
    entry.watermark = 0;
    entry.pending = [];
    entry.readTo = 0;
    entry.dirty = true;
  }

  /** Adds every vector stored since the index's last key (callers make sure these are few). */
  private async catchUp(entry: Entry): Promise<void> {
    await this.checkStale(entry);
    while (await this.step(entry, false)) {
      // Until the store has nothing past the index's last key.
    }
    this.saveLater(entry);
  }

  /**
   * Before a catch-up, drops an index that is out of step with the store: ahead of it (another
   * database, or a restored one), or holding too many vectors that name no item any more.
   */
  private async checkStale(entry: Entry): Promise<void> {
    const { embeddings } = this.store;
    if (entry.watermark === 0) return;
    const last = await embeddings.lastKey(entry.datasetId);
    if (last < entry.watermark) this.reset(entry);
    else if (last > entry.watermark && entry.index && entry.index.size() > 0) {
      const count = await embeddings.count(entry.datasetId);
      if (entry.index.size() - count > STALE_SHARE * entry.index.size()) this.reset(entry);
    }
  }

  /**
   * Adds vectors stored since the index's last key, a few per native call: those of one read of
   * the store, or in the background only until an upload comes in or {@link STEP_MS} passed (the
   * rest wait in `pending`, so that searches queued meanwhile run between steps). Answers whether
   * more may remain.
   */
  private async step(entry: Entry, background: boolean): Promise<boolean> {
    if (entry.pending.length === 0 && !(await this.read(entry))) return false;
    const index = entry.index as Index;
    const dimension = index.dimensions();
    const started = performance.now();
    while (entry.pending.length > 0) {
      if (background && (this.holds > 0 || performance.now() - started > STEP_MS)) return true;
      const batch = entry.pending.slice(0, this.addBatch);
      entry.pending = entry.pending.slice(batch.length);
      const flat = new Float32Array(batch.length * dimension);
      batch.forEach((row, j) => {
        flat.set(row.vector, j * dimension);
      });
      const t0 = performance.now();
      index.add(
        BigUint64Array.from(batch, (row) => BigInt(row.key)),
        flat,
        this.threads,
      );
      this.adapt(batch.length, performance.now() - t0);
      entry.watermark = (batch[batch.length - 1] as KeyedVector).key;
      entry.dirty = true;
      // Let requests in between native calls.
      await new Promise((resolve) => setImmediate(resolve));
    }
    entry.watermark = Math.max(entry.watermark, entry.readTo);
    entry.dirty = true;
    return entry.more;
  }

  /**
   * Reads the next vectors past the index's last key into `pending` (those it does not hold yet),
   * making the index for their length first; answers false when there are none.
   */
  private async read(entry: Entry): Promise<boolean> {
    const { embeddings } = this.store;
    if (entry.watermark > 0 && (await embeddings.lastKey(entry.datasetId)) <= entry.watermark) return false;
    const rows = await embeddings.keyed(entry.datasetId, entry.watermark, READ_BATCH);
    if (rows.length === 0) return false;
    const dimension = (rows[0] as KeyedVector).vector.length;
    // A dataset whose vectors were all deleted may take vectors of another length.
    if (entry.index && entry.index.dimensions() !== dimension) entry.index = null;
    entry.index ??= newIndex(dimension, entry.metric, this.options.connectivity);
    const index = entry.index;
    entry.pending = rows.filter((row) => row.vector.length === dimension && !index.contains(BigInt(row.key)));
    entry.readTo = (rows[rows.length - 1] as KeyedVector).key;
    entry.more = rows.length === READ_BATCH;
    return true;
  }

  /** Sizes the next native add so that it runs about {@link ADD_CALL_MS}, from how long this one ran. */
  private adapt(added: number, ms: number): void {
    if (added < this.addBatch) return;
    const wanted = Math.round((added * ADD_CALL_MS) / Math.max(ms, 0.1));
    this.addBatch = Math.min(
      MAX_ADD_BATCH,
      Math.max(MIN_ADD_BATCH, Math.round((this.addBatch + wanted) / 2)),
    );
  }

  private saveLater(entry: Entry): void {
    if (!this.closed) saveIndexSoon(entry, (work) => this.run(entry, work), this.options.log);
  }
}

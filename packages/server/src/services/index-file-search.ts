/**
 * Searches of a saved vector index on a thread of its own: the thread maps the index file
 * (usearch's `view`, which reads the graph from the page cache instead of copying it into memory)
 * with the search beam asked for, and answers batches of queries on every core; ending the thread
 * unmaps the file. The long jobs over every vector (near-duplicates, uniqueness) search this way, so that the
 * event loop stays free for requests and the job's store reads overlap its searches; and the beam,
 * fixed for an open index, can be narrower than the one that serves users' searches. The thread
 * can also hold a side index of its own, in memory, built from the vectors a job sends it (see
 * {@link IndexFileSearch.searchAmong}).
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { KeyedVector, NucleusStore } from "../store/index.js";
import { indexSettings } from "./index-file.js";
import type { Metric } from "./nearest.js";

/**
 * The thread's code: it maps the file as it starts and says whether it could; on each message it
 * answers the keys and distances of a batch of queries, laid end to end, `count` a
 * query (-1 pads a query that found fewer). A message with keys first adds its vectors to the
 * side index (made by the first such message) and searches that instead.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Index } = require(workerData.module);
const { file, settings, sideSettings, threads } = workerData;
const dimension = settings.dimensions;
const messageOf = (error) => String(error && error.message ? error.message : error);
let index;
let side;
try {
  // Checked first: usearch's failed view of a missing file leaves a descriptor it closes again
  // when the index goes, which may by then be another of the process's.
  require("node:fs").accessSync(file, require("node:fs").constants.R_OK);
  index = new Index(settings);
  index.view(file);
  parentPort.postMessage({ id: -1, ok: true });
} catch (error) {
  parentPort.postMessage({ id: -1, ok: false, message: messageOf(error) });
}
parentPort.on("message", (message) => {
  try {
    const queries = message.flat.length / dimension;
    let searched = index;
    if (message.keys) {
      side ??= new Index(sideSettings);
      if (queries > 0) side.add(BigUint64Array.from(message.keys, (key) => BigInt(key)), message.flat, threads);
      searched = side;
    }
    const count = Math.min(message.count, searched.size());
    const keys = new Float64Array(queries * message.count).fill(-1);
    const distances = new Float32Array(queries * message.count);
    if (count > 0 && queries > 0) {
      // The queries laid end to end are a matrix to usearch.
      const found = searched.search(message.flat, count, threads);
      for (let i = 0; i < queries; i += 1) {
        // One query answers its matches; several answer a batch.
        const one = typeof found.get === "function" ? found.get(i) : found;
        for (let j = 0; j < one.keys.length; j += 1) {
          keys[i * message.count + j] = Number(one.keys[j]);
          distances[i * message.count + j] = one.distances[j];
        }
      }
    }
    parentPort.postMessage({ id: message.id, ok: true, keys, distances }, [keys.buffer, distances.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, message: messageOf(error) });
  }
});
`;

/** Where usearch is, for the thread (which loads it itself). */
function usearchPath(): string {
  // `import.meta.url` is empty in the CommonJS build, where `__filename` is there instead.
  const here = typeof __filename === "string" ? __filename : import.meta.url;
  return createRequire(here).resolve("usearch");
}

/** The saved graph a {@link IndexFileSearch} maps, and what it holds. */
export interface IndexFileSpec {
  file: string;
  dimension: number;
  metric: Metric;
}

/** The `count` nearest keys of each query of a batch, and their distances (cosine: `1 - cos`; l2: squared). */
export interface BatchHits {
  /** `count` a query, laid end to end; -1 where a query found fewer. */
  keys: Float64Array;
  distances: Float32Array;
}

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
  keys?: Float64Array;
  distances?: Float32Array;
}

/** A saved index searched on a thread of its own; {@link close} it when done. */
export class IndexFileSearch {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | undefined;
  /** Requests sent and not yet answered. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(spec: IndexFileSpec, beam: number, sideBeam: number) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: spec.file,
        settings: indexSettings(spec.dimension, spec.metric, beam),
        sideSettings: indexSettings(spec.dimension, spec.metric, sideBeam),
        module: usearchPath(),
        threads: Math.max(1, availableParallelism()),
      },
    });
    this.worker.on("message", (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (!waiter) return;
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(new Error(`index ${spec.file}: ${reply.message}`));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`index search thread exited (${code})`)));
  }

  /**
   * Maps the saved index, searched with this beam; answers once it is open. The side index, if
   * used, is searched with `sideBeam` (the same beam unless given).
   */
  static async open(spec: IndexFileSpec, beam: number, sideBeam = beam): Promise<IndexFileSearch> {
    const search = new IndexFileSearch(spec, beam, sideBeam);
    try {
      await new Promise<Reply>((resolve, reject) => search.waiting.set(-1, { resolve, reject }));
      return search;
    } catch (error) {
      await search.close();
      throw error;
    }
  }

  /** The `count` nearest keys of each query in `flat` (laid end to end); the thread takes `flat`. */
  async search(flat: Float32Array, count: number): Promise<BatchHits> {
    const reply = await this.send({ count, flat }, [flat.buffer as ArrayBuffer]);
    return { keys: reply.keys as Float64Array, distances: reply.distances as Float32Array };
  }

  /**
   * Adds these vectors (laid end to end in `flat`, one store key each) to the thread's side index,
   * built in memory from nothing but what this method sends, and answers the `count` nearest of
   * each in it, itself included. Vectors sent over several calls are each searched among all sent
   * so far, so a pair is found when the later of the two is sent. The thread takes `flat`.
   */
  async searchAmong(keys: readonly number[], flat: Float32Array, count: number): Promise<BatchHits> {
    const reply = await this.send({ count, flat, keys: Float64Array.from(keys) }, [
      flat.buffer as ArrayBuffer,
    ]);
    return { keys: reply.keys as Float64Array, distances: reply.distances as Float32Array };
  }

  /**
   * Ends the thread, which unmaps the file and frees the side index, once it has answered what it
   * was sent: a thread ended inside a native search or insertion takes the process down with it.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }

  private send(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
    this.inFlight.add(reply);
    const settled = () => this.inFlight.delete(reply);
    reply.then(settled, settled);
    return reply;
  }
}

/** Vectors of a saved index read from the store: the rows, their numbers laid end to end, and the last key read. */
export interface IndexedBatch {
  rows: KeyedVector[];
  flat: Float32Array;
  last: number;
}

/**
 * The next `step` vectors of the dataset after store key `after` that the saved index holds (keys
 * up to its watermark, of its length), ready to search; undefined past the watermark.
 */
export async function readIndexed(
  store: NucleusStore,
  datasetId: string,
  saved: { watermark: number; dimension: number },
  after: number,
  step: number,
): Promise<IndexedBatch | undefined> {
  const all = await store.embeddings.keyed(datasetId, after, step);
  const last = all[all.length - 1]?.key;
  if (last === undefined || (all[0] as KeyedVector).key > saved.watermark) return undefined;
  const rows = all.filter((row) => row.key <= saved.watermark && row.vector.length === saved.dimension);
  const flat = new Float32Array(rows.length * saved.dimension);
  rows.forEach((row, i) => {
    flat.set(row.vector, i * saved.dimension);
  });
  return { rows, flat, last };
}

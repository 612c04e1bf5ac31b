/**
 * Searches of a saved vector index on a thread of its own: the thread maps the index file
 * (usearch's `view`, which reads the graph from the page cache instead of copying it into memory)
 * with the search beam asked for, and answers batches of queries on every core; ending the thread
 * unmaps the file. The long jobs over every vector (near-duplicates, uniqueness) search this way, so that the
 * event loop stays free for requests and the job's store reads overlap its searches; and the beam,
 * fixed for an open index, can be narrower than the one that serves users' searches.
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
 * query (-1 pads a query that found fewer).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Index } = require(workerData.module);
const { file, settings, threads } = workerData;
const dimension = settings.dimensions;
const messageOf = (error) => String(error && error.message ? error.message : error);
let index;
try {
  index = new Index(settings);
  index.view(file);
  parentPort.postMessage({ id: -1, ok: true });
} catch (error) {
  parentPort.postMessage({ id: -1, ok: false, message: messageOf(error) });
}
parentPort.on("message", (message) => {
  try {
    const queries = message.flat.length / dimension;
    const count = Math.min(message.count, index.size());
    const keys = new Float64Array(queries * message.count).fill(-1);
    const distances = new Float32Array(queries * message.count);
    if (count > 0 && queries > 0) {
      // The queries laid end to end are a matrix to usearch.
      const found = index.search(message.flat, count, threads);
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

  private constructor(spec: IndexFileSpec, beam: number) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: spec.file,
        settings: indexSettings(spec.dimension, spec.metric, beam),
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

  /** Maps the saved index, searched with this beam; answers once it is open. */
  static async open(spec: IndexFileSpec, beam: number): Promise<IndexFileSearch> {
    const search = new IndexFileSearch(spec, beam);
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

  /** Ends the thread, which unmaps the file. */
  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }

  private send(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
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

/**
 * The HNSW graphs (usearch) behind the item and object vector indexes, and the files they are
 * kept in: the graph in `NAME.usearch`, and beside it `NAME.usearch.json` with the largest store
 * key the graph has read, so that a server opening it reads only the vectors stored since.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { Index, MetricKind, ScalarKind } from "usearch";
import type { Metric } from "./nearest.js";

/**
 * Graph settings: each node's links, and the beams of insertion and search. An insertion beam of
 * 64 built a million clustered vectors of 512 numbers in 150 s but found 0.930 of their 10 nearest
 * neighbours; 128 took 186 s and found 0.995 (standalone checks, 40 queries each).
 */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 128;
/** The beam users' searches are served with. */
export const EXPANSION_SEARCH = 128;

/** What the file beside a saved graph says of it. */
interface Meta {
  watermark: number;
  dimension: number;
  metric: Metric;
}

/**
 * The settings of a graph of vectors of this length, compared by this metric, searched with this
 * beam, each vector keeping this many links (a saved graph keeps its own).
 */
export function indexSettings(
  dimension: number,
  metric: Metric,
  expansionSearch = EXPANSION_SEARCH,
  connectivity = CONNECTIVITY,
) {
  return {
    dimensions: dimension,
    metric: metric === "l2" ? MetricKind.L2sq : MetricKind.Cos,
    // Cosine compares directions, which 8-bit components keep well (and index four times as fast
    // as 32-bit ones); L2 needs magnitudes, kept in half floats.
    quantization: metric === "cosine" ? ScalarKind.I8 : ScalarKind.F16,
    connectivity,
    expansion_add: EXPANSION_ADD,
    expansion_search: expansionSearch,
    multi: false,
  };
}

/** An empty graph for vectors of this length, compared by this metric, each keeping this many links. */
export function newIndex(dimension: number, metric: Metric, connectivity = CONNECTIVITY): Index {
  return new Index(indexSettings(dimension, metric, EXPANSION_SEARCH, connectivity));
}

/** A graph read back from its file, with the largest store key it had read when saved. */
export interface SavedIndex {
  index: Index;
  watermark: number;
}

/**
 * The graph saved in `file` for this metric; undefined when none was saved (or one of another
 * metric). Throws when the file or its description cannot be read: the caller rebuilds.
 */
export function readIndexFile(file: string, metric: Metric): SavedIndex | undefined {
  if (!existsSync(file)) return undefined;
  const meta = JSON.parse(readFileSync(`${file}.json`, "utf8")) as Meta;
  if (meta.metric !== metric) return undefined;
  checkLayout(file, meta.dimension, metric);
  const index = newIndex(meta.dimension, metric);
  index.load(file);
  return { index, watermark: meta.watermark };
}

/** How a saved graph begins: its vectors' count and bytes each (32-bit numbers), then their bytes, then this. */
const MAGIC = Buffer.from("usearch");

/**
 * Throws unless the file is laid out as a graph of vectors of this length: usearch trusts the
 * counts at its start, and a damaged file could make it reserve gigabytes before it fails.
 */
function checkLayout(file: string, dimension: number, metric: Metric): void {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(8);
    const size = fstatSync(fd).size;
    if (readSync(fd, head, 0, 8, 0) !== 8) throw new Error("shorter than its header");
    const rows = head.readUInt32LE(0);
    const bytes = head.readUInt32LE(4);
    // 8-bit components for cosine, 16-bit ones for L2 (see newIndex).
    const wanted = metric === "cosine" ? dimension : dimension * 2;
    if (bytes !== wanted) throw new Error(`holds vectors of ${bytes} bytes, not ${wanted}`);
    const headAt = 8 + rows * bytes;
    const magic = Buffer.alloc(MAGIC.length);
    if (headAt + MAGIC.length > size || readSync(fd, magic, 0, MAGIC.length, headAt) !== MAGIC.length)
      throw new Error(`too short for its ${rows} vectors`);
    if (!magic.equals(MAGIC)) throw new Error("no usearch header after its vectors");
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the graph, then its description, each to a temporary file renamed over the last: a
 * crash between the two leaves an older watermark, which only makes the next start re-read keys.
 */
export function writeIndexFile(file: string, index: Index, watermark: number, metric: Metric): void {
  index.save(`${file}.tmp`);
  renameSync(`${file}.tmp`, file);
  const meta: Meta = { watermark, dimension: index.dimensions(), metric };
  writeFileSync(`${file}.json.tmp`, JSON.stringify(meta));
  renameSync(`${file}.json.tmp`, `${file}.json`);
}

/** Deletes a saved graph and its description, if there are any. */
export function removeIndexFile(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.json`, { force: true });
}

/** How long after the last change an index is saved. */
const SAVE_DELAY_MS = 2_000;

/** An index kept in a file, as {@link saveIndex} and {@link saveIndexSoon} see it. */
export interface IndexFileEntry {
  file: string;
  metric: Metric;
  /** The graph; null once it was dropped (its file is then deleted). */
  index: Index | null;
  /** The largest store key the graph has read. */
  watermark: number;
  /** Changed since it was last saved. */
  dirty: boolean;
  saveTimer: NodeJS.Timeout | null;
}

/** Writes a changed index to its file, or deletes the file of one that was dropped. */
export function saveIndex(entry: IndexFileEntry): void {
  if (!entry.dirty) return;
  if (entry.index) writeIndexFile(entry.file, entry.index, entry.watermark, entry.metric);
  else removeIndexFile(entry.file);
  entry.dirty = false;
}

/**
 * Saves a changed index {@link SAVE_DELAY_MS} after its last change, through `run` (which queues
 * it behind the index's other operations); a save that fails is logged, and the next change
 * tries again.
 */
export function saveIndexSoon(
  entry: IndexFileEntry,
  run: (work: () => Promise<void>) => Promise<unknown>,
  log?: (line: string) => void,
): void {
  if (!entry.dirty) return;
  if (entry.saveTimer) clearTimeout(entry.saveTimer);
  entry.saveTimer = setTimeout(() => {
    entry.saveTimer = null;
    void run(async () => saveIndex(entry)).catch((error: unknown) =>
      log?.(`index ${entry.file}: not saved (${String(error)})`),
    );
  }, SAVE_DELAY_MS);
  entry.saveTimer.unref();
}

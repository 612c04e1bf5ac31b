/**
 * Uniqueness of item embeddings: each vector's mean cosine distance to its nearest neighbours
 * (from the dataset's vector index), divided by the largest such mean in the dataset, so that the
 * most isolated item scores 1 and items in tight clusters near 0. Stored per vector and queryable
 * as `embedding.uniqueness`; a vector replaced since loses its score.
 *
 * The job saves the index and searches the saved copy on a thread of its own (see
 * IndexFileSearch), with the beam users' searches are served with: the event loop stays free for
 * requests, and the next vectors are read from the store while the thread searches. Only the
 * vectors the saved index holds are scored: those stored after the job began get a score when it
 * runs again.
 */
import type { JobRecord, JobUpdate, KeyedVector, NucleusStore } from "../store/index.js";
import { EXPANSION_SEARCH } from "./index-file.js";
import { type BatchHits, IndexFileSearch, type IndexFileSpec, readIndexed } from "./index-file-search.js";
import { distanceTo } from "./nearest.js";
import type { VectorIndexes } from "./vector-index.js";

/** The job type of a uniqueness computation. */
export const UNIQUENESS_JOB_TYPE = "embeddingUniqueness";

/** What a uniqueness job computes. */
export interface UniquenessJobSpec {
  type: typeof UNIQUENESS_JOB_TYPE;
  datasetId: string;
  /** Neighbours averaged over. */
  neighbours: number;
  /** Vectors read and searched together (see {@link STEP}); the default unless set. */
  step?: number;
}

/** Vectors read and searched per step. */
const STEP = 1_000;
/** Scores written per store call. */
const WRITE = 5_000;
/** Neighbours asked past those averaged over: some may be vectors since deleted or replaced. */
const SPARE = 4;

/** Each vector's mean distance to its nearest neighbours, by store key, before scaling. */
interface MeanDistances {
  keys: number[];
  means: number[];
}

/**
 * Adds to `out` the mean exact distance of each vector of a batch to its `neighbours` nearest
 * that are still current: the index's distances are of 8-bit components.
 */
async function addMeans(
  store: NucleusStore,
  datasetId: string,
  rows: KeyedVector[],
  hits: BatchHits,
  neighbours: number,
  out: MeanDistances,
): Promise<void> {
  const count = neighbours + SPARE;
  const keysOf = (i: number) => [...hits.keys.subarray(i * count, (i + 1) * count)].filter((key) => key >= 0);
  const current = await store.embeddings.byKeys(datasetId, [...new Set(rows.flatMap((_, i) => keysOf(i)))]);
  const stored = await store.embeddings.get(datasetId, [
    ...new Set([...current.values()].map((item) => item.itemId)),
  ]);
  rows.forEach((row, i) => {
    const distance = distanceTo(row.vector, "cosine");
    const near = keysOf(i)
      .filter((key) => key !== row.key && current.has(key))
      .slice(0, neighbours)
      .flatMap((key) => {
        const vector = stored.get((current.get(key) as { itemId: string }).itemId)?.vector;
        return vector ? [distance(vector)] : [];
      });
    if (near.length === 0) return;
    out.keys.push(row.key);
    out.means.push(near.reduce((sum, d) => sum + d, 0) / near.length);
  });
}

/** Searches every vector the saved index holds for its neighbours, the next batch read while the thread searches. */
async function meanDistances(
  store: NucleusStore,
  file: IndexFileSpec & { watermark: number },
  spec: UniquenessJobSpec,
  progress: (scored: number) => Promise<void>,
): Promise<MeanDistances> {
  const out: MeanDistances = { keys: [], means: [] };
  const count = spec.neighbours + SPARE;
  const search = await IndexFileSearch.open(file, EXPANSION_SEARCH);
  try {
    const read = (after: number) => readIndexed(store, spec.datasetId, file, after, spec.step ?? STEP);
    const sent = (flat: Float32Array) => {
      const hits = search.search(flat, count);
      // Awaited in the next turn of the loop; a failure meanwhile is not unhandled.
      hits.catch(() => {});
      return hits;
    };
    let batch = await read(0);
    let hits = batch && sent(batch.flat);
    while (batch && hits) {
      const next = batch.last < file.watermark ? await read(batch.last) : undefined;
      const found = await hits;
      hits = next && sent(next.flat);
      await addMeans(store, spec.datasetId, batch.rows, found, spec.neighbours, out);
      await progress(out.keys.length);
      batch = next;
    }
  } finally {
    await search.close();
  }
  return out;
}

/** Runs a uniqueness job: one pass asks the index for neighbours, a second writes the scores. */
export async function runUniquenessJob(
  store: NucleusStore,
  vectors: VectorIndexes,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as UniquenessJobSpec;
  const { datasetId } = spec;
  const total = await store.embeddings.count(datasetId);
  await report({ totalSteps: total, completedSteps: 0 });
  let found: MeanDistances = { keys: [], means: [] };
  const saved = await vectors.saved(datasetId, "cosine");
  if (saved) {
    try {
      found = await meanDistances(store, { ...saved, metric: "cosine" }, spec, (scored) =>
        report({ completedSteps: scored }),
      );
    } finally {
      saved.release();
    }
  }
  const largest = found.means.reduce((m, x) => Math.max(m, x), 0);
  let stored = 0;
  for (let i = 0; i < found.keys.length; i += WRITE) {
    const scores = found.keys.slice(i, i + WRITE).map((key, j) => ({
      key,
      score: largest > 0 ? (found.means[i + j] as number) / largest : 0,
    }));
    stored += await store.embeddings.setUniqueness(datasetId, scores);
  }
  await report({ status: "Completed", completedSteps: found.keys.length, message: { scored: stored } });
}

/**
 * Uniqueness of item embeddings: each vector's mean cosine distance to its nearest neighbours
 * (from the dataset's vector index), divided by the largest such mean in the dataset, so that the
 * most isolated item scores 1 and items in tight clusters near 0. Stored per vector and queryable
 * as `embedding.uniqueness`; a vector replaced since loses its score.
 */
import type { JobRecord, JobUpdate, NucleusStore } from "../store/index.js";
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
}

/** Vectors read and searched per step. */
const STEP = 1_000;
/** Scores written per store call. */
const WRITE = 5_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a uniqueness job: one pass asks the index for neighbours, a second writes the scores. */
export async function runUniquenessJob(
  store: NucleusStore,
  vectors: VectorIndexes,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as UniquenessJobSpec;
  const { datasetId } = spec;
  await vectors.catchUpWith(datasetId, "cosine");
  const total = await store.embeddings.count(datasetId);
  await report({ totalSteps: total, completedSteps: 0 });
  const keys: number[] = [];
  const raw: number[] = [];
  let after = 0;
  for (;;) {
    const rows = await store.embeddings.keyed(datasetId, after, STEP);
    if (rows.length === 0) break;
    const dimension = (rows[0] as { vector: Float32Array }).vector.length;
    const flat = new Float32Array(rows.length * dimension);
    rows.forEach((row, i) => {
      flat.set(row.vector, i * dimension);
    });
    // A few more than asked, as some neighbours may be vectors since deleted or replaced.
    const found = await vectors.nearestOfMany(datasetId, "cosine", flat, spec.neighbours + 4);
    const current = await store.embeddings.byKeys(datasetId, [
      ...new Set(found.flatMap((hits) => hits.map((hit) => hit.key))),
    ]);
    // The index's distances are of 8-bit components: the neighbours' exact ones are measured here.
    const stored = await store.embeddings.get(datasetId, [
      ...new Set([...current.values()].map((item) => item.itemId)),
    ]);
    rows.forEach((row, i) => {
      const distance = distanceTo(row.vector, "cosine");
      const near = (found[i] ?? [])
        .filter((hit) => hit.key !== row.key && current.has(hit.key))
        .slice(0, spec.neighbours)
        .flatMap((hit) => {
          const vector = stored.get((current.get(hit.key) as { itemId: string }).itemId)?.vector;
          return vector ? [distance(vector)] : [];
        });
      if (near.length === 0) return;
      keys.push(row.key);
      raw.push(near.reduce((sum, d) => sum + d, 0) / near.length);
    });
    after = (rows[rows.length - 1] as { key: number }).key;
    await report({ completedSteps: keys.length });
    await nextTurn();
  }
  const largest = raw.reduce((m, x) => Math.max(m, x), 0);
  let stored = 0;
  for (let i = 0; i < keys.length; i += WRITE) {
    const scores = keys.slice(i, i + WRITE).map((key, j) => ({
      key,
      score: largest > 0 ? (raw[i + j] as number) / largest : 0,
    }));
    stored += await store.embeddings.setUniqueness(datasetId, scores);
  }
  await report({ status: "Completed", completedSteps: keys.length, message: { scored: stored } });
}

/**
 * Representativeness of item embeddings: how typical an item is of the dataset. The vectors are
 * clustered by spherical k-means (cosine on unit vectors), and each item scores by its cosine
 * distance `d` to its nearest centroid: `1 - (d - dmin) / spread`, where `dmin` is the distance of
 * its cluster's most central member and `spread` the largest `dmax - dmin` of any cluster, times
 * `min(1, size / mean)` where `mean` is the mean size of the non-empty clusters. The most central
 * member of every cluster of at least mean size scores 1, the item lying farthest out of its
 * cluster scores 0, and an item at a given distance beyond its cluster's core scores the same in
 * every such cluster. The size factor keeps a few outliers that k-means gives a cluster of their
 * own from scoring as typical. Stored per vector and queryable as `embedding.representativeness`;
 * a vector replaced since loses its score.
 *
 * The job reads the vectors in pages by index key, holding only the centroids, a sample for the
 * seeding and one page: a first pass draws a seeded reservoir sample (up to 16 vectors per
 * cluster) for a k-means++ seeding, each iteration is one pass, the last two measure the clusters'
 * ranges and sizes and write the scores. The same vectors, stored in the same order, score the same.
 */
import type { JobRecord, JobUpdate, NucleusStore } from "../store/index.js";
import { nearestCentroid, seedCentroids, seededRandom, unitInto, updateCentroids } from "./kmeans.js";

/** The job type of a representativeness computation. */
export const REPRESENTATIVENESS_JOB_TYPE = "embeddingRepresentativeness";

/** What a representativeness job computes. */
export interface RepresentativenessJobSpec {
  type: typeof REPRESENTATIVENESS_JOB_TYPE;
  datasetId: string;
  /** Clusters asked for, or null for `round(sqrt(n / 2))` kept within 2 to 256. */
  clusters: number | null;
  /** Most k-means rounds; fewer when the centroids stop moving. */
  iterations: number;
}

/** The clusters for `n` vectors when none are asked for: `round(sqrt(n / 2))`, within 2 to 256. */
export function defaultClusters(n: number): number {
  return Math.min(256, Math.max(2, Math.round(Math.sqrt(n / 2))));
}

/** Vectors read per store call (and scores written per call). */
const STEP = 1_000;
/** Vectors sampled per cluster for the seeding. */
const SAMPLE_PER_CLUSTER = 16;
/** A centroid moving less than this cosine distance in a round counts as settled. */
const SETTLED = 1e-10;
const SEED = 0x5eed;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads every stored vector of the dataset once, a page at a time, as unit vectors. */
async function eachUnit(
  store: NucleusStore,
  datasetId: string,
  dimension: number,
  visit: (key: number, unit: Float64Array) => void,
  pageDone: () => Promise<void>,
): Promise<void> {
  const unit = new Float64Array(dimension);
  let after = 0;
  for (;;) {
    const rows = await store.embeddings.keyed(datasetId, after, STEP);
    if (rows.length === 0) return;
    for (const row of rows) {
      // A vector of another length, or of no direction, has no place among the clusters.
      if (row.vector.length === dimension && unitInto(row.vector, unit)) visit(row.key, unit);
    }
    after = (rows[rows.length - 1] as { key: number }).key;
    await pageDone();
    await nextTurn();
  }
}

/** Runs a representativeness job (see the module comment for the passes). */
export async function runRepresentativenessJob(
  store: NucleusStore,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as RepresentativenessJobSpec;
  const { datasetId } = spec;
  const dimension = await store.embeddings.dimension(datasetId);
  const stored = await store.embeddings.count(datasetId);
  if (dimension === null || stored === 0) {
    await report({ status: "Completed", completedSteps: 0, message: { scored: 0, clusters: 0 } });
    return;
  }
  const totalSteps = stored * (spec.iterations + 3);
  let completed = 0;
  let read = 0;
  const progress = async () => {
    completed += read;
    read = 0;
    await report({ completedSteps: Math.min(completed, totalSteps) });
  };
  await report({ totalSteps, completedSteps: 0 });

  // Pass 1: a seeded reservoir sample of unit vectors.
  const random = seededRandom(SEED);
  const wanted = spec.clusters ?? defaultClusters(stored);
  const room = wanted * SAMPLE_PER_CLUSTER;
  const sample = new Float64Array(room * dimension);
  let n = 0;
  await eachUnit(
    store,
    datasetId,
    dimension,
    (_key, unit) => {
      const slot = n < room ? n : Math.floor(random() * (n + 1));
      if (slot < room) sample.set(unit, slot * dimension);
      n += 1;
      read += 1;
    },
    progress,
  );
  if (n === 0) {
    await report({ status: "Completed", completedSteps: totalSteps, message: { scored: 0, clusters: 0 } });
    return;
  }
  const k = Math.min(wanted, n);
  const centroids = seedCentroids(sample, Math.min(n, room), dimension, k, random);

  // Lloyd rounds: assign every vector to its nearest centroid, move each centroid to its members' mean direction.
  const sums = new Float64Array(k * dimension);
  const members = new Uint32Array(k);
  let rounds = 0;
  while (rounds < spec.iterations) {
    sums.fill(0);
    members.fill(0);
    await eachUnit(
      store,
      datasetId,
      dimension,
      (_key, unit) => {
        const { cluster } = nearestCentroid(centroids, k, dimension, unit);
        const base = cluster * dimension;
        for (let i = 0; i < dimension; i += 1)
          sums[base + i] = (sums[base + i] as number) + (unit[i] as number);
        members[cluster] = (members[cluster] as number) + 1;
        read += 1;
      },
      progress,
    );
    rounds += 1;
    if (updateCentroids(centroids, sums, members, dimension) < SETTLED) break;
  }
  completed = stored * (spec.iterations + 1);

  // Each cluster's nearest and farthest member, as cosine distances to its centroid.
  const nearestIn = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  const farthestIn = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  const sizes = new Uint32Array(k);
  await eachUnit(
    store,
    datasetId,
    dimension,
    (_key, unit) => {
      const { cluster, cosine } = nearestCentroid(centroids, k, dimension, unit);
      const d = 1 - cosine;
      if (d < (nearestIn[cluster] as number)) nearestIn[cluster] = d;
      if (d > (farthestIn[cluster] as number)) farthestIn[cluster] = d;
      sizes[cluster] = (sizes[cluster] as number) + 1;
      read += 1;
    },
    progress,
  );
  let spread = 0;
  for (let c = 0; c < k; c += 1)
    if (Number.isFinite(nearestIn[c]))
      spread = Math.max(spread, (farthestIn[c] as number) - (nearestIn[c] as number));
  // Clusters left empty (copies among the seeds) do not count towards the mean size.
  const meanSize = n / Math.max(1, sizes.filter((size) => size > 0).length);

  // The scores, written a page at a time.
  let scored = 0;
  let page: { key: number; score: number }[] = [];
  await eachUnit(
    store,
    datasetId,
    dimension,
    (key, unit) => {
      const { cluster, cosine } = nearestCentroid(centroids, k, dimension, unit);
      const core = nearestIn[cluster] as number;
      const beyond = Number.isFinite(core) ? Math.max(0, 1 - cosine - core) : 0;
      const central = spread > 0 ? Math.max(0, Math.min(1, 1 - beyond / spread)) : 1;
      page.push({ key, score: central * Math.min(1, (sizes[cluster] as number) / meanSize) });
      read += 1;
    },
    async () => {
      scored += await store.embeddings.setRepresentativeness(datasetId, page);
      page = [];
      await progress();
    },
  );
  await report({
    status: "Completed",
    completedSteps: totalSteps,
    message: { scored, clusters: k, rounds },
  });
}

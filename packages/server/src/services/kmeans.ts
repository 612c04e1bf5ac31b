/**
 * Spherical k-means pieces: unit vectors, centroids kept as unit vectors in one flat array, and a
 * seeded k-means++ seeding. Used by the representativeness job, which streams vectors past them.
 */

/** A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives the same draws. */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `v` scaled to unit length into `out`; false (and `out` untouched) for a zero vector. */
export function unitInto(v: Float32Array, out: Float64Array): boolean {
  let sum = 0;
  for (let i = 0; i < v.length; i += 1) sum += (v[i] as number) * (v[i] as number);
  if (!(sum > 0) || !Number.isFinite(sum)) return false;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i += 1) out[i] = (v[i] as number) * scale;
  return true;
}

/** The nearest of `k` unit centroids (flat, `dimension` apart) to a unit vector, and its cosine. */
export function nearestCentroid(
  centroids: Float64Array,
  k: number,
  dimension: number,
  unit: Float64Array,
): { cluster: number; cosine: number } {
  let cluster = 0;
  let cosine = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c += 1) {
    const base = c * dimension;
    let dot = 0;
    for (let i = 0; i < dimension; i += 1) dot += (centroids[base + i] as number) * (unit[i] as number);
    // Ties go to the lower cluster, so the assignment does not depend on rounding order.
    if (dot > cosine) {
      cosine = dot;
      cluster = c;
    }
  }
  return { cluster, cosine: Math.max(-1, Math.min(1, cosine)) };
}

/**
 * k-means++ seeding on a sample of unit vectors (flat, `dimension` apart): the first centroid is a
 * random sample, each next one a sample drawn with probability proportional to its squared
 * distance from the nearest centroid so far. Answers `k` unit centroids, flat.
 */
export function seedCentroids(
  sample: Float64Array,
  count: number,
  dimension: number,
  k: number,
  random: () => number,
): Float64Array {
  const centroids = new Float64Array(k * dimension);
  const nearest = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  let chosen = Math.min(count - 1, Math.floor(random() * count));
  for (let c = 0; c < k; c += 1) {
    centroids.set(sample.subarray(chosen * dimension, (chosen + 1) * dimension), c * dimension);
    let total = 0;
    for (let s = 0; s < count; s += 1) {
      let dot = 0;
      for (let i = 0; i < dimension; i += 1)
        dot += (sample[s * dimension + i] as number) * (centroids[c * dimension + i] as number);
      // Squared Euclidean distance between unit vectors: 2 - 2 cos.
      const d = Math.max(0, 2 - 2 * dot);
      if (d < (nearest[s] as number)) nearest[s] = d;
      total += nearest[s] as number;
    }
    if (total <= 0) {
      // Every sample sits on a centroid already: the rest repeat the last one (they stay empty).
      chosen = Math.min(count - 1, Math.floor(random() * count));
      continue;
    }
    let target = random() * total;
    chosen = count - 1;
    for (let s = 0; s < count; s += 1) {
      target -= nearest[s] as number;
      if (target < 0) {
        chosen = s;
        break;
      }
    }
  }
  return centroids;
}

/**
 * The unit centroids from per-cluster sums; a cluster that gathered nothing keeps its previous
 * centroid. Answers the largest cosine distance any centroid moved.
 */
export function updateCentroids(
  centroids: Float64Array,
  sums: Float64Array,
  members: Uint32Array,
  dimension: number,
): number {
  let moved = 0;
  for (let c = 0; c < members.length; c += 1) {
    if (members[c] === 0) continue;
    const base = c * dimension;
    let sum = 0;
    for (let i = 0; i < dimension; i += 1) sum += (sums[base + i] as number) ** 2;
    if (!(sum > 0)) continue;
    const scale = 1 / Math.sqrt(sum);
    let dot = 0;
    for (let i = 0; i < dimension; i += 1) {
      const next = (sums[base + i] as number) * scale;
      dot += next * (centroids[base + i] as number);
      centroids[base + i] = next;
    }
    moved = Math.max(moved, 1 - dot);
  }
  return moved;
}

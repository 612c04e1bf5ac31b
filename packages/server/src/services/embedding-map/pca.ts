/**
 * Streaming PCA to two dimensions: the mean, then subspace (block power) iteration with a
 * Rayleigh-Ritz step, each iteration one pass over the vectors a page at a time, so the heap
 * holds a page and a few vectors of the vectors' length whatever the dataset's size.
 */

/** Reads the vectors once, page after page: `visit` is called for each page. */
export type VectorPass = (visit: (vectors: readonly Float32Array[]) => void | Promise<void>) => Promise<void>;

/** The plane PCA found: its mean, two unit axes, and the share of the variance along each. */
export interface PcaPlane {
  mean: Float64Array;
  axes: [Float64Array, Float64Array];
  /** The share of the total variance along each axis, largest first. */
  explained: [number, number];
  /** Passes over the vectors spent on the iteration. */
  iterations: number;
  count: number;
}

/** Options of {@link fitPca}. */
export interface PcaOptions {
  /** Stops when both axes moved by less than this (1 - |cos| of old and new). */
  tolerance?: number;
  /**
   * Also stops when the variance the plane captures changed by less than this share in a pass:
   * where the leading variances are nearly equal the axes wander among planes that all capture
   * about as much, and any of them makes as good a map.
   */
  varianceTolerance?: number;
  maxIterations?: number;
  /** A generator of numbers in [0, 1), for the starting axes. */
  random?: () => number;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] as number) * (b[i] as number);
  return sum;
};

/** Orthonormalises two vectors in place (Gram-Schmidt); a vanishing one is replaced by a basis vector. */
function orthonormalise(a: Float64Array, b: Float64Array): void {
  const scale = (v: Float64Array, fallback: number) => {
    const n = Math.sqrt(dot(v, v));
    if (n < 1e-300) {
      v.fill(0);
      v[fallback % v.length] = 1;
      return;
    }
    for (let i = 0; i < v.length; i += 1) v[i] = (v[i] as number) / n;
  };
  scale(a, 0);
  const p = dot(a, b);
  for (let i = 0; i < b.length; i += 1) b[i] = (b[i] as number) - p * (a[i] as number);
  scale(b, 1);
  // A basis vector chosen as fallback may not be orthogonal to `a`: once more.
  const q = dot(a, b);
  if (Math.abs(q) > 1e-9) {
    for (let i = 0; i < b.length; i += 1) b[i] = (b[i] as number) - q * (a[i] as number);
    scale(b, 2);
  }
}

/** The eigenvectors of a symmetric 2x2 matrix [[a, b], [b, d]], larger eigenvalue first. */
function eigen2(a: number, b: number, d: number): [[number, number], [number, number]] {
  if (Math.abs(b) < 1e-300)
    return a >= d
      ? [
          [1, 0],
          [0, 1],
        ]
      : [
          [0, 1],
          [1, 0],
        ];
  const half = (a - d) / 2;
  const root = Math.sqrt(half * half + b * b);
  const l1 = (a + d) / 2 + root;
  const v1: [number, number] = [b, l1 - a];
  const n = Math.hypot(v1[0], v1[1]);
  return [
    [v1[0] / n, v1[1] / n],
    [-v1[1] / n, v1[0] / n],
  ];
}

/** Fits the two principal axes of the vectors a pass reads. */
export async function fitPca(pass: VectorPass, options: PcaOptions = {}): Promise<PcaPlane> {
  // A map needs the plane, not digits: axes steady to about a hundredth of a radian will do.
  const tolerance = options.tolerance ?? 1e-4;
  const maxIterations = options.maxIterations ?? 25;
  const varianceTolerance = options.varianceTolerance ?? 1e-3;
  const random = options.random ?? Math.random;
  let mean = new Float64Array(0);
  let count = 0;
  let squares = 0;
  await pass((vectors) => {
    for (const v of vectors) {
      if (mean.length === 0) mean = new Float64Array(v.length);
      for (let i = 0; i < v.length; i += 1) {
        const x = v[i] as number;
        mean[i] = (mean[i] as number) + x;
        squares += x * x;
      }
      count += 1;
    }
  });
  if (count === 0) throw new Error("PCA needs at least one vector");
  for (let i = 0; i < mean.length; i += 1) mean[i] = (mean[i] as number) / count;
  const dimension = mean.length;
  // The total variance: sum of squared distances to the mean, per vector.
  const total = Math.max(squares / count - dot(mean, mean), 0);
  let q1 = Float64Array.from({ length: dimension }, () => random() - 0.5);
  let q2 = Float64Array.from({ length: dimension }, () => random() - 0.5);
  orthonormalise(q1, q2);
  let eigenvalues: [number, number] = [0, 0];
  let iterations = 0;
  let previousCaptured = 0;
  const centred = new Float64Array(dimension);
  for (; iterations < maxIterations; ) {
    iterations += 1;
    // Z = C Q, C the covariance, read in one pass: sum over x of (x - mean) ((x - mean) . q).
    const z1 = new Float64Array(dimension);
    const z2 = new Float64Array(dimension);
    await pass((vectors) => {
      for (const v of vectors) {
        let p1 = 0;
        let p2 = 0;
        for (let i = 0; i < dimension; i += 1) {
          const c = (v[i] as number) - (mean[i] as number);
          centred[i] = c;
          p1 += c * (q1[i] as number);
          p2 += c * (q2[i] as number);
        }
        for (let i = 0; i < dimension; i += 1) {
          const c = centred[i] as number;
          z1[i] = (z1[i] as number) + c * p1;
          z2[i] = (z2[i] as number) + c * p2;
        }
      }
    });
    // Rayleigh-Ritz in the current plane: rotate to the eigenvectors of Q^T C Q.
    const [[a1, a2], [b1, b2]] = eigen2(dot(q1, z1) / count, dot(q1, z2) / count, dot(q2, z2) / count);
    eigenvalues = [
      (a1 * a1 * dot(q1, z1) + 2 * a1 * a2 * dot(q1, z2) + a2 * a2 * dot(q2, z2)) / count,
      (b1 * b1 * dot(q1, z1) + 2 * b1 * b2 * dot(q1, z2) + b2 * b2 * dot(q2, z2)) / count,
    ];
    const r1 = z1.map((x, i) => a1 * x + a2 * (z2[i] as number));
    const r2 = z1.map((x, i) => b1 * x + b2 * (z2[i] as number));
    orthonormalise(r1, r2);
    const moved = Math.max(1 - Math.abs(dot(r1, q1)), 1 - Math.abs(dot(r2, q2)));
    const captured = eigenvalues[0] + eigenvalues[1];
    const steady = iterations > 2 && Math.abs(captured - previousCaptured) <= varianceTolerance * captured;
    previousCaptured = captured;
    q1 = r1;
    q2 = r2;
    if (moved < tolerance || steady) break;
  }
  return {
    mean,
    axes: [q1, q2],
    explained: [total > 0 ? eigenvalues[0] / total : 0, total > 0 ? eigenvalues[1] / total : 0],
    iterations,
    count,
  };
}

/** A vector's place on the plane. */
export function project(plane: PcaPlane, vector: Float32Array): [number, number] {
  const [a, b] = plane.axes;
  let x = 0;
  let y = 0;
  for (let i = 0; i < vector.length; i += 1) {
    const c = (vector[i] as number) - (plane.mean[i] as number);
    x += c * (a[i] as number);
    y += c * (b[i] as number);
  }
  return [x, y];
}

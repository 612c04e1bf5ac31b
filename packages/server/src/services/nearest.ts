/**
 * Exact nearest-neighbour search: vectors arrive in pages and only the best `k` seen so far are
 * kept (a bounded max-heap), so memory stays O(k + page) however many vectors a dataset has.
 */

/** How distance is measured: cosine distance (`1 - cos`) or Euclidean distance. */
export type Metric = "cosine" | "l2";

/** A candidate and its distance to the query. */
export interface Neighbour<T> {
  value: T;
  /** Breaks ties between equal distances, so results do not depend on page order. */
  key: string;
  distance: number;
}

/** The Euclidean norm of a vector. */
export function norm(v: Float32Array | readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < v.length; i += 1) sum += (v[i] as number) * (v[i] as number);
  return Math.sqrt(sum);
}

/**
 * A distance function for one query vector. Cosine distance to a zero vector (either side) is 1,
 * as if it were orthogonal to everything.
 */
export function distanceTo(query: Float32Array, metric: Metric): (v: Float32Array) => number {
  const n = query.length;
  if (metric === "l2") {
    return (v) => {
      let sum = 0;
      for (let i = 0; i < n; i += 1) {
        const d = (query[i] as number) - (v[i] as number);
        sum += d * d;
      }
      return Math.sqrt(sum);
    };
  }
  const qn = norm(query);
  return (v) => {
    let dot = 0;
    let vv = 0;
    for (let i = 0; i < n; i += 1) {
      const x = v[i] as number;
      dot += (query[i] as number) * x;
      vv += x * x;
    }
    if (qn === 0 || vv === 0) return 1;
    // Rounding may take |cos| a hair past 1.
    return 1 - Math.max(-1, Math.min(1, dot / (qn * Math.sqrt(vv))));
  };
}

const worse = <T>(a: Neighbour<T>, b: Neighbour<T>) =>
  a.distance > b.distance || (a.distance === b.distance && a.key > b.key);

/** The `k` nearest candidates offered so far. */
export class TopK<T> {
  // A max-heap: the worst kept candidate at the root, the first to go.
  private readonly heap: Neighbour<T>[] = [];

  constructor(private readonly k: number) {}

  /** Considers one candidate. */
  offer(candidate: Neighbour<T>): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push(candidate);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i] as Neighbour<T>, heap[parent] as Neighbour<T>)) break;
        [heap[i], heap[parent]] = [heap[parent] as Neighbour<T>, heap[i] as Neighbour<T>];
        i = parent;
      }
      return;
    }
    if (this.k === 0 || !worse(heap[0] as Neighbour<T>, candidate)) return;
    heap[0] = candidate;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let top = i;
      if (left < heap.length && worse(heap[left] as Neighbour<T>, heap[top] as Neighbour<T>)) top = left;
      if (right < heap.length && worse(heap[right] as Neighbour<T>, heap[top] as Neighbour<T>)) top = right;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top] as Neighbour<T>, heap[i] as Neighbour<T>];
      i = top;
    }
  }

  /** The kept candidates, nearest first. */
  sorted(): Neighbour<T>[] {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }
}

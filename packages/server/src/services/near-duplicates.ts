/**
 * Near-duplicate groups: items whose vectors lie within a distance of each other, found by asking
 * the dataset's vector index for each vector's nearest neighbours (a batch of vectors per native
 * call) and joining every pair within the threshold, transitively (union-find). Runs as a job; the
 * groups are kept as a JSON file in the media store, named in the job's message.
 */
import type { MediaStore } from "../media.js";
import type { JobRecord, JobUpdate, NucleusStore } from "../store/index.js";
import type { Metric } from "./nearest.js";
import type { VectorIndexes } from "./vector-index.js";

/** The job type of a near-duplicate search. */
export const NEAR_DUPLICATES_JOB_TYPE = "nearDuplicates";

/** What a near-duplicate job looks for. */
export interface NearDuplicatesJobSpec {
  type: typeof NEAR_DUPLICATES_JOB_TYPE;
  datasetId: string;
  metric: Metric;
  /** Items closer than this (cosine: `1 - cos`; l2: Euclidean) are duplicates. */
  threshold: number;
  /** Neighbours asked of the index per vector. */
  neighbours: number;
}

/** One group: its items, the first the one a deduplicated slice keeps (the first stored). */
export interface NearDuplicateGroup {
  items: { item_id: string; reference_id: string }[];
}

/** The file a finished job leaves. */
export interface NearDuplicatesResult {
  metric: Metric;
  threshold: number;
  /** Vectors compared. */
  searched: number;
  groups: NearDuplicateGroup[];
}

/** Vectors read and searched per step. */
const STEP = 1_000;
/** Keys resolved to items per store call. */
const RESOLVE = 5_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A disjoint-set forest over index keys, holding only keys that joined a pair. */
class Groups {
  private readonly parent = new Map<number, number>();

  private find(key: number): number {
    let root = key;
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root))
      root = up;
    // Path compression: later finds take one step.
    for (let at = key; at !== root; ) {
      const up = this.parent.get(at) as number;
      this.parent.set(at, root);
      at = up;
    }
    return root;
  }

  join(a: number, b: number): void {
    if (!this.parent.has(a)) this.parent.set(a, a);
    if (!this.parent.has(b)) this.parent.set(b, b);
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller key (the earlier stored vector) becomes the root.
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }

  /** Each group's keys, smallest first, groups in order of their smallest key. */
  all(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (const key of [...this.parent.keys()].sort((x, y) => x - y)) {
      const root = this.find(key);
      const members = byRoot.get(root);
      if (members) members.push(key);
      else byRoot.set(root, [key]);
    }
    return [...byRoot.entries()].sort((x, y) => x[0] - y[0]).map(([, members]) => members);
  }
}

/** Runs a near-duplicate job: reports progress in vectors, and ends with the result file's key. */
export async function runNearDuplicatesJob(
  store: NucleusStore,
  media: MediaStore,
  vectors: VectorIndexes,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as NearDuplicatesJobSpec;
  const { datasetId, metric } = spec;
  await vectors.catchUpWith(datasetId, metric);
  const total = await store.embeddings.count(datasetId);
  await report({ totalSteps: total, completedSteps: 0 });
  // The index answers squared distances for l2.
  const limit = metric === "l2" ? spec.threshold * spec.threshold : spec.threshold;
  const groups = new Groups();
  let after = 0;
  let searched = 0;
  for (;;) {
    const rows = await store.embeddings.keyed(datasetId, after, STEP);
    if (rows.length === 0) break;
    const dimension = (rows[0] as { vector: Float32Array }).vector.length;
    const flat = new Float32Array(rows.length * dimension);
    rows.forEach((row, i) => {
      flat.set(row.vector, i * dimension);
    });
    const found = await vectors.nearestOfMany(datasetId, metric, flat, spec.neighbours + 1);
    const pairs: [number, number][] = [];
    rows.forEach((row, i) => {
      for (const hit of found[i] ?? [])
        if (hit.key !== row.key && hit.distance <= limit) pairs.push([row.key, hit.key]);
    });
    // A neighbour's key may name a vector since deleted or replaced: only current ones join.
    const current = await store.embeddings.byKeys(datasetId, [...new Set(pairs.map(([, b]) => b))]);
    for (const [a, b] of pairs) if (current.has(b)) groups.join(a, b);
    searched += rows.length;
    after = (rows[rows.length - 1] as { key: number }).key;
    await report({ completedSteps: searched });
    await nextTurn();
  }
  const keyed = groups.all();
  const named = new Map<number, { itemId: string; referenceId: string }>();
  const keys = keyed.flat();
  for (let i = 0; i < keys.length; i += RESOLVE)
    for (const [key, item] of await store.embeddings.byKeys(datasetId, keys.slice(i, i + RESOLVE)))
      named.set(key, item);
  const result: NearDuplicatesResult = {
    metric,
    threshold: spec.threshold,
    searched,
    groups: keyed.flatMap((members) => {
      const items = members.flatMap((key) => {
        const item = named.get(key);
        return item ? [{ item_id: item.itemId, reference_id: item.referenceId }] : [];
      });
      // An item deleted while the job ran may leave a group of one: that is no group.
      return items.length > 1 ? [{ items }] : [];
    }),
  };
  const resultKey = media.put(Buffer.from(JSON.stringify(result)), "near-duplicates.json");
  await report({
    status: "Completed",
    completedSteps: searched,
    message: {
      result_key: resultKey,
      groups: result.groups.length,
      duplicates: result.groups.reduce((n, g) => n + g.items.length - 1, 0),
    },
  });
}

/**
 * Random items of a dataset for training: a reservoir sample over one pass of the dataset's
 * vectors, a page at a time, so only the sample (never every vector) stays in the heap.
 */
import type { NucleusStore } from "../../store/index.js";

/** Vectors read per store call while sampling or scoring. */
export const VECTOR_PAGE = 2_000;

/** A seeded generator of numbers in [0, 1) (mulberry32), so a training can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number from a text, to seed a generator with. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Up to `size` vectors of the dataset, each equally likely, leaving out the `excluded` items. */
export async function sampleVectors(
  store: NucleusStore,
  datasetId: string,
  size: number,
  excluded: ReadonlySet<string>,
  random: () => number,
): Promise<{ itemId: string; vector: Float32Array }[]> {
  const sample: { itemId: string; vector: Float32Array }[] = [];
  let seen = 0;
  let cursor: string | null = null;
  do {
    const page = await store.embeddings.page(datasetId, { cursor, limit: VECTOR_PAGE });
    for (const record of page.records) {
      if (excluded.has(record.itemId)) continue;
      seen += 1;
      if (sample.length < size)
        sample.push({ itemId: record.itemId, vector: Float32Array.from(record.vector) });
      else {
        const at = Math.floor(random() * seen);
        if (at < size) sample[at] = { itemId: record.itemId, vector: Float32Array.from(record.vector) };
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return sample;
}

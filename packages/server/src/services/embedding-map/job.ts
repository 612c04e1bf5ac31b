/**
 * The embedding map job: fits a PCA plane to the dataset's vectors (a few passes, a page at a
 * time), then writes each item's place on it. The map keeps the vectors' version it was made
 * from, so a later change to the vectors makes it stale rather than silently wrong.
 */
import type { JobRecord, JobUpdate, NucleusStore } from "../../store/index.js";
import { seededRandom, seedOf } from "../autotag/sample.js";
import { fitPca, project } from "./pca.js";

/** The job type of an embedding map. */
export const EMBEDDING_MAP_JOB_TYPE = "embeddingMap";

/** What an embedding map job computes. */
export interface EmbeddingMapJobSpec {
  type: typeof EMBEDDING_MAP_JOB_TYPE;
  datasetId: string;
  method: "pca";
}

/** Vectors read per store call. */
const PAGE = 2_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The version of a dataset's vectors: changes whenever a vector is stored (each store takes a
 * new index key) or deleted (the count drops).
 */
export async function vectorsVersion(store: NucleusStore, datasetId: string): Promise<string> {
  const [last, count] = await Promise.all([
    store.embeddings.lastKey(datasetId),
    store.embeddings.count(datasetId),
  ]);
  return `${last}:${count}`;
}

/** Runs an embedding map job. */
export async function runEmbeddingMapJob(
  store: NucleusStore,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as EmbeddingMapJobSpec;
  const { datasetId } = spec;
  const kept = await store.embeddingMaps.get(datasetId);
  if (kept && kept.jobId !== job.id) {
    // A later computation replaced this one before it ran: nothing to do.
    await report({ status: "Completed", message: { superseded_by: kept.jobId } });
    return;
  }
  // Recorded again with the version read now: a rerun after a restart starts afresh.
  await store.embeddingMaps.begin(datasetId, {
    method: spec.method,
    version: await vectorsVersion(store, datasetId),
    jobId: job.id,
  });
  try {
    const total = await store.embeddings.count(datasetId);
    let passes = 0;
    const pass = async (visit: (vectors: readonly Float32Array[]) => void | Promise<void>) => {
      let cursor: string | null = null;
      do {
        const page = await store.embeddings.page(datasetId, { cursor, limit: PAGE });
        await visit(page.records.map((r) => r.vector));
        cursor = page.nextCursor;
        await nextTurn();
      } while (cursor !== null);
      passes += 1;
      await report({ message: { stage: "fitting", passes } });
    };
    await report({ totalSteps: total, completedSteps: 0 });
    const plane = await fitPca(pass, { random: seededRandom(seedOf(datasetId)) });
    let placed = 0;
    let cursor: string | null = null;
    do {
      const page = await store.embeddings.page(datasetId, { cursor, limit: PAGE });
      await store.embeddingMaps.putPoints(
        datasetId,
        page.records.map((r) => {
          const [x, y] = project(plane, r.vector);
          return { itemId: r.itemId, x, y };
        }),
      );
      placed += page.records.length;
      cursor = page.nextCursor;
      await report({ completedSteps: placed });
      await nextTurn();
    } while (cursor !== null);
    const details = {
      explained_variance: plane.explained,
      iterations: plane.iterations,
      dimension: plane.mean.length,
    };
    await store.embeddingMaps.finish(datasetId, job.id, { status: "Completed", points: placed, details });
    await report({ status: "Completed", completedSteps: placed, message: { points: placed, ...details } });
  } catch (error) {
    await store.embeddingMaps.finish(datasetId, job.id, {
      status: "Errored",
      points: 0,
      details: { error: (error as Error).message },
    });
    throw error;
  }
}

/**
 * The autotag job: trains the autotag's linear model on its examples (the user's positives and
 * negatives, plus random items as background negatives when it was created without negatives), then scores every item with a vector in
 * [-1, 1], a page of vectors at a time, writing the scores as a new generation and dropping the
 * older one at the end (so queries see the earlier scores until the new ones are all written).
 */
import type { AutotagRecord, JobRecord, JobUpdate, NucleusStore } from "../../store/index.js";
import { type Example, scoreOf, trainLogisticAsync } from "./logistic.js";
import { sampleVectors, seededRandom, seedOf, VECTOR_PAGE } from "./sample.js";

/** The job type of autotag training and scoring (the protocol's name for it). */
export const AUTOTAG_JOB_TYPE = "autotagInference";

/** What an autotag job runs. */
export interface AutotagJobSpec {
  type: typeof AUTOTAG_JOB_TYPE;
  datasetId: string;
  autotagId: string;
}

/** Random background negatives: this many per positive, within the bounds below. */
const RANDOM_PER_POSITIVE = 10;
const MIN_RANDOM = 100;
const MAX_RANDOM = 500;
/** Vectors read by id per store call. */
const BY_ID = 1_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The vectors of some items, by id, read in chunks. */
async function vectorsOf(store: NucleusStore, datasetId: string, ids: readonly string[]) {
  const found = new Map<string, Float32Array>();
  for (let i = 0; i < ids.length; i += BY_ID)
    for (const [id, record] of await store.embeddings.get(datasetId, ids.slice(i, i + BY_ID)))
      found.set(id, record.vector);
  return found;
}

/** The examples an autotag trains on, or an error naming what is missing. */
async function examplesOf(store: NucleusStore, tag: AutotagRecord): Promise<Example[]> {
  const { positives, negatives } = tag.training;
  const given = await vectorsOf(store, tag.datasetId, [...positives, ...negatives]);
  const missing = positives.filter((id) => !given.has(id));
  if (missing.length === positives.length)
    throw new Error(`autotag ${tag.name}: none of its positive items has a vector any more`);
  const excluded = new Set([...positives, ...negatives]);
  const size = Math.min(MAX_RANDOM, Math.max(MIN_RANDOM, RANDOM_PER_POSITIVE * positives.length));
  const random = seededRandom(seedOf(`${tag.id}:${tag.training.rounds.length}`));
  const background = tag.training.randomNegatives
    ? await sampleVectors(store, tag.datasetId, size, excluded, random)
    : [];
  const examples: Example[] = [];
  for (const id of positives) {
    const vector = given.get(id);
    if (vector) examples.push({ vector, label: 1 });
  }
  for (const id of negatives) {
    const vector = given.get(id);
    if (vector) examples.push({ vector, label: 0 });
  }
  for (const { vector } of background) examples.push({ vector, label: 0 });
  return examples;
}

/** Runs an autotag job: trains, scores every item, and records the model on the autotag. */
export async function runAutotagJob(
  store: NucleusStore,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as AutotagJobSpec;
  const started = Date.now();
  const tag = await store.autotags.get(spec.autotagId);
  if (!tag) throw new Error(`autotag ${spec.autotagId} no longer exists`);
  try {
    const total = await store.embeddings.count(tag.datasetId);
    await report({ totalSteps: total, completedSteps: 0 });
    const model = await trainLogisticAsync(await examplesOf(store, tag));
    const current = await store.autotags.update(tag.id, { status: "Running", nextGeneration: true });
    if (!current) throw new Error(`autotag ${tag.id} was deleted while it trained`);
    const { generation } = current;
    let scored = 0;
    let cursor: string | null = null;
    do {
      const page = await store.embeddings.page(tag.datasetId, { cursor, limit: VECTOR_PAGE });
      await store.autotags.putScores(
        tag.id,
        generation,
        page.records.map((r) => ({ itemId: r.itemId, score: scoreOf(model, r.vector) })),
      );
      scored += page.records.length;
      cursor = page.nextCursor;
      await report({ completedSteps: scored });
      await nextTurn();
    } while (cursor !== null);
    await store.autotags.dropOlder(tag.id, generation);
    const latest = (await store.autotags.get(tag.id)) ?? current;
    const rounds = latest.training.rounds.map((round, i, all) =>
      i === all.length - 1 && round.ms === 0 ? { ...round, ms: Date.now() - started } : round,
    );
    const { error: _earlier, ...training } = latest.training;
    await store.autotags.update(tag.id, {
      status: "Completed",
      training: { ...training, rounds, model, scored },
    });
    await report({
      status: "Completed",
      completedSteps: scored,
      message: { autotag_id: tag.id, name: tag.name, scored },
    });
  } catch (error) {
    const latest = await store.autotags.get(tag.id);
    if (latest)
      await store.autotags.update(tag.id, {
        status: "Errored",
        training: { ...latest.training, error: (error as Error).message },
      });
    throw error;
  }
}

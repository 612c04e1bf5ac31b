/**
 * The protocol's custom index (`create_custom_index`): a job that reads JSON files of vectors by
 * reference id from URLs and stores them as the items' embeddings, which the dataset's vector
 * index then takes in the background.
 */
import type { JobRecord, JobUpdate, NucleusStore } from "../store/index.js";
import type { VectorIndexes } from "./vector-index.js";

/** The job type the official client knows this job by. */
export const CUSTOM_INDEX_JOB_TYPE = "customIndexing";

/** What a custom index job reads. */
export interface CustomIndexJobSpec {
  type: typeof CUSTOM_INDEX_JOB_TYPE;
  datasetId: string;
  urls: string[];
  dimension: number;
}

/** The largest file of vectors fetched. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 60_000;
/** Vectors stored per transaction. */
const CHUNK = 1_000;
/** Errors kept in the job's record. */
const MAX_ERRORS = 100;
const FLOAT32_MAX = 3.4028234663852886e38;

/** The vectors of one file, or why it could not be read. */
async function readFile(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`fetching it answered HTTP ${response.status}`);
  const length = Number(response.headers.get("content-length") ?? 0);
  if (length > MAX_FILE_BYTES) throw new Error(`it is larger than ${MAX_FILE_BYTES} bytes`);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("it is not a JSON object of reference id to vector");
  return parsed as Record<string, unknown>;
}

/** Why a file's entry is not a vector of the dataset's length, or undefined when it is one. */
function problemOf(vector: unknown, dimension: number): string | undefined {
  if (!Array.isArray(vector)) return "is not a list of numbers";
  if (vector.length !== dimension)
    return `has ${vector.length} numbers, but embedding_dimension is ${dimension}`;
  const bad = vector.findIndex(
    (x) => typeof x !== "number" || !Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX,
  );
  return bad < 0 ? undefined : `[${bad}] is ${JSON.stringify(vector[bad])}, not a finite 32-bit float`;
}

/**
 * Runs a custom index job: each file's entries are checked (length, numbers, known reference id)
 * and the good ones stored; each bad entry or unreadable file is one of the job's errors, naming
 * the URL and the reference id. The job completes when at least one vector was stored.
 */
export async function runCustomIndexJob(
  store: NucleusStore,
  vectors: VectorIndexes,
  job: JobRecord,
  report: (fields: JobUpdate) => Promise<void>,
): Promise<void> {
  const spec = job.spec as unknown as CustomIndexJobSpec;
  const errors: string[] = [];
  const note = (error: string) => {
    if (errors.length < MAX_ERRORS) errors.push(error);
  };
  let stored = 0;
  let skipped = 0;
  await report({ totalSteps: spec.urls.length, completedSteps: 0 });
  for (const [n, url] of spec.urls.entries()) {
    let entries: [string, unknown][];
    try {
      entries = Object.entries(await readFile(url));
    } catch (error) {
      note(`embeddings_urls[${n}] (${url}): ${(error as Error).message}`);
      continue;
    }
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      const ids = await store.embeddings.itemIds(
        spec.datasetId,
        chunk.map(([ref]) => ref),
      );
      const rows = chunk.flatMap(([ref, vector]) => {
        const problem = problemOf(vector, spec.dimension);
        const itemId = ids.get(ref);
        if (problem) note(`embeddings_urls[${n}] (${url}): ${JSON.stringify(ref)}: the vector ${problem}`);
        else if (itemId === undefined)
          note(
            `embeddings_urls[${n}] (${url}): ${JSON.stringify(ref)}: no item of dataset ${spec.datasetId} has this reference id`,
          );
        if (problem || itemId === undefined) {
          skipped += 1;
          return [];
        }
        return [{ itemId, vector: Float32Array.from(vector as number[]) }];
      });
      stored += await store.embeddings.put(spec.datasetId, rows);
    }
    vectors.changed(spec.datasetId);
    await report({ completedSteps: n + 1 });
  }
  await report({
    status: stored > 0 || (skipped === 0 && errors.length === 0) ? "Completed" : "Errored_User",
    errors,
    message: { embeddings_stored: stored, entries_skipped: skipped },
  });
}

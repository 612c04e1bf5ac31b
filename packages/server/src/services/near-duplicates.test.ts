/**
 * The near-duplicate job's two passes, on a real store: with a first beam too narrow for vectors
 * in tight clusters, the vectors that did not find themselves are searched among each other, and
 * every planted near-copy is still grouped with its original; a saved index searched on its
 * thread answers as the index it was saved from, and its side index finds vectors sent earlier.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobRecord, JobUpdate } from "../store/index.js";
import { createDataset, seededRandom as random, startTestServer, type TestServer } from "../test-support.js";
import { newIndex, writeIndexFile } from "./index-file.js";
import { IndexFileSearch } from "./index-file-search.js";
import {
  NEAR_DUPLICATES_JOB_TYPE,
  type NearDuplicatesJobSpec,
  type NearDuplicatesResult,
  runNearDuplicatesJob,
} from "./near-duplicates.js";
import { VectorIndexes } from "./vector-index.js";

const ITEMS = 4_000;
const DIM = 32;
const CLUSTERS = 40;
/** Every this many items, one is a near copy of the item before it. */
const PLANT_EVERY = 50;

const next = random(11);
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
const vectors: number[][] = [];
for (let i = 0; i < ITEMS; i += 1) {
  const before = vectors[i - 1];
  if (i % PLANT_EVERY === PLANT_EVERY - 1 && before)
    vectors.push(before.map((x) => x + (next() - 0.5) * 0.002));
  else {
    const centre = centres[Math.floor(next() * CLUSTERS)] as number[];
    vectors.push(centre.map((x) => x + (next() - 0.5) * 0.6));
  }
}
const ref = (i: number) => `p${i}`;

const dir = mkdtempSync(join(tmpdir(), "nucleus-near-duplicates-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the near-duplicate job's passes", () => {
  let server: TestServer;
  let datasetId: string;
  let indexes: VectorIndexes;

  beforeAll(async () => {
    server = await startTestServer();
    datasetId = await createDataset(server, "passes");
    const items = vectors.map((_, i) => ({
      reference_id: ref(i),
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${datasetId}/append`, { body: { items } })).status).toBe(200);
    const uploaded = await server.call("POST", `ext/datasets/${datasetId}/embeddings`, {
      body: { embeddings: vectors.map((vector, i) => ({ reference_id: ref(i), vector })) },
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    indexes = new VectorIndexes(server.store, { dir: join(dir, "indexes") });
  });
  afterAll(async () => {
    await indexes.close();
    await server.stop();
  });

  /** Runs a job with these beams; answers its groups (by reference id) and its last report. */
  const run = async (beams: { first: number; second: number }, step?: number) => {
    const spec: NearDuplicatesJobSpec = {
      type: NEAR_DUPLICATES_JOB_TYPE,
      datasetId,
      metric: "cosine",
      threshold: 0.01,
      neighbours: 1,
      beams,
      ...(step ? { step } : {}),
    };
    const reports: JobUpdate[] = [];
    const job = { id: "job_passes", spec } as unknown as JobRecord;
    await runNearDuplicatesJob(server.store, server.media, indexes, job, async (fields) => {
      reports.push(fields);
    });
    const last = reports[reports.length - 1] as JobUpdate & {
      message: { result_key: string; searched_again: number };
    };
    expect(last.status).toBe("Completed");
    const bytes = await server.media.get(last.message.result_key);
    const result = JSON.parse((bytes as Buffer).toString("utf8")) as NearDuplicatesResult;
    return { result, again: last.message.searched_again };
  };

  const planted = Array.from({ length: ITEMS / PLANT_EVERY }, (_, k) => (k + 1) * PLANT_EVERY - 1);
  /** The planted copies not grouped with their originals. */
  const missedOf = (result: NearDuplicatesResult) => {
    const groupOf = new Map<string, number>();
    result.groups.forEach((group, g) => {
      for (const item of group.items) groupOf.set(item.reference_id, g);
    });
    return planted.filter((i) => {
      const group = groupOf.get(ref(i));
      return group === undefined || group !== groupOf.get(ref(i - 1));
    });
  };
  const leftCopies = () => readdirSync(join(dir, "indexes")).filter((name) => name.includes(".job-"));

  it("searches among each other the vectors a narrow search did not find, and groups every planted copy", async () => {
    const { result, again } = await run({ first: 1, second: 128 });
    expect(result.searched).toBe(ITEMS);
    expect(again).toBeGreaterThan(0);
    expect(missedOf(result)).toEqual([]);
    // Nothing but the planted pairs lies within the threshold.
    expect(result.groups).toHaveLength(planted.length);
    // The job's copy of the index file is gone with it.
    expect(leftCopies()).toEqual([]);
  });

  it("finds a pair of unfound vectors read in different steps", async () => {
    // One vector a step: every planted copy is read after its original.
    const { result, again } = await run({ first: 1, second: 128 }, 1);
    expect(again).toBeGreaterThan(0);
    expect(result.searched).toBe(ITEMS);
    expect(missedOf(result)).toEqual([]);
    expect(result.groups).toHaveLength(planted.length);
    expect(leftCopies()).toEqual([]);
  });

  it("completes when vectors do not find themselves among the unfound either", async () => {
    const { result, again } = await run({ first: 1, second: 1 }, 1);
    expect(again).toBeGreaterThan(0);
    expect(result.searched).toBe(ITEMS);
    expect(leftCopies()).toEqual([]);
  });

  it("deletes copies a job left behind when the indexes open again", async () => {
    const left = join(dir, "indexes", `${datasetId}.cosine.usearch.job-left`);
    writeFileSync(left, "left by a process that ended during a job");
    const again = new VectorIndexes(server.store, { dir: join(dir, "indexes") });
    await again.close();
    expect(existsSync(left)).toBe(false);
  });

  it("searches a saved index on its thread as the index itself does, and refuses a missing file by name", async () => {
    const index = newIndex(DIM, "cosine");
    const flat = Float32Array.from(vectors.slice(0, 500).flat());
    index.add(
      BigUint64Array.from({ length: 500 }, (_, i) => BigInt(i + 1)),
      flat,
      1,
    );
    const file = join(dir, "saved.usearch");
    writeIndexFile(file, index, 500, "cosine");
    const search = await IndexFileSearch.open({ file, dimension: DIM, metric: "cosine" }, 128);
    try {
      const queries = flat.slice(0, 20 * DIM);
      const hits = await search.search(queries.slice(), 5);
      for (let q = 0; q < 20; q += 1) {
        const own = index.search(queries.subarray(q * DIM, (q + 1) * DIM), 5, 1);
        expect(Array.from(hits.keys.subarray(q * 5, q * 5 + 5))).toEqual(Array.from(own.keys, Number));
      }
      // The side index holds only what was sent to it: an original first, then its copy (keys 1,000
      // and up, which the saved index does not have), each searched among what was sent so far.
      const original = Float32Array.from(vectors[48] as number[]);
      const copy = Float32Array.from(vectors[49] as number[]);
      const first = await search.searchAmong([1_048], original.slice(), 2);
      expect(Array.from(first.keys)).toEqual([1_048, -1]);
      const second = await search.searchAmong([1_049], copy.slice(), 2);
      expect(Array.from(second.keys)).toEqual([1_049, 1_048]);
      expect(second.distances[1]).toBeLessThan(0.01);
      // The saved index is searched as before, without the side index's keys.
      const again = await search.search(copy.slice(), 2);
      expect(Array.from(again.keys).every((key) => key < 1_000)).toBe(true);
    } finally {
      await search.close();
    }
    await expect(
      IndexFileSearch.open({ file: join(dir, "missing.usearch"), dimension: DIM, metric: "cosine" }, 32),
    ).rejects.toThrow(/missing\.usearch/);
  });

  it("ends its thread only once the thread has answered what it was sent", async () => {
    const index = newIndex(DIM, "cosine");
    index.add(
      BigUint64Array.from({ length: ITEMS }, (_, i) => BigInt(i + 1)),
      Float32Array.from(vectors.flat()),
      1,
    );
    const file = join(dir, "busy.usearch");
    writeIndexFile(file, index, ITEMS, "cosine");
    const search = await IndexFileSearch.open({ file, dimension: DIM, metric: "cosine" }, 256);
    // A search long enough to be running when the thread is told to end, then an insertion.
    const all = Float32Array.from(vectors.flat());
    const queries = new Float32Array(all.length * 20);
    for (let i = 0; i < 20; i += 1) queries.set(all, i * all.length);
    const searching = search.search(queries, 10);
    const adding = search.searchAmong([1], Float32Array.from(vectors[0] as number[]), 1);
    await search.close();
    expect((await searching).keys.length).toBe(20 * ITEMS * 10);
    expect(Array.from((await adding).keys)).toEqual([1]);
  });
});

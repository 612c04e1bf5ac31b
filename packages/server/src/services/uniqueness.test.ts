/**
 * The uniqueness job's batches, on a real store: read a few vectors at a time while the thread
 * searches the ones before, the job scores every vector as it does in one batch, and leaves no
 * copy of the index behind.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobRecord, JobUpdate } from "../store/index.js";
import { createDataset, seededRandom as random, startTestServer, type TestServer } from "../test-support.js";
import { runUniquenessJob, UNIQUENESS_JOB_TYPE, type UniquenessJobSpec } from "./uniqueness.js";
import { VectorIndexes } from "./vector-index.js";

const ITEMS = 300;
const DIM = 16;
const next = random(5);
const centres = Array.from({ length: 6 }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
const vectors = Array.from({ length: ITEMS }, (_, i) =>
  (centres[i % 6] as number[]).map((x) => x + (next() - 0.5) * (i % 50 === 7 ? 3 : 0.2)),
);
const ref = (i: number) => `q${i}`;

const dir = mkdtempSync(join(tmpdir(), "nucleus-uniqueness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the uniqueness job's batches", () => {
  let server: TestServer;
  let datasetId: string;
  let indexes: VectorIndexes;

  beforeAll(async () => {
    server = await startTestServer();
    datasetId = await createDataset(server, "batches");
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

  /** Runs a job reading `step` vectors at a time; answers its reports and the items scored above 0.5, by reference id. */
  const run = async (step?: number) => {
    const spec: UniquenessJobSpec = {
      type: UNIQUENESS_JOB_TYPE,
      datasetId,
      neighbours: 5,
      ...(step ? { step } : {}),
    };
    const reports: JobUpdate[] = [];
    await runUniquenessJob(
      server.store,
      indexes,
      { id: "job_unique", spec } as unknown as JobRecord,
      async (fields) => {
        reports.push(fields);
      },
    );
    const page = await server.call("POST", `ext/datasets/${datasetId}/itemsPage`, {
      body: { query: "embedding.uniqueness > 0.5", pageSize: ITEMS },
    });
    expect(page.status).toBe(200);
    const unique = (page.body as { items: { reference_id: string }[] }).items.map(
      (item) => item.reference_id,
    );
    return { reports, unique: unique.sort() };
  };

  it("scores every vector a few at a time as it does in one batch", async () => {
    const whole = await run();
    const steps = await run(7);
    for (const { reports } of [whole, steps])
      expect(reports[reports.length - 1]).toMatchObject({ status: "Completed", message: { scored: ITEMS } });
    // Progress is reported a batch at a time.
    expect(steps.reports.length).toBeGreaterThan(ITEMS / 7);
    expect(steps.unique).toEqual(whole.unique);
    // Those scored above 0.5 are far-flung vectors (every 50th from the 7th).
    const outliers = Array.from({ length: ITEMS / 50 }, (_, k) => ref(k * 50 + 7));
    expect(whole.unique.length).toBeGreaterThanOrEqual(3);
    for (const id of whole.unique) expect(outliers).toContain(id);
    expect(readdirSync(join(dir, "indexes")).filter((name) => name.includes(".job-"))).toEqual([]);
  });
});

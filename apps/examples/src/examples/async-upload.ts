import assert from "node:assert/strict";
import { type Example, uniqueName } from "./support.js";

/** Async uploads: a signed URL, an NDJSON PUT and a server job, for items and annotations. */
export const asyncUpload: Example = {
  name: "async upload",
  async run({ client, log }) {
    const dataset = await client.createDataset(uniqueName("example-async"));
    const items = Array.from({ length: 500 }, (_, i) => ({
      imageUrl: `s3://example-bucket/async/${i}.jpg`,
      referenceId: `async_${i}`,
    }));
    const job = await dataset.append(items, { asynchronous: true });
    assert.match(job.id, /^job_/);
    const statuses: string[] = [];
    const final = await job.waitUntilDone({ pollInterval: 50, onStatus: (s) => statuses.push(s.status) });
    assert.equal(final.status, "Completed");
    assert.equal(final.jobProgress, "1.00");
    assert.deepEqual(await job.errors(), []);
    assert.equal(await dataset.size(), 500);

    const annotations = await dataset.annotate(
      items.map((item) => ({
        type: "box" as const,
        label: "thing",
        referenceId: item.referenceId,
        geometry: { x: 0, y: 0, width: 3, height: 3 },
      })),
      { asynchronous: true },
    );
    await annotations.waitUntilDone({ pollInterval: 50 });
    assert.equal((await dataset.refloc("async_499")).annotations.box?.length, 1);
    const jobs = await client.listJobs({ datasetId: dataset.id });
    assert.deepEqual(
      jobs.map((j) => j.id),
      [job.id, annotations.id],
    );
    log(
      `uploaded 500 items and 500 boxes through ${jobs.length} jobs (statuses seen: ${[...new Set(statuses)].join(", ")})`,
    );
    await client.deleteDataset(dataset.id);
  },
};

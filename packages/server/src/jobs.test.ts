import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTenantSecret } from "./db/data-folder.js";
import { tenantOf } from "./http/auth.js";
import { createDataset, KEY, remoteItems, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

type Job = { job_id: string; job_last_known_status: string; job_type: string; job_creation_time: string };
type Status = {
  status: string;
  job_progress: string;
  completed_steps: number;
  total_steps: number;
  message: unknown;
};

/** The official client's async flow: signed URL, unauthenticated NDJSON PUT, then `?async=1`. */
async function asyncUpload(
  route: string,
  datasetId: string,
  lines: unknown[],
  requestId: string,
): Promise<Job> {
  const signed = await server.call("GET", `dataset/${datasetId}/signedUrl/${requestId}`);
  const url = (signed.body as { signed_url: string }).signed_url;
  const put = await fetch(url, { method: "PUT", body: lines.map((line) => JSON.stringify(line)).join("\n") });
  expect(put.status).toBe(200);
  const started = await server.call("POST", `${route}?async=1`, { body: { requestId, update: false } });
  expect(started.status).toBe(200);
  return started.body as Job;
}

async function finished(jobId: string): Promise<Status> {
  await server.jobs.idle();
  return (await server.call("GET", `job/${jobId}`)).body as Status;
}

describe("async uploads", () => {
  it("append items in a background job that reaches Completed with every item present", async () => {
    const ds = await createDataset(server);
    const job = await asyncUpload(`dataset/${ds}/append`, ds, remoteItems(2_500, "async_"), "r1");
    expect(job).toMatchObject({ job_last_known_status: "Running", job_type: "uploadDatasetItems" });
    expect(job.job_id).toMatch(/^job_/);
    const status = await finished(job.job_id);
    expect(status).toMatchObject({
      status: "Completed",
      job_progress: "1.00",
      completed_steps: 2_500,
      total_steps: 2_500,
    });
    expect((await server.call("GET", `job/${job.job_id}/errors`)).body).toEqual([]);
    expect((await server.call("GET", `dataset/${ds}/size`)).body).toEqual({ count: 2_500 });
    expect((await server.call("GET", `job/${job.job_id}/info`)).body).toMatchObject({
      job_last_known_status: "Completed",
    });
  });

  it("report each bad line in the job's errors and still apply the good ones", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const lines = [
      { type: "box", label: "a", reference_id: "img_0", geometry: { x: 0, y: 0, width: 1, height: 1 } },
      { type: "box", label: "b", reference_id: "img_0", geometry: { x: 0, y: 0, width: -1, height: 1 } },
      { type: "box", label: "c", reference_id: "missing", geometry: { x: 0, y: 0, width: 1, height: 1 } },
    ];
    const job = await asyncUpload(`dataset/${ds}/annotate`, ds, lines, "r2");
    const status = await finished(job.job_id);
    expect(status.status).toBe("Completed");
    expect(status.message).toEqual({
      annotation_upload: { total: 3, processed: 1, ignored: 0, errored: 2, datasetId: ds },
    });
    expect((await server.call("GET", `job/${job.job_id}/errors`)).body).toEqual([
      'line 2: (reference_id "img_0"): geometry.width must be >= 0, got -1',
      'Item with reference id "missing" doesn\'t exist.',
    ]);
  });

  it("list the key's jobs, filtered by dataset and type", async () => {
    const ds = await createDataset(server);
    const job = await asyncUpload(`dataset/${ds}/append`, ds, remoteItems(3), "r3");
    await finished(job.job_id);
    const mine = (
      await server.call("POST", "jobs/", {
        body: { dataset_id: ds, job_types: [], show_completed: true, limit: 50_000 },
      })
    ).body as Job[];
    expect(mine.map((j) => j.job_id)).toEqual([job.job_id]);
    const hidden = (await server.call("POST", "jobs/", { body: { dataset_id: ds, show_completed: false } }))
      .body as Job[];
    expect(hidden).toEqual([]);
    const other = (
      await server.call("POST", "jobs/", {
        body: { dataset_id: ds, job_types: ["uploadAnnotations"], show_completed: true },
      })
    ).body as Job[];
    expect(other).toEqual([]);
  });

  it("only accept the PUT with the signed URL's own token", async () => {
    const ds = await createDataset(server);
    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/r4`)).body as { signed_url: string };
    const forged = signed.signed_url.replace(/[0-9a-f]{8}$/, "00000000");
    expect((await fetch(forged, { method: "PUT", body: "{}" })).status).toBe(404);
    const early = await server.call("POST", `dataset/${ds}/append?async=1`, { body: { requestId: "r4" } });
    expect(early.status).toBe(400);
    expect((early.body as { error: string }).error).toMatch(/Nothing was uploaded/);
  });
});

describe("restarts", () => {
  it("resume a job that was running when the server stopped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-resume-"));
    const first = await startTestServer(dir);
    const ds = await createDataset(first);
    const signed = (await first.call("GET", `dataset/${ds}/signedUrl/resume`)).body as { signed_url: string };
    await fetch(signed.signed_url, {
      method: "PUT",
      body: remoteItems(50)
        .map((l) => JSON.stringify(l))
        .join("\n"),
    });
    // The job row a process wrote just before it died: `Running`, never started.
    const tenant = tenantOf(KEY, readTenantSecret(dir));
    const mediaKey = (await first.store.uploads.get(tenant, "resume"))?.mediaKey as string;
    const job = await first.store.jobs.create(tenant, {
      datasetId: ds,
      type: "uploadDatasetItems",
      spec: { type: "uploadDatasetItems", datasetId: ds, mediaKey, update: false },
    });
    await first.stop();

    const second = await startTestServer(dir);
    await second.jobs.idle();
    expect(((await second.call("GET", `job/${job.id}`)).body as Status).status).toBe("Completed");
    expect((await second.call("GET", `dataset/${ds}/size`)).body).toEqual({ count: 50 });
    await second.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});

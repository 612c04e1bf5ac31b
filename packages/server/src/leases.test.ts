/**
 * Jobs are leased: two servers on one data folder never run the same job, and a job whose
 * runner died is picked up again once its lease expires.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readTenantSecret } from "./db/data-folder.js";
import { tenantOf } from "./http/auth.js";
import type { JobRecord } from "./store/index.js";
import { createDataset, KEY, remoteItems, startTestServer, type TestServer } from "./test-support.js";

/** The test key's tenant on a server's data folder (keyed with the folder's secret). */
const tenantOn = (server: TestServer) => tenantOf(KEY, readTenantSecret(server.dataDir));
const dirs: string[] = [];
const servers: TestServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function serverOn(dir: string, jobTiming: { leaseMs: number; pollMs: number }) {
  const server = await startTestServer(dir, { jobTiming });
  servers.push(server);
  return server;
}

/** A job row as a process writes it just before a runner claims it: an upload of `count` items. */
async function uploadJob(server: TestServer, count: number): Promise<{ job: JobRecord; datasetId: string }> {
  const datasetId = await createDataset(server);
  const requestId = `r${count}`;
  const signed = (await server.call("GET", `dataset/${datasetId}/signedUrl/${requestId}`)).body as {
    signed_url: string;
  };
  const lines = remoteItems(count).map((item) => JSON.stringify(item));
  expect((await fetch(signed.signed_url, { method: "PUT", body: lines.join("\n") })).status).toBe(200);
  const mediaKey = (await server.store.uploads.get(tenantOn(server), requestId))?.mediaKey as string;
  const job = await server.store.jobs.create(tenantOn(server), {
    datasetId,
    type: "uploadDatasetItems",
    spec: { type: "uploadDatasetItems", datasetId, mediaKey, update: false },
  });
  return { job, datasetId };
}

describe("job leases", () => {
  it("run a job once when two servers on one data folder look for work at the same time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-leases-"));
    dirs.push(dir);
    // Polling only when the test says so, so both look at the same moment.
    const timing = { leaseMs: 10_000, pollMs: 3_600_000 };
    const a = await serverOn(dir, timing);
    const b = await serverOn(dir, timing);
    const { job, datasetId } = await uploadJob(a, 2_500);

    const started = await Promise.all([a.jobs.pollOnce(), b.jobs.pollOnce(), a.jobs.pollOnce()]);
    expect(started.reduce((sum, n) => sum + n, 0)).toBe(1);
    const running = await a.store.jobs.get(tenantOn(a), job.id);
    const holder = running?.lease?.owner;
    expect([a.jobs.owner, b.jobs.owner]).toContain(holder);
    // While one server holds it, the other finds nothing to do.
    const other = holder === a.jobs.owner ? b : a;
    expect(await other.jobs.pollOnce()).toBe(0);

    await Promise.all([a.jobs.idle(), b.jobs.idle()]);
    expect(await a.store.jobs.get(tenantOn(a), job.id)).toMatchObject({
      status: "Completed",
      attempts: 1,
      completedSteps: 2_500,
      lease: null,
    });
    expect((await other.call("GET", `dataset/${datasetId}/size`)).body).toEqual({ count: 2_500 });
  });

  it("pick up a job whose runner died, once its lease expires", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-leases-"));
    dirs.push(dir);
    const first = await serverOn(dir, { leaseMs: 10_000, pollMs: 3_600_000 });
    const { job, datasetId } = await uploadJob(first, 50);
    // Claimed by a process that then died: nobody renews its lease.
    const dead = await first.store.jobs.claim(job.id, { owner: "dead-process", durationMs: 400 });
    expect(dead?.lease?.owner).toBe("dead-process");
    expect(await first.jobs.pollOnce()).toBe(0);

    const second = await serverOn(dir, { leaseMs: 10_000, pollMs: 50 });
    let record = await second.store.jobs.get(tenantOn(second), job.id);
    for (let waited = 0; record?.status !== "Completed" && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await second.jobs.idle();
      record = await second.store.jobs.get(tenantOn(second), job.id);
    }
    expect(record).toMatchObject({ status: "Completed", attempts: 2, lease: null });
    expect((await second.call("GET", `job/${job.id}`)).body).toMatchObject({ status: "Completed" });
    expect((await second.call("GET", `dataset/${datasetId}/size`)).body).toEqual({ count: 50 });
  });

  it("renew the leases of a running job so nobody takes it over", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-leases-"));
    dirs.push(dir);
    // The job outlives its first lease many times over; renewals keep it.
    const timing = { leaseMs: 300, pollMs: 3_600_000 };
    const a = await serverOn(dir, timing);
    const b = await serverOn(dir, timing);
    const { job } = await uploadJob(a, 60_000);
    expect(await a.jobs.pollOnce()).toBe(1);
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) {
      expect(await b.jobs.pollOnce()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if ((await a.store.jobs.get(tenantOn(a), job.id))?.status === "Completed") break;
    }
    await a.jobs.idle();
    expect(await a.store.jobs.get(tenantOn(a), job.id)).toMatchObject({ status: "Completed", attempts: 1 });
  });
});

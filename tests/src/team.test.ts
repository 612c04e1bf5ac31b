/**
 * A team deployment: three server processes on one PostgreSQL database and one bucket, a client
 * spreading its requests over them. 20,000 items and 200,000 annotations go in at once through
 * all three (half of the annotations as background jobs), runs are committed and evaluated, and
 * one server is killed with SIGKILL in the middle of a job, which another one finishes.
 */
import { NucleusClient } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contents } from "./support.js";
import { postgresUrl, startTeam, TEAM_KEY, type Team, type TeamServer } from "./team-support.js";

const ITEMS = 20_000;
const ANNOTATIONS = 200_000;
const PER_ITEM = ANNOTATIONS / ITEMS;

let team: Team;
let client: NucleusClient;

const box = (i: number, extra: Record<string, unknown> = {}) => ({
  type: "box" as const,
  label: i % 3 ? "car" : "person",
  referenceId: `img_${Math.floor(i / PER_ITEM)}`,
  annotationId: `a${i}`,
  geometry: { x: (i * 7) % 500, y: (i * 13) % 300, width: 20 + (i % 10), height: 30 },
  ...extra,
});

/** Runs `work` on each of `chunks` with at most `limit` at a time. */
async function pool<T>(chunks: T[], limit: number, work: (chunk: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < chunks.length) await work(chunks[next++] as T);
    }),
  );
}

const chunked = <T>(all: T[], size: number) =>
  Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));

describe.skipIf(postgresUrl() === null)("three servers on one PostgreSQL database and one bucket", () => {
  beforeAll(async () => {
    team = await startTeam(3, { leaseSeconds: 3 });
    client = new NucleusClient({
      apiKey: TEAM_KEY,
      endpoint: team.servers[0]?.url as string,
      fetch: team.balancer(),
      maxRetries: 5,
    });
  }, 60_000);
  afterAll(async () => {
    await team?.stop();
  });

  it("honour a browser session on every server, whichever one opened it", async () => {
    const [first, second, third] = team.servers as [TeamServer, TeamServer, TeamServer];
    // The link one server printed, opened through another, as a load balancer would send it.
    const link = new URL(first.loginUrl);
    const opened = await fetch(`${second.origin}${link.pathname}${link.search}`, { redirect: "manual" });
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/");
    const cookies = opened.headers.getSetCookie().map((c) => c.split(";")[0] as string);
    const cookie = cookies.join("; ");
    const csrf = (cookies.find((c) => c.startsWith("nucleus_csrf=")) ?? "").slice("nucleus_csrf=".length);
    const read = await fetch(`${third.url}/dataset/`, { headers: { cookie } });
    expect(read.status).toBe(200);
    // The link is spent everywhere, the one that printed it included.
    const again = await fetch(first.loginUrl, { redirect: "manual" });
    expect(again.headers.get("location")).toBe("/login?link=used");
    // Signed out through one server, the session is over on all of them.
    const out = await fetch(`${first.url}/__session`, {
      method: "DELETE",
      headers: { cookie, "x-csrf-token": csrf, origin: first.origin },
    });
    expect(out.status).toBe(200);
    for (const server of team.servers) {
      expect((await fetch(`${server.url}/dataset/`, { headers: { cookie } })).status).toBe(401);
    }
  });

  it("take 20,000 items and 200,000 annotations at once, each stored exactly once, every job done once", {
    timeout: 300_000,
  }, async () => {
    const dataset = await client.createDataset("team");
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      referenceId: `img_${i}`,
      imageUrl: `s3://elsewhere/img_${i}.jpg`,
      metadata: { i },
    }));
    // Eight uploaders at once, each request to the next server.
    await pool(chunked(items, 1_000), 8, async (chunk) => {
      await dataset.append(chunk, { batchSize: 500 });
    });

    const boxes = Array.from({ length: ANNOTATIONS }, (_, i) => box(i));
    const [direct, background] = [boxes.slice(0, ANNOTATIONS / 2), boxes.slice(ANNOTATIONS / 2)];
    const jobs: string[] = [];
    await Promise.all([
      pool(chunked(direct, 5_000), 4, async (chunk) => {
        const result = await dataset.annotate(chunk);
        expect(result.errors).toEqual([]);
      }),
      // The background half: NDJSON PUT straight into the bucket, one job per 10,000.
      pool(chunked(background, 10_000), 3, async (chunk) => {
        const job = await dataset.annotate(chunk, { asynchronous: true });
        jobs.push(job.id);
      }),
    ]);
    for (const id of jobs) {
      const done = await (await client.getJob(id)).waitUntilDone({
        pollInterval: 250,
        signal: AbortSignal.timeout(120_000),
      });
      expect(done.status).toBe("Completed");
    }

    // A model's predictions on every item, committed: its evaluation is a job of the shared queue.
    const model = await client.addModel({ name: "detector", referenceId: "detector" });
    const run = await model.createRun({ dataset, name: "run-1" });
    const predictions = Array.from({ length: ITEMS }, (_, i) => ({ ...box(i * PER_ITEM), confidence: 0.9 }));
    await pool(chunked(predictions, 5_000), 3, async (chunk) => {
      await run.predict(chunk);
    });
    await run.commit();

    const stored = await contents(client, dataset.id);
    expect(stored.refs).toHaveLength(ITEMS);
    expect(new Set(stored.refs).size).toBe(ITEMS);
    expect(stored.boxes).toBe(ANNOTATIONS);
    expect(stored.boxIds.size).toBe(ANNOTATIONS);

    // Every server took part.
    for (const server of team.servers) {
      const metrics = await (await fetch(`${server.origin}/metrics`)).text();
      expect(metrics).toMatch(/route="\/v1\/nucleus\/dataset\/:datasetId\/append",status="200"\} [1-9]/);
    }

    // The evaluation, and every job, ran to completion exactly once (one claim each).
    const deadline = Date.now() + 120_000;
    while (team.sql("SELECT id FROM jobs WHERE status = 'Running'").length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const rows = team
      .sql("SELECT type, status, attempts FROM jobs ORDER BY seq")
      .map((line) => line.split("\t"));
    expect(rows.filter(([type]) => type === "uploadAnnotations")).toHaveLength(jobs.length);
    expect(rows.filter(([type]) => type === "modelRunCommit")).toHaveLength(1);
    for (const [type, status, attempts] of rows) {
      expect({ type, status, attempts }).toEqual({ type, status: "Completed", attempts: "1" });
    }
    const evaluations = team.sql(
      `SELECT status, results IS NOT NULL FROM evaluations WHERE run_id = '${run.id}'`,
    );
    expect(evaluations).toEqual(["succeeded\tt"]);
  });

  it("finish a job on another server when the one running it is killed", { timeout: 180_000 }, async () => {
    const dataset = await client.createDataset("kill-9");
    await dataset.append(
      Array.from({ length: 5_000 }, (_, i) => ({
        referenceId: `img_${i}`,
        imageUrl: `s3://elsewhere/${i}.jpg`,
      })),
      { batchSize: 5_000 },
    );
    // 60 chunks of 1,000 lines: long enough to be caught in the middle.
    const lines = Array.from({ length: 60_000 }, (_, i) => ({
      ...box(i, { referenceId: `img_${i % 5_000}` }),
      annotationId: `k${i}`,
    }));
    const job = await dataset.annotate(lines, { asynchronous: true });

    // Wait until a server holds it and has made progress, then kill that server outright.
    let holder: (typeof team.servers)[number] | undefined;
    const until = Date.now() + 60_000;
    while (!holder && Date.now() < until) {
      const [row] = team.sql(`SELECT lease_owner, completed_steps FROM jobs WHERE id = '${job.id}'`);
      const [owner, steps] = (row ?? "").split("\t");
      const pid = Number(owner?.split(":")[1]);
      if (owner && Number(steps) > 0) holder = team.servers.find((server) => server.pid === pid);
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(holder, "a server took the job").toBeDefined();
    const exited = new Promise((resolve) => holder?.child.once("exit", resolve));
    holder?.child.kill("SIGKILL");
    await exited;
    const [stepsAtKill] = team.sql(`SELECT completed_steps FROM jobs WHERE id = '${job.id}'`);
    expect(Number(stepsAtKill)).toBeLessThan(60_000);

    const done = await job.waitUntilDone({ pollInterval: 250, signal: AbortSignal.timeout(120_000) });
    expect(done.status).toBe("Completed");
    const [row] = team.sql(`SELECT attempts, lease_owner FROM jobs WHERE id = '${job.id}'`);
    expect(row?.split("\t")[0]).toBe("2");
    const stored = await contents(client, dataset.id);
    expect(stored.boxes).toBe(60_000);
    expect(stored.boxIds.size).toBe(60_000);
  });
});

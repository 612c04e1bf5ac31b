#!/usr/bin/env node
// Chaos run: the built server on loopback is killed with SIGKILL every --interval seconds (30)
// for --minutes minutes (5 at most) while writers append items and an evaluator commits a model
// run, and is restarted on the same data folder and port each time. After each restart it
// checks that every acknowledged append is there exactly once and that every job reaches an end;
// at the end it prints the counts and exits non-zero if anything was lost, doubled or stuck.
//
// A writer's request that dies with the server is sent again with the same Idempotency-Key until
// it is acknowledged, so "exactly once" covers retries across a crash.
//
//   node scripts/chaos.mjs [--minutes 5] [--interval 30] [--writers 20]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    interval: { type: "string", default: "30" },
    writers: { type: "string", default: "20" },
  },
});
const MINUTES = Math.min(5, Number(values.minutes));
const INTERVAL_S = Number(values.interval);
const WRITERS = Number(values.writers);
if (!(MINUTES > 0) || !(INTERVAL_S > 0) || !(WRITERS > 0)) {
  console.error("usage: chaos.mjs [--minutes M (at most 5)] [--interval S] [--writers N]");
  process.exit(2);
}
const KEY = "chaos-key";
const BATCH = 10;
const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-chaos-"));
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let server;
// The server never outlives the run, however it ends.
process.on("exit", () => server?.kill("SIGKILL"));
let port = 0;
let url;

/** Starts the server on loopback over the data folder (on the port of the first start). */
async function start() {
  const child = spawn(
    process.execPath,
    [binary, "--data", dataDir, "--host", "127.0.0.1", "--port", String(port), "--api-key", KEY, "--quiet"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  server = child;
  url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line).url));
    child.once("exit", (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before it was ready`)),
    );
  });
  port = Number(new URL(url).port);
}

/** Kills the server with SIGKILL and waits for it to be gone. */
async function kill() {
  const child = server;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/** One request; a network error (the server is down) rejects, an answer resolves with its status. */
async function call(method, route, body, extra = {}) {
  const response = await fetch(`${url}/${route}`, {
    method,
    headers: { ...headers, ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** Like {@link call}, but waits out restarts: sent again until the server answers. */
async function persist(method, route, body, extra) {
  for (;;) {
    try {
      return await call(method, route, body, extra);
    } catch {
      await sleep(200);
    }
  }
}

const counts = {
  restarts: 0,
  acknowledged_appends: 0,
  acknowledged_items: 0,
  retried_requests: 0,
  server_errors: 0,
  checks: 0,
  missing_items: 0,
  duplicated_items: 0,
  unexpected_items: 0,
  jobs_started: 0,
  jobs_completed: 0,
  jobs_errored: 0,
  jobs_stuck: 0,
};
const acknowledged = new Set();
const sent = new Set();

const created = await (async () => {
  await start();
  return (await call("POST", "dataset/create", { name: "chaos" })).json.dataset_id;
})();
const datasetId = created;

// The evaluator's run: 2,000 items with ground truth and predictions, committed again and again.
const evalSet = (await call("POST", "dataset/create", { name: "chaos-eval" })).json.dataset_id;
await call("POST", `dataset/${evalSet}/append`, {
  items: Array.from({ length: 2_000 }, (_, i) => ({
    reference_id: `e_${i}`,
    image_url: `s3://c/e_${i}.jpg`,
  })),
});
const boxes = (prefix, shift) =>
  Array.from({ length: 20_000 }, (_, i) => ({
    type: "box",
    label: `c${i % 10}`,
    reference_id: `e_${i % 2_000}`,
    annotation_id: `${prefix}_${i}`,
    geometry: { x: (i * 7) % 500, y: (i * 11) % 500, width: 30 + shift, height: 30 },
    ...(prefix === "p" ? { confidence: (i % 100) / 100 } : {}),
  }));
await call("POST", `dataset/${evalSet}/annotate`, { annotations: boxes("g", 0) });
await call("POST", "models/add", { name: "chaos", reference_id: "chaos-model" });
const runId = (
  await call("POST", `dataset/${evalSet}/modelRun/create`, { name: "run", reference_id: "chaos-model" })
).json.model_run_id;
await call("POST", `modelRun/${runId}/predict`, { annotations: boxes("p", 3) });

console.log(`chaos: server on ${url}, data in ${dataDir}; load starts`);
const deadline = Date.now() + MINUTES * 60_000;
let running = true;

/** A writer: appends batches of new items, each under its own Idempotency-Key, until the end. */
async function writer(w) {
  for (let seq = 0; running; seq += 1) {
    const refs = Array.from({ length: BATCH }, (_, k) => `w${w}_${seq}_${k}`);
    for (const ref of refs) sent.add(ref);
    const body = { items: refs.map((ref) => ({ reference_id: ref, image_url: `s3://c/${ref}.jpg` })) };
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) counts.retried_requests += 1;
      let answer;
      try {
        answer = await call("POST", `dataset/${datasetId}/append`, body, {
          "idempotency-key": `w${w}_${seq}`,
        });
      } catch {
        await sleep(200);
        continue;
      }
      if (answer.status >= 500) counts.server_errors += 1;
      if (answer.status === 200) {
        counts.acknowledged_appends += 1;
        counts.acknowledged_items += refs.length;
        for (const ref of refs) acknowledged.add(ref);
        break;
      }
      // 409 (the first request of the key is still running, or died with the server): again.
      await sleep(200);
    }
  }
}

/** The evaluator: commits the run (an evaluation job) and waits for the job, again and again. */
const jobs = new Set();
async function evaluator() {
  for (let round = 0; running; round += 1) {
    const answer = await persist(
      "POST",
      `modelRun/${runId}/commit`,
      {},
      { "idempotency-key": `commit_${round}` },
    );
    if (answer.status >= 500) counts.server_errors += 1;
    const listed = await persist("POST", "jobs/", { show_completed: true });
    for (const job of listed.json ?? []) {
      if (!jobs.has(job.job_id)) {
        jobs.add(job.job_id);
        counts.jobs_started += 1;
      }
    }
    await sleep(2_000);
  }
}

const unfinished = (status) => status === "Queued" || status === "Running";

/** Every item of the dataset, paged; counts each reference id. */
async function storedRefs() {
  const seen = new Map();
  let pageToken = null;
  do {
    const page = await persist("POST", `dataset/${datasetId}/itemsPage`, { pageSize: 10_000, pageToken });
    for (const item of page.json.items) seen.set(item.reference_id, (seen.get(item.reference_id) ?? 0) + 1);
    pageToken = page.json.nextPageToken;
  } while (pageToken);
  return seen;
}

/** After a restart: every acknowledged item is there once, nothing is there that was never sent. */
async function check() {
  counts.checks += 1;
  const snapshot = [...acknowledged];
  const seen = await storedRefs();
  for (const ref of snapshot) {
    const n = seen.get(ref) ?? 0;
    if (n === 0) counts.missing_items += 1;
    if (n > 1) counts.duplicated_items += 1;
  }
  for (const [ref, n] of seen) {
    if (!sent.has(ref)) counts.unexpected_items += 1;
    else if (n > 1 && !acknowledged.has(ref)) counts.duplicated_items += 1;
  }
}

/** Waits (up to two minutes) for every job to end; counts how each ended. */
async function settleJobs() {
  const until = Date.now() + 120_000;
  let listed;
  do {
    listed = (await persist("POST", "jobs/", { show_completed: true })).json ?? [];
    if (!listed.some((job) => unfinished(job.job_last_known_status))) break;
    await sleep(1_000);
  } while (Date.now() < until);
  for (const job of listed) {
    if (!jobs.has(job.job_id)) {
      jobs.add(job.job_id);
      counts.jobs_started += 1;
    }
    if (unfinished(job.job_last_known_status)) counts.jobs_stuck += 1;
    else if (job.job_last_known_status === "Completed") counts.jobs_completed += 1;
    else counts.jobs_errored += 1;
  }
}

const load = [...Array.from({ length: WRITERS }, (_, w) => writer(w)), evaluator()];
while (Date.now() + INTERVAL_S * 1000 <= deadline) {
  await sleep(INTERVAL_S * 1000);
  await kill();
  counts.restarts += 1;
  await start();
  await check();
  console.log(
    `restart ${counts.restarts}: ${counts.acknowledged_items} items acknowledged, ` +
      `${counts.missing_items} missing, ${counts.duplicated_items} duplicated so far`,
  );
}
await sleep(Math.max(0, deadline - Date.now()));
running = false;
await Promise.all(load);
await check();
await settleJobs();
await kill();
rmSync(dataDir, { recursive: true, force: true });

console.log(
  `chaos: ${MINUTES} min, SIGKILL every ${INTERVAL_S} s, ${WRITERS} writers and an evaluator: ` +
    `${counts.restarts} restarts; ${counts.acknowledged_appends} appends (${counts.acknowledged_items} items) acknowledged, ` +
    `${counts.retried_requests} requests sent again; ${counts.missing_items} missing, ${counts.duplicated_items} duplicated, ` +
    `${counts.unexpected_items} never sent; ${counts.server_errors} 5xx; jobs: ${counts.jobs_started} started, ` +
    `${counts.jobs_completed} completed, ${counts.jobs_errored} errored, ${counts.jobs_stuck} not ended`,
);
console.log(JSON.stringify(counts));
if (counts.missing_items + counts.duplicated_items + counts.unexpected_items + counts.jobs_stuck > 0)
  process.exitCode = 1;

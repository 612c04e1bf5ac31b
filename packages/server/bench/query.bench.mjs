// Curation at scale, over real HTTP on loopback against a server in its own process: a generated
// dataset (items with 5 metadata keys, boxes over 20 labels, one model run with as many
// predictions, committed and evaluated), then the latencies of the query routes and the server's
// peak RSS; last, what the query side tables cost at ingest: the same items, boxes and
// predictions sent to a server that keeps them and to one that does not, batch by batch in turn.
// Run with `pnpm bench:query` (or `node bench/query.bench.mjs`) after a build. Sizes:
// BENCH_QUERY_ITEMS (default 100,000; 1,000,000 for the issue's targets), BENCH_BOXES_PER_ITEM
// (10), BENCH_REPEAT (20), BENCH_INGEST_ITEMS (items of the with/without comparison, default
// min(BENCH_QUERY_ITEMS, 50,000)). BENCH_QUERY_DATA names a data folder an earlier run filled
// (a copy of its nucleus.sqlite and tenant-secret): its queries are measured again, nothing is
// generated, and the ingest figures are left out; BENCH_QUERY_KEEP=1 keeps a generated folder for
// that. Besides latency, each measure shows the server's CPU time a request, which other load on
// the machine does not inflate.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createWorkload, curationQueries, percentile, QUERY } from "./curation-workload.mjs";

const ITEMS = Number(process.env.BENCH_QUERY_ITEMS ?? 100_000);
const BOXES = Number(process.env.BENCH_BOXES_PER_ITEM ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
/** A data folder a run of the bench filled before: its data is measured again, nothing generated. */
const REUSE = process.env.BENCH_QUERY_DATA;
/** Keep the generated data folder for a later BENCH_QUERY_DATA run (its path is printed). */
const KEEP = process.env.BENCH_QUERY_KEEP === "1";
/** Clock ticks a second, for /proc CPU times (USER_HZ, 100 on Linux). */
const TICKS = 100;
const INGEST_ITEMS = Number(process.env.BENCH_INGEST_ITEMS ?? Math.min(ITEMS, 50_000));
const KEY = "bench-key";
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 60_000).toFixed(1)} min`;
const progress = (line) => process.stderr.write(`[${elapsed()}] ${line}\n`);

// The servers run from a copy of the build, so a rebuild during a long run changes nothing. The
// copy sits under the package's node_modules, where its dependencies resolve.
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const copies = mkdtempSync(join(packageDir, "node_modules", ".query-bench-"));
const withFacts = join(copies, "with-facts");
cpSync(join(packageDir, "dist"), join(withFacts, "dist"), { recursive: true });
cpSync(join(packageDir, "package.json"), join(withFacts, "package.json"));
// The other copy never creates a dataset's facts: every item and label write then skips them (a
// query on it would fail; it only ingests).
const withoutFacts = join(copies, "without-facts");
cpSync(withFacts, withoutFacts, { recursive: true });
const ENSURE = "  ensure(datasetId) {\n    const known = this.keyOf(datasetId);";
const patched = readdirSync(join(withoutFacts, "dist")).filter((name) => {
  if (!name.endsWith(".js")) return false;
  const path = join(withoutFacts, "dist", name);
  const text = readFileSync(path, "utf8");
  if (!text.includes(ENSURE)) return false;
  writeFileSync(path, text.replace(ENSURE, "  ensure(datasetId) {\n    return void 0;"));
  return true;
});
if (patched.length === 0)
  throw new Error("the build has no SQLite facts ensure() to turn off: update the bench");
// Whatever happens, no server outlives the bench and the copies go.
const children = new Set();
process.once("exit", () => {
  for (const child of children) child.kill();
  rmSync(copies, { recursive: true, force: true });
});

/** A server in its own process on a fresh data folder, from one of the copies. */
async function startServer(copy, existing) {
  const dataDir = existing ?? mkdtempSync(join(tmpdir(), "nucleus-query-bench-"));
  const child = spawn(
    process.execPath,
    [join(copy, "dist", "main.js"), "--data", dataDir, "--port", "0", "--api-key", KEY, "--quiet"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.add(child);
  child.once("exit", () => children.delete(child));
  const { url } = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    /** The server's peak resident set so far, in MB (Linux: VmHWM). */
    peakRssMb: () =>
      Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    /** CPU time the server has used so far, in ms (Linux: utime + stime of /proc/PID/stat). */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
    },
    async stop() {
      child.kill();
      await new Promise((resolve) => child.once("exit", resolve));
      if (existing) return;
      if (KEEP) progress(`data kept in ${dataDir} (BENCH_QUERY_DATA=${dataDir} measures it again)`);
      else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One request; a connection the server reset before answering is tried again (writes here are upserts). */
async function callOn(server, method, route, body) {
  for (let attempt = 1; ; attempt += 1) {
    let response;
    try {
      response = await fetch(`${server.url}/${route}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (attempt < 3 && error?.cause?.code === "ECONNRESET") continue;
      throw error;
    }
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
}

const server = await startServer(withFacts, REUSE);
const call = (method, route, body) => callOn(server, method, route, body);
const peakRssMb = () => server.peakRssMb();

/** Sends batches with two requests in flight; returns the seconds taken. */
async function send(batches, work) {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < batches.length) await work(batches[next++]);
    }),
  );
  return (performance.now() - start) / 1000;
}

/** One generator for the whole run, so the data is the same from run to run. */
const { makeItems, makeGroundTruth, makePredictions, batches } = createWorkload({
  items: ITEMS,
  boxes: BOXES,
});

/** Generates the dataset, its ground truth and the run, commits and evaluates the run. */
async function generate() {
  const datasetId = (await call("POST", "dataset/create", { name: "query bench" })).dataset_id;

  progress(`items (${fmt(ITEMS)})`);
  const itemSeconds = await send([...batches(1_000, makeItems)], async (make) => {
    await call("POST", `dataset/${datasetId}/append`, { items: make() });
  });

  progress(`ground truth (${fmt(ITEMS * BOXES)} boxes)`);
  const annotateSeconds = await send([...batches(500, makeGroundTruth)], async (make) => {
    await call("POST", `dataset/${datasetId}/annotate`, { annotations: make() });
  });

  await call("POST", "models/add", { name: "bench detector", reference_id: "bench-detector" });
  const runId = (
    await call("POST", `dataset/${datasetId}/modelRun/create`, { name: "v1", reference_id: "bench-detector" })
  ).model_run_id;
  progress(`predictions (${fmt(ITEMS * BOXES)})`);
  const predictSeconds = await send([...batches(500, makePredictions)], async (make) => {
    await call("POST", `modelRun/${runId}/predict`, { annotations: make() });
  });

  progress("commit and evaluation");
  const commitStart = performance.now();
  await call("POST", `modelRun/${runId}/commit`, {});
  for (;;) {
    const info = await call("GET", `modelRun/${runId}/info`);
    if (info.evaluation?.status === "succeeded") break;
    if (info.evaluation?.status === "failed")
      throw new Error(`evaluation failed: ${info.evaluation.error_message}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const commitSeconds = (performance.now() - commitStart) / 1000;
  return {
    datasetId,
    runId,
    line: `  ingest: ${fmt(ITEMS / itemSeconds)} items/s, ${fmt((ITEMS * BOXES) / annotateSeconds)} annotations/s, ${fmt((ITEMS * BOXES) / predictSeconds)} predictions/s (two requests in flight); commit and evaluation ${commitSeconds.toFixed(1)} s`,
  };
}

/** The dataset and run of a data folder the bench filled before. */
async function reuse() {
  const [dataset] = await call("GET", "dataset/details");
  if (!dataset) throw new Error(`${REUSE} holds no dataset`);
  const info = await call("GET", `dataset/${dataset.id}/info`);
  return {
    datasetId: dataset.id,
    runId: info.model_run_ids[0],
    line: `  ingest: not measured (the data folder ${REUSE} was filled before)`,
  };
}

const { datasetId, runId, line: ingestLine } = REUSE ? await reuse() : await generate();
const rssAfterIngest = peakRssMb();

/**
 * Latencies of `request` over REPEAT runs (after one warm-up), sorted, in ms; and the server's
 * mean CPU time a request, which other load on the machine does not inflate as it does latency.
 */
async function latencies(request) {
  const firstStart = performance.now();
  await request();
  const first = performance.now() - firstStart;
  const times = [];
  const cpuBefore = server.cpuMs();
  for (let i = 0; i < REPEAT; i += 1) {
    const start = performance.now();
    await request();
    times.push(performance.now() - start);
  }
  return { sorted: times.sort((a, b) => a - b), cpu: (server.cpuMs() - cpuBefore) / REPEAT, first };
}
// The first call is shown apart: a result the server keeps until the next write (subset
// metrics) answers the timed calls from memory.
const report = ({ name, sorted, cpu, target, first }) =>
  console.log(
    `  ${name.padEnd(66)} first ${first.toFixed(0).padStart(6)} ms  p50 ${percentile(sorted, 50).toFixed(0).padStart(5)} ms  p95 ${percentile(sorted, 95).toFixed(0).padStart(5)} ms  server CPU ${cpu.toFixed(0).padStart(5)} ms${target ? `  (target < ${target} ms)` : ""}`,
  );

const results = [];
const measure = async (name, request, target) => {
  results.push({ name, target, ...(await latencies(request)) });
};
const seen = { matched: 0, falsePositives: 0 };
for (const { name, request, target } of curationQueries(call, datasetId, runId, seen))
  await measure(name, request, target);
// Beyond the targets: the costs that grow with the dataset.
await measure("count, no query (every item)", async () => {
  await call("POST", `ext/datasets/${datasetId}/count`, { query: "" });
});
await measure("count of an OR query (speed > 60 OR night)", async () => {
  await call("POST", `ext/datasets/${datasetId}/count`, {
    query: 'metadata.speed > 60 OR metadata.time_of_day = "night"',
  });
});
await measure("facets of every item (labels + 3 histograms)", async () => {
  await call("POST", `ext/datasets/${datasetId}/facets`, {
    query: "",
    metadata_keys: ["speed", "frame", "brightness"],
    bins: 20,
  });
});
await measure("AP of the query's items (subset evaluation)", async () => {
  await call("POST", `ext/modelRuns/${runId}/evaluation`, { query: QUERY });
});

const peakRss = peakRssMb();
await server.stop();

// What the side tables cost at ingest: the same batches to both servers in turn (which one goes
// first alternates), one request at a time, each server's time summed.
const spent = { with: { items: 0, gt: 0, predictions: 0 }, without: { items: 0, gt: 0, predictions: 0 } };
if (!REUSE) await compareIngest();
async function compareIngest() {
  progress(`ingest with and without the query side tables (${fmt(INGEST_ITEMS)} items each)`);
  const pair = { with: await startServer(withFacts), without: await startServer(withoutFacts) };
  const targets = {};
  for (const [name, s] of Object.entries(pair)) {
    const dataset = (await callOn(s, "POST", "dataset/create", { name: "ingest" })).dataset_id;
    await callOn(s, "POST", "models/add", { name: "ingest detector", reference_id: "ingest-detector" });
    const run = (
      await callOn(s, "POST", `dataset/${dataset}/modelRun/create`, {
        name: "v1",
        reference_id: "ingest-detector",
      })
    ).model_run_id;
    targets[name] = { dataset, run };
  }
  let turn = 0;
  async function inTurn(kind, body, route) {
    const order = turn++ % 2 === 0 ? ["with", "without"] : ["without", "with"];
    for (const name of order) {
      const start = performance.now();
      await callOn(pair[name], "POST", route(targets[name]), body);
      spent[name][kind] += (performance.now() - start) / 1000;
    }
  }
  for (const make of batches(1_000, makeItems, INGEST_ITEMS))
    await inTurn("items", { items: make() }, (t) => `dataset/${t.dataset}/append`);
  for (const make of batches(500, makeGroundTruth, INGEST_ITEMS))
    await inTurn("gt", { annotations: make() }, (t) => `dataset/${t.dataset}/annotate`);
  for (const make of batches(500, makePredictions, INGEST_ITEMS))
    await inTurn("predictions", { annotations: make() }, (t) => `modelRun/${t.run}/predict`);
  await pair.with.stop();
  await pair.without.stop();
}

console.log(
  `curation bench: ${fmt(ITEMS)} items (5 metadata keys), ${fmt(ITEMS * BOXES)} boxes over 20 labels, one run with ${fmt(ITEMS * BOXES)} predictions; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; ${elapsed()} in all`,
);
console.log(ingestLine);
console.log(
  `  query: ${QUERY} (${fmt(seen.matched)} items); ${seen.falsePositives} false positives on the first page`,
);
for (const result of results) report(result);
console.log(
  `  server peak RSS: ${fmt(rssAfterIngest)} MB after ingest and evaluation, ${fmt(peakRss)} MB in all`,
);
if (REUSE) process.exit(0);
const rate = (name, kind, n) => n / spent[name][kind];
console.log(
  `  ingest of ${fmt(INGEST_ITEMS)} items with the query side tables / without (one request at a time):`,
);
for (const [kind, label, n] of [
  ["items", "items/s", INGEST_ITEMS],
  ["gt", "annotations/s", INGEST_ITEMS * BOXES],
  ["predictions", "predictions/s", INGEST_ITEMS * BOXES],
])
  console.log(
    `    ${label.padEnd(14)} ${fmt(rate("with", kind, n)).padStart(8)} / ${fmt(rate("without", kind, n)).padStart(8)}  = ${((rate("with", kind, n) / rate("without", kind, n)) * 100).toFixed(0)}%`,
  );

// SQLite and PostgreSQL side by side on the curation workload (bench/curation-workload.mjs, as
// `pnpm bench:query` generates it): ingest (items/s, annotations/s, predictions/s), commit
// evaluation time and the query set's p50/p95; then 1, 2 and 3 server processes on one PostgreSQL
// database (ingest only). All over real HTTP on loopback. Run with `node bench/backends.bench.mjs`
// after a build; it starts its own PostgreSQL cluster (PostgreSQL's defaults, fsync on) with
// scripts/postgres.mjs. Sizes: BENCH_ITEMS (100,000; 1,000,000 for the million-item figures),
// BENCH_BOXES_PER_ITEM (5 boxes and 5 predictions an item), BENCH_REPEAT (20 timed runs of each
// query), BENCH_PROCESS_ITEMS (50,000; 0 leaves the process counts out).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startPostgres, stopPostgres } from "../../../scripts/postgres.mjs";
import { createServer } from "../dist/index.js";
import { createWorkload, curationQueries, percentile, QUERY } from "./curation-workload.mjs";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const BOXES = Number(process.env.BENCH_BOXES_PER_ITEM ?? 5);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const PROCESS_ITEMS = Number(process.env.BENCH_PROCESS_ITEMS ?? 50_000);
const KEY = "bench-key";
const SECRET = randomBytes(32).toString("hex");
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** A client that sends each request to the next of `urls`. */
function client(urls) {
  let turn = 0;
  return async (method, route, body) => {
    const url = urls[turn++ % urls.length];
    const send = () =>
      fetch(`${url}/${route}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // A kept-alive connection the server closed while its event loop was busy (an evaluation) is
    // reset on reuse; the request never reached it, so it is sent again.
    const response = await send().catch((error) => {
      if (error?.cause?.code !== "ECONNRESET") throw error;
      return send();
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** Runs `work` over `batches` with `concurrency` requests in flight; returns the seconds taken. */
async function timed(batches, concurrency, work) {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) await work(batches[next++]);
    }),
  );
  return (performance.now() - start) / 1000;
}

/** Latencies of `request` over REPEAT runs after one warm-up, ascending, in ms. */
async function latencies(request) {
  await request();
  const times = [];
  for (let i = 0; i < REPEAT; i += 1) {
    const start = performance.now();
    await request();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Ingest through `call` (batches of 1,000 items), then, with `evaluate`, a committed and
 * evaluated run and the query set's latencies. Concurrency 1 mirrors one client, more a team.
 */
async function measure(call, { itemCount, concurrency, evaluate }) {
  const { makeItems, makeGroundTruth, makePredictions, batches } = createWorkload({
    items: itemCount,
    boxes: BOXES,
  });
  const ds = (await call("POST", "dataset/create", { name: "bench" })).dataset_id;
  const itemSeconds = await timed([...batches(1_000, makeItems)], concurrency, (make) =>
    call("POST", `dataset/${ds}/append`, { items: make() }),
  );
  const annotationSeconds = await timed([...batches(1_000, makeGroundTruth)], concurrency, (make) =>
    call("POST", `dataset/${ds}/annotate`, { annotations: make() }),
  );
  const boxes = itemCount * BOXES;
  const result = { items: itemCount / itemSeconds, annotations: boxes / annotationSeconds };
  if (!evaluate) return result;
  await call("POST", "models/add", { name: "m", reference_id: "m", metadata: {} });
  const run = (await call("POST", `dataset/${ds}/modelRun/create`, { reference_id: "m", name: "r" }))
    .model_run_id;
  const predictionSeconds = await timed([...batches(1_000, makePredictions)], concurrency, (make) =>
    call("POST", `modelRun/${run}/predict`, { annotations: make() }),
  );
  const start = performance.now();
  await call("POST", `modelRun/${run}/commit`, {});
  for (;;) {
    const jobs = await call("POST", "jobs", { show_completed: true, job_types: ["modelRunCommit"] });
    const status = jobs[0]?.job_last_known_status;
    if (status === "Completed") break;
    if (status?.startsWith("Errored")) throw new Error("evaluation failed");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const evaluationSeconds = (performance.now() - start) / 1000;
  const seen = {};
  const queries = [];
  for (const { name, request } of curationQueries(call, ds, run, seen))
    queries.push({ name, sorted: await latencies(request) });
  return { ...result, predictions: boxes / predictionSeconds, evaluationSeconds, queries, seen };
}

const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** Starts a nucleus-server process on the database; resolves with its URL and the process. */
async function serverProcess(database) {
  const child = spawn(
    process.execPath,
    [
      binary,
      "--database",
      database,
      "--data",
      mkdtempSync(join(tmpdir(), "nb-")),
      "--port",
      "0",
      "--api-key",
      KEY,
      "--quiet",
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NUCLEUS_SECRET: SECRET },
    },
  );
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url: JSON.parse(line).url };
}

const postgres = await startPostgres({ durable: true });
const withSchema = (schema) => `${postgres.url}?schema=${schema}`;
const rows = [];
try {
  for (const backend of ["SQLite", "PostgreSQL"]) {
    const dataDir = mkdtempSync(join(tmpdir(), "nucleus-bench-"));
    const server = await createServer({
      dataDir,
      apiKeys: [KEY],
      port: 0,
      ...(backend === "PostgreSQL" ? { database: withSchema("side_by_side"), secret: SECRET } : {}),
    });
    const result = await measure(client([server.url]), {
      itemCount: ITEMS,
      concurrency: 1,
      evaluate: true,
    });
    rows.push({ setup: `${backend}, 1 server (in process)`, ...result });
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const count of PROCESS_ITEMS > 0 ? [1, 2, 3] : []) {
    const servers = [];
    const schema = `processes_${count}`;
    for (let i = 0; i < count; i += 1) servers.push(await serverProcess(withSchema(schema)));
    const result = await measure(client(servers.map((s) => s.url)), {
      itemCount: PROCESS_ITEMS,
      concurrency: 6,
      evaluate: false,
    });
    rows.push({
      setup: `PostgreSQL, ${count} server process${count > 1 ? "es" : ""}, 6 requests in flight`,
      ...result,
    });
    for (const { child } of servers) child.kill("SIGTERM");
  }
} finally {
  stopPostgres(postgres.dir);
}

console.log(
  `backends: ${fmt(ITEMS)} items, ${fmt(ITEMS * BOXES)} boxes and ${fmt(ITEMS * BOXES)} predictions side by side (one request in flight); ${fmt(PROCESS_ITEMS)} items and ${fmt(PROCESS_ITEMS * BOXES)} boxes per process count (load ${loadavg()[0].toFixed(2)})`,
);
for (const row of rows) {
  console.log(
    `  ${row.setup.padEnd(58)} ${fmt(row.items).padStart(7)} items/s  ${fmt(row.annotations).padStart(7)} annotations/s${row.predictions === undefined ? "" : `  ${fmt(row.predictions).padStart(7)} predictions/s  commit evaluated in ${row.evaluationSeconds.toFixed(1)} s`}`,
  );
}
const sides = rows.filter((row) => row.queries);
if (sides.length > 0) {
  console.log(
    `  query (${REPEAT} runs after a warm-up, p50 / p95 ms): ${QUERY} (${fmt(sides[0].seen.matched)} items); false positives on the first page: ${sides.map((row) => row.seen.falsePositives).join(" / ")}`,
  );
  console.log(`    ${"".padEnd(66)} ${sides.map((row) => row.setup.split(",")[0].padStart(14)).join("  ")}`);
  sides[0].queries.forEach(({ name }, q) => {
    const cells = sides.map((row) => {
      const { sorted } = row.queries[q];
      return `${percentile(sorted, 50).toFixed(0)} / ${percentile(sorted, 95).toFixed(0)}`.padStart(14);
    });
    console.log(`    ${name.padEnd(66)} ${cells.join("  ")}`);
  });
}

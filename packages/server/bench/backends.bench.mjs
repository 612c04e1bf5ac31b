// SQLite and PostgreSQL side by side, then 1, 2 and 3 server processes on one PostgreSQL database:
// ingest (items/s, annotations/s) and commit evaluation time, over real HTTP on loopback.
// Run with `node bench/backends.bench.mjs` after a build; it starts its own PostgreSQL cluster
// (PostgreSQL's defaults, fsync on) with scripts/postgres.mjs. Sizes: BENCH_ITEMS (100,000),
// BENCH_ANNOTATIONS (500,000), BENCH_PROCESS_ITEMS (50,000).
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

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 500_000);
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

const items = (n, prefix) =>
  Array.from({ length: n }, (_, i) => ({
    reference_id: `${prefix}${i}`,
    image_url: `s3://bench/${prefix}${i}.jpg`,
    metadata: { i, split: i % 10 ? "train" : "val" },
  }));
const chunks = (all, size) =>
  Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));
const boxes = (n, itemCount, prefix, extra = {}) =>
  Array.from({ length: n }, (_, i) => ({
    type: "box",
    label: i % 3 ? "car" : "person",
    reference_id: `${prefix}${i % itemCount}`,
    annotation_id: `a${i}`,
    geometry: { x: (i * 7) % 500, y: (i * 13) % 300, width: 20 + (i % 10), height: 30 },
    ...extra,
  }));

/** Ingest and evaluation through `call`; concurrency 1 mirrors one client, more mirrors a team. */
async function measure(call, { itemCount, annotationCount, concurrency, evaluate }) {
  const ds = (await call("POST", "dataset/create", { name: "bench" })).dataset_id;
  const itemSeconds = await timed(chunks(items(itemCount, "i_"), 1_000), concurrency, (batch) =>
    call("POST", `dataset/${ds}/append`, { items: batch }),
  );
  const annotationSeconds = await timed(
    chunks(boxes(annotationCount, itemCount, "i_"), 5_000),
    concurrency,
    (batch) => call("POST", `dataset/${ds}/annotate`, { annotations: batch }),
  );
  const result = { items: itemCount / itemSeconds, annotations: annotationCount / annotationSeconds };
  if (!evaluate) return result;
  await call("POST", "models/add", { name: "m", reference_id: "m", metadata: {} });
  const run = (await call("POST", `dataset/${ds}/modelRun/create`, { reference_id: "m", name: "r" }))
    .model_run_id;
  await timed(chunks(boxes(itemCount, itemCount, "i_", { confidence: 0.8 }), 5_000), concurrency, (batch) =>
    call("POST", `modelRun/${run}/predict`, { annotations: batch }),
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
  return { ...result, evaluationSeconds: (performance.now() - start) / 1000 };
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
      annotationCount: ANNOTATIONS,
      concurrency: 1,
      evaluate: true,
    });
    rows.push({ setup: `${backend}, 1 server (in process)`, ...result });
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const count of [1, 2, 3]) {
    const servers = [];
    const schema = `processes_${count}`;
    for (let i = 0; i < count; i += 1) servers.push(await serverProcess(withSchema(schema)));
    const result = await measure(client(servers.map((s) => s.url)), {
      itemCount: PROCESS_ITEMS,
      annotationCount: PROCESS_ITEMS * 5,
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
  `backends: ${fmt(ITEMS)} items and ${fmt(ANNOTATIONS)} boxes side by side; ${fmt(PROCESS_ITEMS)} items and ${fmt(PROCESS_ITEMS * 5)} boxes per process count (load ${loadavg()[0].toFixed(2)})`,
);
for (const row of rows) {
  console.log(
    `  ${row.setup.padEnd(58)} ${fmt(row.items).padStart(7)} items/s  ${fmt(row.annotations).padStart(7)} annotations/s${row.evaluationSeconds === undefined ? "" : `  commit evaluated in ${row.evaluationSeconds.toFixed(1)} s`}`,
  );
}

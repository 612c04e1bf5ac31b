// Soak: 50 clients of one tenant send a mix of small requests for SOAK_SECONDS while another
// tenant keeps a 100k-box evaluation in flight (commit, then charts at a new IoU threshold, again
// and again). Reports p50/p99/max of the small requests and the server's peak RSS. The server is
// the built binary in a child process, on loopback (SOAK_BINARY runs another build). Sizes:
// SOAK_BOXES, SOAK_CLIENTS, SOAK_SECONDS.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

const BOXES = Number(process.env.SOAK_BOXES ?? 100_000);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 50);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 30);
const PER_ITEM = 10;
const EVAL_KEY = "soak-eval-key";
const MIX_KEY = "soak-mix-key";

const binary = process.env.SOAK_BINARY ?? fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-soak-"));
const child = spawn(
  process.execPath,
  [
    ...(process.env.SOAK_NODE_ARGS ?? "").split(" ").filter(Boolean),
    binary,
    "--data",
    dataDir,
    "--port",
    "0",
    "--api-key",
    EVAL_KEY,
    "--api-key",
    MIX_KEY,
    "--quiet",
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const url = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line).url));
  child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
});

const headersOf = (key) => ({
  authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
  "content-type": "application/json",
});
async function call(key, method, route, body) {
  const response = await fetch(`${url}/${route}`, {
    method,
    headers: headersOf(key),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
const peakRssMb = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]) / 1024;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// The evaluating tenant: BOXES ground-truth boxes and as many predictions, PER_ITEM per item.
const items = Math.ceil(BOXES / PER_ITEM);
const evalSet = (await call(EVAL_KEY, "POST", "dataset/create", { name: "soak-eval" })).dataset_id;
for (let i = 0; i < items; i += 5_000) {
  const batch = Array.from({ length: Math.min(5_000, items - i) }, (_, j) => ({
    reference_id: `e_${i + j}`,
    image_url: `s3://soak/e_${i + j}.jpg`,
    width: 1000,
    height: 1000,
  }));
  await call(EVAL_KEY, "POST", `dataset/${evalSet}/append`, { items: batch });
}
await call(EVAL_KEY, "POST", "models/add", { name: "soak", reference_id: "soak-model" });
const runId = (
  await call(EVAL_KEY, "POST", `dataset/${evalSet}/modelRun/create`, {
    name: "run",
    reference_id: "soak-model",
  })
).model_run_id;
const box = (i, jitter) => ({
  x: ((i * 37) % 900) + jitter,
  y: ((i * 53) % 900) + jitter,
  width: 40 + (i % 30),
  height: 40 + (i % 20),
});
for (let start = 0; start < BOXES; start += 5_000) {
  const n = Math.min(5_000, BOXES - start);
  const refOf = (i) => `e_${Math.floor(i / PER_ITEM)}`;
  const annotations = Array.from({ length: n }, (_, j) => ({
    type: "box",
    label: `c${(start + j) % 20}`,
    reference_id: refOf(start + j),
    annotation_id: `gt_${start + j}`,
    geometry: box(start + j, 0),
  }));
  await call(EVAL_KEY, "POST", `dataset/${evalSet}/annotate`, { annotations });
  const predictions = annotations.map((a, j) => ({
    ...a,
    annotation_id: `p_${start + j}`,
    label: (start + j) % 7 ? a.label : "c0",
    confidence: ((start + j) % 100) / 100,
    geometry: box(start + j, (start + j) % 9),
  }));
  await call(EVAL_KEY, "POST", `modelRun/${runId}/predict`, { annotations: predictions });
}

// The mixing tenant: a dataset to read and append to.
const mixSet = (await call(MIX_KEY, "POST", "dataset/create", { name: "soak-mix" })).dataset_id;
await call(MIX_KEY, "POST", `dataset/${mixSet}/append`, {
  items: Array.from({ length: 1_000 }, (_, i) => ({
    reference_id: `m_${i}`,
    image_url: `s3://soak/m_${i}.jpg`,
  })),
});

let errors = 0;
const errorSamples = new Set();
// The evaluating tenant's loop runs on a thread of its own, so that its large responses take no
// time from the clients whose latency is measured.
const evaluator = new Worker(new URL("./soak-evaluator.mjs", import.meta.url), {
  workerData: { url, key: EVAL_KEY, runId },
});
const evaluatorDone = new Promise((resolve, reject) => {
  evaluator.once("message", resolve);
  evaluator.once("error", reject);
});

const latencies = [];
const mix = [
  () => ["GET", "dataset/"],
  () => ["GET", `dataset/${mixSet}/info`],
  () => ["GET", `dataset/${mixSet}/iloc/${Math.floor(Math.random() * 1_000)}`],
  () => ["GET", `dataset/${mixSet}/refloc/m_${Math.floor(Math.random() * 1_000)}`],
  () => ["POST", `dataset/${mixSet}/itemsPage`, { pageSize: 20, pageToken: null }],
  () => [
    "POST",
    `dataset/${mixSet}/append`,
    { items: [{ reference_id: `n_${Math.random().toString(36).slice(2)}`, image_url: "s3://soak/n.jpg" }] },
  ],
];
const deadline = performance.now() + SECONDS * 1000;
const clients = Array.from({ length: CLIENTS }, async (_, c) => {
  for (let i = c; performance.now() < deadline; i += 1) {
    const [method, route, body] = mix[i % mix.length]();
    const start = performance.now();
    try {
      await call(MIX_KEY, method, route, body);
    } catch (error) {
      errors += 1;
      if (errorSamples.size < 5) errorSamples.add(String(error.message).slice(0, 200));
    }
    latencies.push(performance.now() - start);
  }
});
await Promise.all(clients);
evaluator.postMessage("stop");
const { evaluations, charts } = await evaluatorDone;
await evaluator.terminate();

latencies.sort((a, b) => a - b);
const result = {
  clients: CLIENTS,
  seconds: SECONDS,
  boxes: BOXES,
  requests: latencies.length,
  errors,
  p50_ms: Number(percentile(latencies, 50).toFixed(1)),
  p99_ms: Number(percentile(latencies, 99).toFixed(1)),
  max_ms: Number(latencies[latencies.length - 1].toFixed(1)),
  evaluations_completed: evaluations,
  charts_served: charts,
  server_peak_rss_mb: Math.round(peakRssMb()),
};
console.log(
  `soak: ${CLIENTS} clients for ${SECONDS} s while a ${BOXES.toLocaleString("en-US")}-box evaluation runs: ` +
    `${result.requests.toLocaleString("en-US")} small requests, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms, ` +
    `${errors} errors; ${evaluations} evaluations and ${charts} charts done; server peak RSS ${result.server_peak_rss_mb} MB`,
);
console.log(JSON.stringify(result));
if (errorSamples.size > 0) console.log(`errors, for example: ${[...errorSamples].join(" | ")}`);
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
rmSync(dataDir, { recursive: true, force: true });
console.log(`p99 target (< 250 ms): ${result.p99_ms < 250 ? "met" : "not met"}`);

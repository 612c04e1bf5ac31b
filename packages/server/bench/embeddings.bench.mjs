// Exact similarity search at scale, over real HTTP on loopback against a server in its own
// process: generated items, one vector each (seeded, uniform in [-1, 1)), uploaded in batches
// through ext/datasets/{id}/embeddings; then k=10 searches near random items (cosine), near a raw
// vector (L2), and within a query selecting a tenth of the items; last, the server's peak RSS.
// Run with `pnpm bench:embeddings` (or `node bench/embeddings.bench.mjs`) after a build. Sizes: BENCH_EMBEDDING_ITEMS (default
// 100,000), BENCH_EMBEDDING_DIM (512), BENCH_REPEAT (20 searches a measure), BENCH_BATCH (vectors
// a request, 1,000).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ITEMS = Number(process.env.BENCH_EMBEDDING_ITEMS ?? 100_000);
const DIM = Number(process.env.BENCH_EMBEDDING_DIM ?? 512);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const KEY = "bench-key";
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const started = performance.now();
const progress = (line) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);

/** A seeded generator: every run benchmarks the same vectors. */
let seed = 512_018;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const vector = () => Array.from({ length: DIM }, () => Math.round((random() * 2 - 1) * 1e4) / 1e4);
const ref = (i) => `v${i}`;

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-embeddings-bench-"));
const child = spawn(
  process.execPath,
  [join(packageDir, "dist", "main.js"), "--data", dataDir, "--port", "0", "--api-key", KEY, "--quiet"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const stop = () => {
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });
};
process.on("exit", stop);
const { url } = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
const peakRssMb = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

async function call(method, route, body) {
  const response = await fetch(`${url}/${route}`, { method, headers, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
async function measure(name, body) {
  const times = [];
  let last;
  for (let i = 0; i < REPEAT; i += 1) {
    const t0 = performance.now();
    last = await call("POST", `ext/datasets/${datasetId}/similar`, body(i));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 50), p95: percentile(times, 95), searched: last.searched };
}

const datasetId = (await call("POST", "dataset/create", { name: "embeddings bench" })).dataset_id;
for (let i = 0; i < ITEMS; i += 5_000) {
  const items = [];
  for (let j = i; j < Math.min(ITEMS, i + 5_000); j += 1)
    items.push({ reference_id: ref(j), image_url: `s3://bench/${j}.jpg`, metadata: { group: j % 10 } });
  await call("POST", `dataset/${datasetId}/append`, { items });
}
progress(`${fmt(ITEMS)} items appended`);

// Bodies are made before the clock starts: only the request, validation and storage are timed.
let uploadMs = 0;
for (let i = 0; i < ITEMS; i += BATCH) {
  const embeddings = [];
  for (let j = i; j < Math.min(ITEMS, i + BATCH); j += 1)
    embeddings.push({ reference_id: ref(j), vector: vector() });
  const body = JSON.stringify({ embeddings });
  const t0 = performance.now();
  const response = await fetch(`${url}/ext/datasets/${datasetId}/embeddings`, {
    method: "POST",
    headers,
    body,
  });
  if (!response.ok) throw new Error(`upload: ${response.status} ${await response.text()}`);
  await response.json();
  uploadMs += performance.now() - t0;
  if ((i / BATCH) % 20 === 0) progress(`${fmt(i + BATCH)} vectors uploaded`);
}
const rssAfterIngest = peakRssMb();

const pickRef = () => ref(Math.floor(random() * ITEMS));
const probe = vector();
const results = [
  await measure("k=10 near an item, cosine, every item", () => ({ reference_id: pickRef(), k: 10 })),
  await measure("k=10 near a vector, L2, every item", () => ({ vector: probe, k: 10, metric: "l2" })),
  await measure("k=10 near an item, cosine, within metadata.group = 3", () => ({
    reference_id: pickRef(),
    k: 10,
    query: "metadata.group = 3",
  })),
];

console.log(
  `Exact similarity search, ${fmt(ITEMS)} vectors x ${DIM} dimensions (SQLite, one server process)`,
);
console.log(
  `  ingest: ${fmt((ITEMS / uploadMs) * 1000)} vectors/s (${BATCH} a request, ${(uploadMs / 1000).toFixed(1)} s in all)`,
);
for (const r of results)
  console.log(
    `  ${r.name}: p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms (${fmt(r.searched)} vectors compared)`,
  );
console.log(
  `  server peak RSS: ${fmt(rssAfterIngest)} MB after ingest, ${fmt(peakRssMb())} MB after the searches`,
);
const total = results[0];
const filtered = results[2];
console.log(`  filtered / unfiltered p50 (same run): ${(filtered.p50 / total.p50).toFixed(2)}`);
process.exit(0);

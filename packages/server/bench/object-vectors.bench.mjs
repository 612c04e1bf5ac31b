// Object similarity search at scale, over real HTTP on loopback against a server in its own
// process: boxes uploaded through dataset/{id}/annotate, half without and half with an
// embedding_vector (seeded; each a random cluster centre plus noise), then k=10 searches near an
// object with the object index and exactly (the baseline, and the recall's reference), and
// within one label (a tenth of them, so exact). Then the server restarts twice on its data
// folder: once reading the saved object index, once with its files deleted (rebuilt from the
// database), timing the first search and the wait until the index answers in each.
// Run with `pnpm bench:objects` (or `node bench/object-vectors.bench.mjs`) after a build. Sizes:
// BENCH_SERVER (the server's main.js, default this package's build), BENCH_OBJECTS (boxes with a
// vector, default 50,000; as many again go without), BENCH_OBJECT_DIM (128), BENCH_REPEAT (20
// searches each), BENCH_BATCH (boxes a request, 2,000). Ratios compare two measurements of this run.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 50_000);
const DIM = Number(process.env.BENCH_OBJECT_DIM ?? 128);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 2_000);
const PER_ITEM = 5;
const LABELS = 10;
const CLUSTERS = 100;
const KEY = "bench-key";
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** A seeded generator (mulberry32): every run benchmarks the same vectors. */
let seed = 77_128;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => random() * 2 - 1));
const vector = () =>
  centres[Math.floor(random() * CLUSTERS)].map((x) => Math.round((x + (random() - 0.5) * 0.5) * 1e4) / 1e4);

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-objects-bench-"));
let child;
let url;
/** Starts the server on the data folder; resolves once it listens. */
async function startServer() {
  child = spawn(
    process.execPath,
    [
      process.env.BENCH_SERVER ?? join(packageDir, "dist", "main.js"),
      "--data",
      dataDir,
      "--port",
      "0",
      "--api-key",
      KEY,
      "--quiet",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  ({ url } = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  }));
}
/** Stops the server the way an operator does (SIGTERM: it saves its indexes), and waits for it. */
async function stopServer() {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
const stop = () => {
  child?.kill();
  rmSync(dataDir, { recursive: true, force: true });
};
process.on("exit", stop);
await startServer();

async function call(method, route, body) {
  const response = await fetch(`${url}/${route}`, { method, headers, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const datasetId = (await call("POST", "dataset/create", { name: "objects bench" })).dataset_id;
const items = Math.ceil(OBJECTS / PER_ITEM);
for (let i = 0; i < items; i += 5_000) {
  const batch = [];
  for (let j = i; j < Math.min(items, i + 5_000); j += 1)
    batch.push({ reference_id: `i${j}`, image_url: `s3://bench/${j}.jpg`, metadata: {} });
  await call("POST", `dataset/${datasetId}/append`, { items: batch });
}

/** Uploads OBJECTS boxes (with or without vectors); answers boxes a second. */
async function upload(prefix, withVectors) {
  const t0 = performance.now();
  for (let n = 0; n < OBJECTS; n += BATCH) {
    const annotations = [];
    for (let m = n; m < Math.min(OBJECTS, n + BATCH); m += 1)
      annotations.push({
        type: "box",
        label: `l${m % LABELS}`,
        reference_id: `i${Math.floor(m / PER_ITEM)}`,
        annotation_id: `${prefix}${m}`,
        geometry: { x: m % 500, y: 10, width: 20, height: 30 },
        ...(withVectors ? { embedding_vector: vector() } : {}),
      });
    await call("POST", `dataset/${datasetId}/annotate`, { annotations });
  }
  return OBJECTS / ((performance.now() - t0) / 1000);
}
const plain = await upload("p", false);
const carrying = await upload("v", true);

async function measure(body, repeat = REPEAT) {
  const times = [];
  const answers = [];
  for (let i = 0; i < repeat; i += 1) {
    const t0 = performance.now();
    answers.push(
      await call("POST", `ext/datasets/${datasetId}/similar_objects`, {
        object: {
          reference_id: `i${(i * 997) % items}`,
          annotation_id: `v${((i * 997) % items) * PER_ITEM}`,
        },
        k: 10,
        ...body,
      }),
    );
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const last = answers[answers.length - 1];
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    searched: last.searched,
    method: last.method,
    answers,
  };
}
// The first search starts the object index's build and is exact; searches use the index once
// it holds every vector.
const first = await measure({}, 1);
const buildStarted = performance.now();
while ((await measure({}, 1)).method !== "index") await new Promise((resolve) => setTimeout(resolve, 200));
const build = performance.now() - buildStarted;
const indexed = await measure({});
const all = await measure({ exact: true });
const oneLabel = await measure({ label: "l3" });
/** The share of the exact answers' objects the index's answers found (the same queries). */
let hit = 0;
let truth = 0;
indexed.answers.forEach((answer, i) => {
  const want = new Set(all.answers[i].results.map((r) => r.object_id));
  truth += want.size;
  hit += answer.results.filter((r) => want.has(r.object_id)).length;
});

/** After a restart: the first search's time and method, and the wall clock until the index answers. */
async function afterRestart() {
  await stopServer();
  await startServer();
  const t0 = performance.now();
  const first = await measure({}, 1);
  const firstMs = performance.now() - t0;
  while ((await measure({}, 1)).method !== "index") await new Promise((resolve) => setTimeout(resolve, 50));
  return { first: first.method, firstMs, readyMs: performance.now() - t0 };
}
const loaded = await afterRestart();
const vectorDir = join(dataDir, "vectors");
for (const name of readdirSync(vectorDir))
  if (name.includes(".objects.")) rmSync(join(vectorDir, name), { force: true });
const rebuilt = await afterRestart();

const rows = [
  ["boxes uploaded, no vector", `${fmt(plain)} boxes/s`],
  [`boxes uploaded with ${DIM}-number vectors`, `${fmt(carrying)} boxes/s`],
  ["upload rate with / without vectors", `${(carrying / plain).toFixed(2)}x`],
  [`first search (${first.method}; it starts the index's build)`, `${fmt(first.p50)} ms`],
  [
    "the index built in the background (wall clock)",
    `${fmt(build)} ms (${fmt(OBJECTS / (build / 1000))} vectors/s)`,
  ],
  [`k=10 near an object, ${indexed.method}, p50 / p95`, `${fmt(indexed.p50)} / ${fmt(indexed.p95)} ms`],
  [`the same, exact (${fmt(all.searched)} compared), p50 / p95`, `${fmt(all.p50)} / ${fmt(all.p95)} ms`],
  ["exact / index p50", `${(all.p50 / indexed.p50).toFixed(1)}x`],
  [`recall@10 of the index against exact search (${REPEAT} queries)`, (hit / Math.max(truth, 1)).toFixed(3)],
  [
    `k=10 within one label (${oneLabel.method}, ${fmt(oneLabel.searched)} compared), p50 / p95`,
    `${fmt(oneLabel.p50)} / ${fmt(oneLabel.p95)} ms`,
  ],
  [`after a restart, saved index read: first search (${loaded.first})`, `${fmt(loaded.firstMs)} ms`],
  ["after a restart, saved index read: until the index answers", `${fmt(loaded.readyMs)} ms`],
  [`after a restart, index files deleted: first search (${rebuilt.first})`, `${fmt(rebuilt.firstMs)} ms`],
  ["after a restart, index files deleted: until the index answers (rebuilt)", `${fmt(rebuilt.readyMs)} ms`],
  ["until the index answers, rebuilt / read", `${(rebuilt.readyMs / loaded.readyMs).toFixed(1)}x`],
];
console.log(
  `object vectors: ${fmt(OBJECTS)} boxes with vectors (and as many without), load ${loadavg()[0].toFixed(1)}`,
);
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
stop();
process.exit(0);

// Autotags and the embedding map at scale, over real HTTP on loopback against a server in its own
// process: generated items, one 512-number vector each (seeded gaussian noise, a planted concept —
// a random direction added to every twentieth item's vector), uploaded in batches; then an
// autotag trained from five examples and refined in two rounds where a simulated user accepts or
// rejects the 50 top results it has not judged yet (by the planted truth), with precision@100 after
// each round and each round's job time; then the embedding map (PCA) of every vector, and asking
// for it again while nothing changed. Prints the load average before and after, and the server's
// peak RSS.
// Run with `pnpm bench:autotag` (or `node bench/autotag.bench.mjs`) after a build. Sizes:
// BENCH_AUTOTAG_ITEMS (default 100,000), BENCH_AUTOTAG_DIM (512), BENCH_AUTOTAG_STRENGTH (the
// concept direction's length, 4; the noise has length about sqrt(DIM)), BENCH_BATCH (1,000).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ITEMS = Number(process.env.BENCH_AUTOTAG_ITEMS ?? 100_000);
const DIM = Number(process.env.BENCH_AUTOTAG_DIM ?? 512);
const STRENGTH = Number(process.env.BENCH_AUTOTAG_STRENGTH ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const EVERY = 20;
const KEY = "bench-key";
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const started = performance.now();
const progress = (line) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const loadBefore = load();

/** A seeded generator (mulberry32): every run benchmarks the same vectors. */
let state = 77_001;
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const direction = (() => {
  const v = Array.from({ length: DIM }, gaussian);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
})();
const ref = (i) => `v${i}`;
const shows = (reference) => Number(reference.slice(1)) % EVERY === 0;
const vectorOf = (i) =>
  Array.from(
    { length: DIM },
    (_, d) => Math.round((gaussian() + (i % EVERY === 0 ? STRENGTH * direction[d] : 0)) * 1e4) / 1e4,
  );

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-autotag-bench-"));
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
  const send = () =>
    fetch(`${url}/${route}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // A kept-alive connection the server closed just as a request was sent: reads and uploads
  // (which replace what they wrote) are sent again.
  const response = await send().catch((error) => {
    if (method !== "GET" && !/\/(append|embeddings)$/.test(route)) throw error;
    return send();
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
async function finished(jobId) {
  for (;;) {
    const status = await call("GET", `job/${jobId}`);
    if (status.status !== "Running") {
      if (status.status !== "Completed") throw new Error(`job ${jobId}: ${JSON.stringify(status)}`);
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const { dataset_id: ds } = await call("POST", "dataset/create", { name: "autotag bench" });
progress(`uploading ${fmt(ITEMS)} items and vectors of ${DIM}`);
for (let i = 0; i < ITEMS; i += BATCH) {
  const n = Math.min(BATCH, ITEMS - i);
  await call("POST", `dataset/${ds}/append`, {
    items: Array.from({ length: n }, (_, j) => ({
      reference_id: ref(i + j),
      image_url: `s3://bench/${i + j}.jpg`,
    })),
  });
  await call("POST", `ext/datasets/${ds}/embeddings`, {
    embeddings: Array.from({ length: n }, (_, j) => ({ reference_id: ref(i + j), vector: vectorOf(i + j) })),
  });
}

const top = async (tagId, limit) => (await call("GET", `ext/autotags/${tagId}/items?limit=${limit}`)).items;
const precisionAt100 = async (tagId) =>
  (await top(tagId, 100)).filter((item) => shows(item.reference_id)).length / 100;

const positives = [0, 1, 2, 3, 4].map((k) => ref(k * EVERY));
const rounds = [];
let t0 = performance.now();
const created = await call("POST", `ext/datasets/${ds}/autotags`, { name: "concept", positives });
await finished(created.job_id);
const tagId = created.autotag.id;
rounds.push({ round: "5 examples", ms: performance.now() - t0, precision: await precisionAt100(tagId) });
progress(`trained and scored: precision@100 ${rounds[0].precision}`);
const judged = new Set(positives);
for (let round = 1; round <= 2; round += 1) {
  const shown = (await top(tagId, 300)).filter((item) => !judged.has(item.reference_id)).slice(0, 50);
  for (const item of shown) judged.add(item.reference_id);
  const accept = shown.filter((item) => shows(item.reference_id)).map((item) => item.reference_id);
  const reject = shown.filter((item) => !shows(item.reference_id)).map((item) => item.reference_id);
  t0 = performance.now();
  const refined = await call("POST", `ext/autotags/${tagId}/refine`, { accept, reject });
  await finished(refined.job_id);
  rounds.push({
    round: `refinement ${round} (+${accept.length}/-${reject.length})`,
    ms: performance.now() - t0,
    precision: await precisionAt100(tagId),
  });
  progress(`round ${round}: precision@100 ${rounds[round].precision}`);
}
t0 = performance.now();
const query = await call("POST", `dataset/${ds}/queryItemsPage`, {
  query: "autotag.concept > 0.5",
  pageSize: 1,
});
const queryMs = performance.now() - t0;

t0 = performance.now();
const map = await call("POST", `ext/datasets/${ds}/embedding_map`, {});
await finished(map.job_id);
const mapMs = performance.now() - t0;
const mapInfo = await call("GET", `ext/datasets/${ds}/embedding_map`);
t0 = performance.now();
const again = await call("POST", `ext/datasets/${ds}/embedding_map`, {});
const againMs = performance.now() - t0;
t0 = performance.now();
let points = 0;
let cursor = null;
do {
  const page = await call(
    "GET",
    `ext/datasets/${ds}/embedding_map/points?limit=10000${cursor ? `&cursor=${cursor}` : ""}`,
  );
  points += page.points.length;
  cursor = page.next_cursor;
} while (cursor);
const pointsMs = performance.now() - t0;

console.log(
  `\n## Autotag and embedding map, ${fmt(ITEMS)} items x ${DIM} numbers (concept: 1 in ${EVERY}, strength ${STRENGTH})\n`,
);
console.log("| round | train + score every item | precision@100 |");
console.log("|---|---|---|");
for (const r of rounds) console.log(`| ${r.round} | ${fmt(r.ms)} ms | ${r.precision.toFixed(2)} |`);
console.log(`\nScoring throughput (last round): ${fmt(ITEMS / (rounds[2].ms / 1000))} items/s.`);
console.log(`First page of \`autotag.concept > 0.5\`: ${fmt(queryMs)} ms (${query.items.length} item).`);
console.log(
  `Embedding map (PCA, ${mapInfo.details.iterations} passes of subspace iteration, explained variance ${mapInfo.details.explained_variance.map((x) => x.toFixed(4)).join(", ")}): ${fmt(mapMs)} ms; asked again unchanged: ${fmt(againMs)} ms (cached: ${again.cached}), ${fmt(mapMs / againMs)}x quicker; reading ${fmt(points)} points in pages of 10,000: ${fmt(pointsMs)} ms.`,
);
console.log(`Server peak RSS: ${fmt(peakRssMb())} MB. Load average before: ${loadBefore}; after: ${load()}.`);
process.exit(0);

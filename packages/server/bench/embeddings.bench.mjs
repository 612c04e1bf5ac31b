// Similarity search at scale, over real HTTP on loopback against a server in its own process:
// generated items, one vector each (seeded; each a random cluster centre plus noise, as real
// embeddings cluster, or uniform in [-1, 1) with BENCH_EMBEDDING_CLUSTERS=0), uploaded in batches
// through ext/datasets/{id}/embeddings while the server indexes them; then k=10 searches with the
// vector index (cosine near random items, L2 near raw vectors), the same searches exactly (the
// baseline), recall@10 of the index against exact search, a search within a query selecting a
// tenth of the items, and the server's RSS.
// Run with `pnpm bench:embeddings` (or `node bench/embeddings.bench.mjs`) after a build. Settings:
// BENCH_SERVER (the server's main.js, default this package's build), BENCH_EMBEDDING_ITEMS
// (default 100,000), BENCH_EMBEDDING_DIM (512), BENCH_EMBEDDING_CLUSTERS (1,000), BENCH_REPEAT (50
// searches with the index), BENCH_EXACT_REPEAT (20 exact searches, the recall's queries), BENCH_L2
// and BENCH_NEAR_DUPLICATES (0 leaves those parts out), BENCH_BATCH (vectors a request, 1,000),
// BENCH_JSON_SHARE (the share of the requests sent as JSON, 0.1: every tenth; the others go in the
// binary form, float32 after a JSON line of reference ids, as the SDK sends them). While the index
// catches up, a cheap request every 20 ms measures how long requests wait on the server's event
// loop. Last, a near-duplicate job over all: every BENCH_PLANT_EVERY-th vector (1,000) is a near
// copy of the one before it, and the job is scored by the share of those copies it groups.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ITEMS = Number(process.env.BENCH_EMBEDDING_ITEMS ?? 100_000);
const DIM = Number(process.env.BENCH_EMBEDDING_DIM ?? 512);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 50);
const EXACT_REPEAT = Math.min(REPEAT, Number(process.env.BENCH_EXACT_REPEAT ?? 20));
const CLUSTERS = Number(process.env.BENCH_EMBEDDING_CLUSTERS ?? 1_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const JSON_SHARE = Number(process.env.BENCH_JSON_SHARE ?? 0.1);
/** Set to 0 to leave out the L2 index and searches, or the near-duplicate job (long at a million). */
const WITH_L2 = process.env.BENCH_L2 !== "0";
const WITH_NEAR_DUPLICATES = process.env.BENCH_NEAR_DUPLICATES !== "0";
/** Every this many vectors, one is a near copy of the one before it, for the near-duplicate job to find. */
const PLANT_EVERY = Number(process.env.BENCH_PLANT_EVERY ?? 1_000);
const KEY = "bench-key";
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const started = performance.now();
const progress = (line) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);

/** A seeded generator (mulberry32, exact in 32-bit integer arithmetic): every run benchmarks the same vectors. */
let seed = 512_018;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const uniform = () => Array.from({ length: DIM }, () => Math.round((random() * 2 - 1) * 1e4) / 1e4);
const centres = Array.from({ length: CLUSTERS }, uniform);
const vector = () => {
  if (CLUSTERS === 0) return uniform();
  const centre = centres[Math.floor(random() * CLUSTERS)];
  return centre.map((x) => Math.round((x + (random() * 2 - 1) * 0.5) * 1e4) / 1e4);
};
/** Vector `j` of the uploads: a near copy of the one before it every {@link PLANT_EVERY}. */
let previous;
const vectorAt = (j) => {
  previous =
    PLANT_EVERY > 0 && j % PLANT_EVERY === PLANT_EVERY - 1
      ? previous.map((x) => Math.round((x + (random() * 2 - 1) * 0.005) * 1e4) / 1e4)
      : vector();
  return previous;
};
const planted = PLANT_EVERY > 0 ? Math.floor(ITEMS / PLANT_EVERY) : 0;
const ref = (i) => `v${i}`;

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-embeddings-bench-"));
const child = spawn(
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
const stop = () => {
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });
};
process.on("exit", stop);
const { url } = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
const statusMb = (field) =>
  Number(
    new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0,
  ) / 1024;
const peakRssMb = () => statusMb("VmHWM");
const rssMb = () => statusMb("VmRSS");
/** The server's CPU time (user and system, every thread) in ms. */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

async function call(method, route, body) {
  const response = await fetch(`${url}/${route}`, { method, headers, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
async function measure(name, body, repeat = REPEAT) {
  const times = [];
  const answers = [];
  for (let i = 0; i < repeat; i += 1) {
    const t0 = performance.now();
    answers.push(await call("POST", `ext/datasets/${datasetId}/similar`, body(i)));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const last = answers[answers.length - 1];
  return {
    name,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    searched: last.searched,
    method: last.method,
    answers,
  };
}
/** The share of the exact answers' items the index's answers found, over the queries both made. */
const recall = (index, exact) => {
  let hit = 0;
  let all = 0;
  index.answers.slice(0, exact.answers.length).forEach((answer, i) => {
    const truth = new Set(exact.answers[i].results.map((r) => r.item_id));
    all += truth.size;
    hit += answer.results.filter((r) => truth.has(r.item_id)).length;
  });
  return hit / Math.max(all, 1);
};

const datasetId = (await call("POST", "dataset/create", { name: "embeddings bench" })).dataset_id;
for (let i = 0; i < ITEMS; i += 5_000) {
  const items = [];
  for (let j = i; j < Math.min(ITEMS, i + 5_000); j += 1)
    items.push({ reference_id: ref(j), image_url: `s3://bench/${j}.jpg`, metadata: { group: j % 10 } });
  await call("POST", `dataset/${datasetId}/append`, { items });
}
progress(`${fmt(ITEMS)} items appended`);

// Bodies are made before the clock starts: only the request, validation and storage are timed.
// JSON batches are spread among the binary ones, so that both meet a dataset (and an index) of every size.
const jsonEvery = JSON_SHARE > 0 ? Math.max(1, Math.round(1 / JSON_SHARE)) : 0;
const timing = { json: { ms: 0, vectors: 0, cpu: 0 }, binary: { ms: 0, vectors: 0, cpu: 0 } };
const wallStart = performance.now();
for (let i = 0; i < ITEMS; i += BATCH) {
  const refs = [];
  const vectors = [];
  for (let j = i; j < Math.min(ITEMS, i + BATCH); j += 1) {
    refs.push(ref(j));
    vectors.push(vectorAt(j));
  }
  const form = jsonEvery > 0 && (i / BATCH) % jsonEvery === 0 ? "json" : "binary";
  let body;
  let type = "application/json";
  if (form === "json") {
    body = JSON.stringify({
      embeddings: refs.map((reference_id, k) => ({ reference_id, vector: vectors[k] })),
    });
  } else {
    const flat = new Float32Array(refs.length * DIM);
    vectors.forEach((v, k) => {
      flat.set(v, k * DIM);
    });
    const head = Buffer.from(`${JSON.stringify({ reference_ids: refs, dimension: DIM })}\n`);
    body = Buffer.concat([head, Buffer.from(flat.buffer)]);
    type = "application/octet-stream";
  }
  const c0 = cpuMs();
  const t0 = performance.now();
  const response = await fetch(`${url}/ext/datasets/${datasetId}/embeddings`, {
    method: "POST",
    headers: { ...headers, "content-type": type },
    body,
  });
  if (!response.ok) throw new Error(`upload: ${response.status} ${await response.text()}`);
  await response.json();
  timing[form].ms += performance.now() - t0;
  timing[form].cpu += cpuMs() - c0;
  timing[form].vectors += refs.length;
  if ((i / BATCH) % 20 === 0) progress(`${fmt(i + BATCH)} vectors uploaded`);
}
const uploadMs = timing.json.ms + timing.binary.ms;
const rateOf = (t) => (t.vectors > 0 ? t.vectors / (t.ms / 1000) : 0);
const cpuPerVector = (t) => (t.vectors > 0 ? (t.cpu * 1000) / t.vectors : 0);

const ingestSeconds = uploadMs / 1000;
progress(
  `ingest: ${fmt(ITEMS / ingestSeconds)} vectors/s over ${ingestSeconds.toFixed(1)} s of requests (JSON ${fmt(rateOf(timing.json))}, binary ${fmt(rateOf(timing.binary))}; load ${loadavg()[0].toFixed(1)})`,
);
const rssAfterIngest = rssMb();

/**
 * Polls the vector index's status until it holds every stored vector, sending a cheap request
 * every 20 ms meanwhile; answers the wait in ms, the server CPU it took, and those requests' times.
 */
async function indexed(metric) {
  const t = performance.now();
  const c0 = cpuMs();
  const pings = [];
  let building = true;
  const pinger = (async () => {
    while (building) {
      const p0 = performance.now();
      await call("GET", `dataset/${datasetId}/info`);
      pings.push(performance.now() - p0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  for (;;) {
    const status = await call("GET", `ext/datasets/${datasetId}/vector_index?metric=${metric}`);
    if (status.behind === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  building = false;
  await pinger;
  pings.sort((a, b) => a - b);
  return { ms: performance.now() - t, cpu: cpuMs() - c0, pings };
}
const pingLine = (pings) =>
  pings.length === 0
    ? "no requests made"
    : `a request meanwhile took p50 ${percentile(pings, 50).toFixed(1)} ms, p99 ${percentile(pings, 99).toFixed(1)} ms, max ${pings[pings.length - 1].toFixed(1)} ms (${pings.length} requests)`;
const cosineBuild = await indexed("cosine");
const catchUpMs = cosineBuild.ms;
const wallSeconds = (performance.now() - wallStart) / 1000;
progress(`cosine index caught up ${fmt(catchUpMs)} ms after the last upload`);

const probes = Array.from({ length: REPEAT }, vector);
const refs = Array.from({ length: REPEAT }, () => ref(Math.floor(random() * ITEMS)));
const cosine = await measure("k=10 near an item, cosine, index", (i) => ({ reference_id: refs[i], k: 10 }));
const cosineExact = await measure(
  "k=10 near an item, cosine, exact",
  (i) => ({ reference_id: refs[i], k: 10, exact: true }),
  EXACT_REPEAT,
);
progress("cosine measured");
// The L2 index is first built when asked for, from the database, in the background.
let l2Build;
let l2;
let l2Exact;
if (WITH_L2) {
  l2Build = await indexed("l2");
  progress(`L2 index built in ${fmt(l2Build.ms)} ms`);
  l2 = await measure("k=10 near a vector, L2, index", (i) => ({
    vector: probes[i],
    k: 10,
    metric: "l2",
  }));
  l2Exact = await measure(
    "k=10 near a vector, L2, exact",
    (i) => ({ vector: probes[i], k: 10, metric: "l2", exact: true }),
    EXACT_REPEAT,
  );
}
const filtered = await measure("k=10 near an item, cosine, within metadata.group = 3", (i) => ({
  reference_id: refs[i],
  k: 10,
  query: "metadata.group = 3",
}));
const rssServing = rssMb();
progress("searches measured");

// Near-duplicates: a job over every vector, at a cosine distance of 0.02.
let nearDuplicatesMs;
let jobStatus;
let plantedFound;
let peakBeforeJob;
let rssAfterJob;
/** The largest RSS during the job of anonymous memory (heaps) and of mapped files (page cache the kernel may drop). */
let jobAnonMb = 0;
let jobFileMb = 0;
if (WITH_NEAR_DUPLICATES) {
  peakBeforeJob = peakRssMb();
  const t2 = performance.now();
  const job = await call("POST", `ext/datasets/${datasetId}/near_duplicates`, { threshold: 0.02 });
  do {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    jobStatus = await call("GET", `job/${job.job_id}`);
    // Sampled each second: the kernel keeps a peak of the total only.
    jobAnonMb = Math.max(jobAnonMb, statusMb("RssAnon"));
    jobFileMb = Math.max(jobFileMb, statusMb("RssFile"));
  } while (jobStatus.status === "Running" || jobStatus.status === "Pending");
  nearDuplicatesMs = performance.now() - t2;
  if (jobStatus.status !== "Completed") throw new Error(`near-duplicates: ${JSON.stringify(jobStatus)}`);
  // A planted copy is found when it shares a group with the vector it copies.
  const { groups } = await call("GET", `ext/datasets/${datasetId}/near_duplicates/${job.job_id}`);
  const groupOf = new Map();
  groups.forEach((group, g) => {
    for (const item of group.items) groupOf.set(item.reference_id, g);
  });
  rssAfterJob = rssMb();
  plantedFound = 0;
  for (let j = PLANT_EVERY - 1; j < ITEMS; j += PLANT_EVERY) {
    const g = groupOf.get(ref(j));
    if (g !== undefined && g === groupOf.get(ref(j - 1))) plantedFound += 1;
  }
}

console.log(
  `Similarity search, ${fmt(ITEMS)} vectors x ${DIM} dimensions, ${CLUSTERS === 0 ? "uniform" : `${fmt(CLUSTERS)} clusters`} (SQLite, one server process; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} at the end)`,
);
console.log(
  `  ingest: ${fmt(ITEMS / ingestSeconds)} vectors/s (${BATCH} a request, ${ingestSeconds.toFixed(1)} s of requests; the cosine index built between them); the index caught up ${fmt(catchUpMs)} ms after the last upload`,
);
for (const [form, t] of Object.entries(timing))
  if (t.vectors > 0)
    console.log(
      `    ${form}: ${fmt(rateOf(t))} vectors/s over ${fmt(t.vectors)} vectors, server CPU ${fmt(cpuPerVector(t))} us a vector while requests ran`,
    );
if (timing.json.vectors > 0 && timing.binary.vectors > 0)
  console.log(
    `    binary / JSON (same run): ${(rateOf(timing.binary) / rateOf(timing.json)).toFixed(1)}x vectors/s, ${(cpuPerVector(timing.json) / cpuPerVector(timing.binary)).toFixed(1)}x less server CPU a vector`,
  );
console.log(
  `  cosine index catch-up after the uploads: ${fmt(cosineBuild.cpu)} ms of server CPU; ${pingLine(cosineBuild.pings)}`,
);
console.log(
  `  ingest and index together: ${fmt(ITEMS / wallSeconds)} vectors/s (${wallSeconds.toFixed(1)} s wall clock from the first upload to the index holding every vector, the bench making request bodies included)`,
);
if (l2Build)
  console.log(
    `  L2 index built from the database in the background: ${fmt(l2Build.ms)} ms (${fmt(ITEMS / (l2Build.ms / 1000))} vectors/s, ${fmt((l2Build.cpu * 1000) / ITEMS)} us of server CPU a vector); ${pingLine(l2Build.pings)}`,
  );
for (const r of [cosine, cosineExact, l2, l2Exact, filtered].filter(Boolean))
  console.log(
    `  ${r.name}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms (${r.answers.length} searches, ${r.method}, ${fmt(r.searched)} vectors compared)`,
  );
console.log(
  `  recall@10 of the index against exact search: cosine ${recall(cosine, cosineExact).toFixed(3)}${l2 ? `, L2 ${recall(l2, l2Exact).toFixed(3)}` : ""} (${EXACT_REPEAT} queries each)`,
);
console.log(
  `  exact / index p50 (same run): cosine ${(cosineExact.p50 / cosine.p50).toFixed(0)}x${l2 ? `, L2 ${(l2Exact.p50 / l2.p50).toFixed(0)}x` : ""}`,
);
if (jobStatus)
  console.log(
    `  near-duplicates job (cosine distance 0.02, 10 neighbours each): ${(nearDuplicatesMs / 1000).toFixed(1)} s, ${jobStatus.message.groups} groups, ${jobStatus.message.duplicates} duplicates; found ${fmt(plantedFound)} of the ${fmt(planted)} planted near copies (${((100 * plantedFound) / Math.max(planted, 1)).toFixed(1)}%); server peak RSS ${fmt(peakBeforeJob)} MB before the job, ${fmt(peakRssMb())} MB after it (sampled each second: at most ${fmt(jobAnonMb)} MB anonymous, ${fmt(jobFileMb)} MB of mapped files), RSS ${fmt(rssAfterJob)} MB once it ended`,
  );
console.log(
  `  server RSS: ${fmt(rssAfterIngest)} MB after ingest, ${fmt(rssServing)} MB serving searches (${l2 ? "both indexes" : "the cosine index"} open), peak ${fmt(peakRssMb())} MB`,
);
process.exit(0);

// Throughput and latency of the local server over real HTTP on loopback, in one process.
// Run with `pnpm bench` (builds first). Sizes can be lowered with BENCH_ITEMS / BENCH_ANNOTATIONS.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createServer } from "../dist/index.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 1_000_000);
const READS = Number(process.env.BENCH_READS ?? 10_000);
const KEY = "bench-key";
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};

const dataDir = mkdtempSync(join(tmpdir(), "nucleus-bench-"));
const server = await createServer({ dataDir, apiKeys: [KEY], port: 0 });

async function call(method, route, body) {
  const response = await fetch(`${server.url}/${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const items = (n, prefix) =>
  Array.from({ length: n }, (_, i) => ({
    reference_id: `${prefix}${i}`,
    image_url: `s3://bench/${prefix}${i}.jpg`,
    metadata: { i, split: i % 10 ? "train" : "val" },
  }));

/** Appends `all` in requests of `batch` items, `inFlight` requests at a time; items/s. */
async function appendAll(datasetId, all, batch, inFlight = 1) {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < all.length) {
        const from = next;
        next += batch;
        await call("POST", `dataset/${datasetId}/append`, { items: all.slice(from, from + batch) });
      }
    }),
  );
  return all.length / ((performance.now() - start) / 1000);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

const small = (await call("POST", "dataset/create", { name: "batches-of-20" })).dataset_id;
const items20 = await appendAll(small, items(ITEMS, "s_"), 20);
const concurrent = (await call("POST", "dataset/create", { name: "batches-of-20-c8" })).dataset_id;
const items20c8 = await appendAll(concurrent, items(ITEMS, "c_"), 20, 8);
const large = (await call("POST", "dataset/create", { name: "batches-of-1000" })).dataset_id;
const items1000 = await appendAll(large, items(ITEMS, "l_"), 1_000);

const perItem = Math.max(1, Math.round(ANNOTATIONS / ITEMS));
const annotationStart = performance.now();
let annotated = 0;
let batch = [];
for (let i = 0; annotated + batch.length < ANNOTATIONS; i += 1) {
  const ref = `l_${Math.floor(i / perItem) % ITEMS}`;
  batch.push({
    type: "box",
    label: i % 3 ? "car" : "person",
    reference_id: ref,
    annotation_id: `a${i}`,
    geometry: { x: i % 500, y: i % 300, width: 20, height: 30 },
  });
  if (batch.length === 5_000) {
    await call("POST", `dataset/${large}/annotate`, { annotations: batch });
    annotated += batch.length;
    batch = [];
  }
}
if (batch.length) {
  await call("POST", `dataset/${large}/annotate`, { annotations: batch });
  annotated += batch.length;
}
const annotationsPerSecond = annotated / ((performance.now() - annotationStart) / 1000);

async function latencies(route) {
  const times = [];
  for (let i = 0; i < READS; i += 1) {
    const start = performance.now();
    await call("GET", route(i));
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}
const baseline = await latencies(() => `dataset/${large}/name`);
const refloc = await latencies((i) => `dataset/${large}/refloc/l_${(i * 7919) % ITEMS}`);

const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `local server, ${ITEMS.toLocaleString("en-US")} items, ${annotated.toLocaleString("en-US")} box annotations, ${READS.toLocaleString("en-US")} reads`,
);
console.log(`  append, batches of 20 (official client):   ${fmt(items20)} items/s`);
console.log(`  append, batches of 20, 8 in flight:        ${fmt(items20c8)} items/s`);
console.log(`  append, batches of 1,000:                  ${fmt(items1000)} items/s`);
console.log(`  annotate, batches of 5,000:                ${fmt(annotationsPerSecond)} annotations/s`);
console.log(
  `  GET name (baseline round trip):            p50 ${percentile(baseline, 50).toFixed(2)} ms  p99 ${percentile(baseline, 99).toFixed(2)} ms`,
);
console.log(
  `  GET refloc (item + ${perItem} boxes):             p50 ${percentile(refloc, 50).toFixed(2)} ms  p99 ${percentile(refloc, 99).toFixed(2)} ms  (${(percentile(refloc, 50) / percentile(baseline, 50)).toFixed(2)}x baseline p50)`,
);
console.log(`  peak RSS:                                  ${fmt(rssMb)} MB`);

await server.close();
rmSync(dataDir, { recursive: true, force: true });

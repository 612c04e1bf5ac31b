// Uploader throughput against the local server, next to a baseline in the same run that posts
// the same pre-serialised request bodies with plain fetch at the same concurrency.
// Run with `pnpm bench` (builds first). BENCH_ITEMS / BENCH_ANNOTATIONS shrink it; BENCH_ROUNDS
// sets how many rounds each figure is the median of, BENCH_CONCURRENCY which levels run (1,2,4,8).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { NucleusClient } from "@nucleus/core";
import { Uploader } from "../dist/index.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,2,4,8").split(",").map(Number);
const KEY = "bench-key";
const dir = mkdtempSync(join(tmpdir(), "nucleus-upload-bench-"));
// The server runs in its own process, as it would in use, so client and server work in parallel.
const serverBin = fileURLToPath(new URL("../../server/dist/main.js", import.meta.url));
const child = spawn(
  process.execPath,
  [serverBin, "--data", dir, "--port", "0", "--api-key", KEY, "--quiet"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const server = await new Promise((resolve) =>
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line))),
);
const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};

const items = Array.from({ length: ITEMS }, (_, i) => ({
  imageUrl: `s3://bench/${i}.jpg`,
  referenceId: `r${i}`,
  metadata: { i },
}));
const perItem = Math.max(1, Math.round(ANNOTATIONS / ITEMS));
const annotations = Array.from({ length: ANNOTATIONS }, (_, i) => ({
  type: "box",
  label: i % 2 ? "car" : "person",
  referenceId: `r${Math.floor(i / perItem) % ITEMS}`,
  annotationId: `a${i}`,
  geometry: { x: i % 500, y: i % 300, width: 20, height: 30 },
}));
const toWireItem = (item) => ({
  metadata: item.metadata,
  reference_id: item.referenceId,
  image_url: item.imageUrl,
});
const toWireBox = (a) => ({
  label: a.label,
  type: "box",
  geometry: a.geometry,
  reference_id: a.referenceId,
  annotation_id: a.annotationId,
  metadata: {},
  embedding_vector: null,
  track_reference_id: null,
  task_id: null,
});

function bodies(entries, size, key, toWire) {
  const out = [];
  for (let i = 0; i < entries.length; i += size)
    out.push(JSON.stringify({ [key]: entries.slice(i, i + size).map(toWire), update: false }));
  return out;
}

async function baseline(url, payloads, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const body = payloads[next++];
      const response = await fetch(url, { method: "POST", headers, body });
      if (!response.ok) throw new Error(`baseline: ${response.status}`);
      await response.arrayBuffer();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - start) / 1000;
}

const itemBodies = bodies(items, 20, "items", toWireItem);
const annotationBodies = bodies(annotations, 5_000, "annotations", toWireBox);

/** One timed upload of the items then the annotations into a fresh dataset, by one side. */
async function round(side, concurrency) {
  const dataset = await client.createDataset(`${side}-${concurrency}`);
  let itemSeconds;
  let annotationSeconds;
  if (side === "fetch") {
    itemSeconds = await baseline(`${server.url}/dataset/${dataset.id}/append`, itemBodies, concurrency);
    annotationSeconds = await baseline(
      `${server.url}/dataset/${dataset.id}/annotate`,
      annotationBodies,
      concurrency,
    );
  } else {
    const uploader = new Uploader(client, { concurrency });
    let start = performance.now();
    const itemReport = await uploader.append(dataset.id, items);
    itemSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    const annotationReport = await uploader.annotate(dataset.id, annotations);
    annotationSeconds = (performance.now() - start) / 1000;
    if (itemReport.new !== ITEMS || annotationReport.processed !== ANNOTATIONS)
      throw new Error("the uploader did not upload everything");
  }
  // Deleting keeps the database the same size for every round, so neither side runs on a bigger one.
  await client.deleteDataset(dataset.id);
  return { items: ITEMS / itemSeconds, annotations: ANNOTATIONS / annotationSeconds };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rate = (n) => Math.round(n).toLocaleString("en-US");

console.log(
  `${ITEMS.toLocaleString("en-US")} items (batches of 20) and ${ANNOTATIONS.toLocaleString("en-US")} annotations (batches of 5,000); median of ${ROUNDS} round(s), the two sides alternating which goes first`,
);
console.log(
  "concurrency  items/s fetch  items/s uploader  ratio   annotations/s fetch  annotations/s uploader  ratio",
);
for (const concurrency of CONCURRENCY) {
  const results = { fetch: [], uploader: [] };
  for (let r = 0; r < ROUNDS; r += 1) {
    const order = r % 2 === 0 ? ["fetch", "uploader"] : ["uploader", "fetch"];
    for (const side of order) results[side].push(await round(side, concurrency));
  }
  const m = (side, what) => median(results[side].map((x) => x[what]));
  const [fi, ui, fa, ua] = [
    m("fetch", "items"),
    m("uploader", "items"),
    m("fetch", "annotations"),
    m("uploader", "annotations"),
  ];
  console.log(
    `${String(concurrency).padStart(11)}  ${rate(fi).padStart(13)}  ${rate(ui).padStart(16)}  ${(ui / fi).toFixed(2).padStart(5)}   ${rate(fa).padStart(19)}  ${rate(ua).padStart(22)}  ${(ua / fa).toFixed(2).padStart(5)}`,
  );
}
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
rmSync(dir, { recursive: true, force: true });

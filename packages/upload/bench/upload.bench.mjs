// Uploader throughput against the local server, next to a baseline in the same run that posts
// the same pre-serialised request bodies with plain fetch at the same concurrency.
//
// The server's speed drifts over minutes (its disk flushes dominate), so the two sides take
// turns segment by segment (fetch, uploader, uploader, fetch, ...) and each side's rate is its
// entries over its summed time: drift then weighs on both alike. Client CPU per entry is also
// printed, as it does not depend on the disk.
//
// Run with `pnpm bench` (builds first). BENCH_ITEMS / BENCH_ANNOTATIONS shrink it,
// BENCH_SEGMENTS sets the turns (default 10), BENCH_CONCURRENCY the levels (default 1,2,4,8).

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
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 10);
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
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Splits entries into `SEGMENTS` runs, each a whole number of requests of `size`. */
function segments(entries, size) {
  const perSegment = Math.ceil(entries.length / size / SEGMENTS) * size;
  const out = [];
  for (let i = 0; i < entries.length; i += perSegment) out.push(entries.slice(i, i + perSegment));
  return out;
}
const itemSegments = segments(items, 20).map((part) => ({
  entries: part,
  bodies: bodies(part, 20, "items", toWireItem),
}));
const annotationSegments = segments(annotations, 5_000).map((part) => ({
  entries: part,
  bodies: bodies(part, 5_000, "annotations", toWireBox),
}));

/** Times one side on one segment; returns wall and client CPU seconds. */
async function timed(run) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/** Both sides upload every segment of one kind to their own dataset, taking turns. */
async function compare(kind, parts, concurrency, datasets) {
  const totals = { fetch: { seconds: 0, cpu: 0 }, uploader: { seconds: 0, cpu: 0 } };
  const route = kind === "items" ? "append" : "annotate";
  const uploader = new Uploader(client, { concurrency });
  for (const [k, part] of parts.entries()) {
    const order = k % 2 === 0 ? ["fetch", "uploader"] : ["uploader", "fetch"];
    for (const side of order) {
      const dataset = datasets[side];
      const result = await timed(async () => {
        if (side === "fetch") {
          await baseline(`${server.url}/dataset/${dataset}/${route}`, part.bodies, concurrency);
          return;
        }
        const report =
          kind === "items"
            ? await uploader.append(dataset, part.entries)
            : await uploader.annotate(dataset, part.entries);
        const landed = kind === "items" ? report.new : report.processed;
        if (landed !== part.entries.length || report.failed > 0)
          throw new Error(`the uploader did not upload every ${kind === "items" ? "item" : "annotation"}`);
      });
      totals[side].seconds += result.seconds;
      totals[side].cpu += result.cpu;
    }
  }
  return totals;
}

const rate = (n) => Math.round(n).toLocaleString("en-US");
const micros = (seconds, n) => ((seconds / n) * 1e6).toFixed(1);

console.log(
  `${ITEMS.toLocaleString("en-US")} items (batches of 20) and ${ANNOTATIONS.toLocaleString("en-US")} annotations (batches of 5,000), in ${SEGMENTS} alternating segments`,
);
const WIDTHS = [11, 8, 9, 6, 10, 9, 8, 9, 6, 10, 9];
const row = (cells) => cells.map((cell, k) => String(cell).padStart(WIDTHS[k])).join(" ");
console.log(row(["", "items/s", "", "", "CPU µs/item", "", "annot./s", "", "", "CPU µs/ann.", ""]));
console.log(
  row([
    "concurrency",
    "fetch",
    "uploader",
    "ratio",
    "fetch",
    "uploader",
    "fetch",
    "uploader",
    "ratio",
    "fetch",
    "uploader",
  ]),
);
for (const concurrency of CONCURRENCY) {
  const datasets = {
    fetch: (await client.createDataset(`fetch-${concurrency}`)).id,
    uploader: (await client.createDataset(`uploader-${concurrency}`)).id,
  };
  const i = await compare("items", itemSegments, concurrency, datasets);
  const a = await compare("annotations", annotationSegments, concurrency, datasets);
  // Deleting keeps the database the same size for every level.
  await client.deleteDataset(datasets.fetch);
  await client.deleteDataset(datasets.uploader);
  const [fi, ui] = [ITEMS / i.fetch.seconds, ITEMS / i.uploader.seconds];
  const [fa, ua] = [ANNOTATIONS / a.fetch.seconds, ANNOTATIONS / a.uploader.seconds];
  console.log(
    row([
      concurrency,
      rate(fi),
      rate(ui),
      (ui / fi).toFixed(2),
      micros(i.fetch.cpu, ITEMS),
      micros(i.uploader.cpu, ITEMS),
      rate(fa),
      rate(ua),
      (ua / fa).toFixed(2),
      micros(a.fetch.cpu, ANNOTATIONS),
      micros(a.uploader.cpu, ANNOTATIONS),
    ]),
  );
}
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
rmSync(dir, { recursive: true, force: true });

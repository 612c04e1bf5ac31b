// Uploader throughput against the local server, next to a baseline in the same run that posts
// the same pre-serialised request bodies with plain fetch at the same concurrency.
// Run with `pnpm bench` (builds first). BENCH_ITEMS / BENCH_ANNOTATIONS shrink it.

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

const rate = (n, s) => Math.round(n / s).toLocaleString("en-US");
console.log(
  `${ITEMS.toLocaleString("en-US")} items (batches of 20) and ${ANNOTATIONS.toLocaleString("en-US")} annotations (batches of 5,000)`,
);
console.log(
  "concurrency  items/s fetch  items/s uploader  ratio   annotations/s fetch  annotations/s uploader  ratio",
);
for (const concurrency of [1, 2, 4, 8]) {
  const a = await client.createDataset(`baseline-${concurrency}`);
  const itemBaseline = await baseline(
    `${server.url}/dataset/${a.id}/append`,
    bodies(items, 20, "items", toWireItem),
    concurrency,
  );
  const annBaseline = await baseline(
    `${server.url}/dataset/${a.id}/annotate`,
    bodies(annotations, 5_000, "annotations", toWireBox),
    concurrency,
  );

  const b = await client.createDataset(`uploader-${concurrency}`);
  const uploader = new Uploader(client, { concurrency });
  let start = performance.now();
  const itemReport = await uploader.append(b.id, items);
  const itemSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const annReport = await uploader.annotate(b.id, annotations);
  const annSeconds = (performance.now() - start) / 1000;
  if (itemReport.new !== ITEMS || annReport.processed !== ANNOTATIONS)
    throw new Error("the uploader did not upload everything");

  console.log(
    `${String(concurrency).padStart(11)}  ${rate(ITEMS, itemBaseline).padStart(13)}  ${rate(ITEMS, itemSeconds).padStart(16)}  ${(itemBaseline / itemSeconds).toFixed(2).padStart(5)}   ${rate(ANNOTATIONS, annBaseline).padStart(19)}  ${rate(ANNOTATIONS, annSeconds).padStart(22)}  ${(annBaseline / annSeconds).toFixed(2).padStart(5)}`,
  );
  await client.deleteDataset(a.id);
  await client.deleteDataset(b.id);
}
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
rmSync(dir, { recursive: true, force: true });

// One-shot listings of a large dataset: `datasetItems` and `exportForTraining` of LISTING_ITEMS
// items (100k by default, each with one box), against the built server in a child process on
// loopback. Reports each listing's time, the server's peak RSS growth over it, and the client's
// (the response read as a stream, counted, never held whole). LISTING_BINARY runs another build.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ITEMS = Number(process.env.LISTING_ITEMS ?? 100_000);
const KEY = "listing-key";
const binary = process.env.LISTING_BINARY ?? fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-listing-"));
/** Starts the server over the data folder; resolves with the child and its URL. */
async function start() {
  const server = spawn(
    process.execPath,
    [binary, "--data", dataDir, "--port", "0", "--api-key", KEY, "--quiet"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const address = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once("line", (line) => resolve(JSON.parse(line).url));
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return [server, address];
}
let [child, url] = await start();
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
async function call(method, route, body) {
  const response = await fetch(`${url}/${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
/** The server's peak resident memory so far (VmHWM), in MB. */
const peakRssMb = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]) / 1024;

const datasetId = (await call("POST", "dataset/create", { name: "listing" })).dataset_id;
for (let i = 0; i < ITEMS; i += 5_000) {
  const n = Math.min(5_000, ITEMS - i);
  await call("POST", `dataset/${datasetId}/append`, {
    items: Array.from({ length: n }, (_, j) => ({
      reference_id: `i_${i + j}`,
      image_url: `s3://listing/i_${i + j}.jpg`,
      metadata: { index: i + j, split: (i + j) % 10 ? "train" : "val" },
    })),
  });
  await call("POST", `dataset/${datasetId}/annotate`, {
    annotations: Array.from({ length: n }, (_, j) => ({
      type: "box",
      label: `c${(i + j) % 20}`,
      reference_id: `i_${i + j}`,
      annotation_id: `b_${i + j}`,
      geometry: { x: 10, y: 20, width: 30, height: 40 },
    })),
  });
}

// A fresh server, so its peak RSS is that of the listings, not of the appends.
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
[child, url] = await start();
await call("GET", `dataset/${datasetId}/info`);

/** Reads a listing as a stream; returns its time, size and the RSS growths. */
async function listing(route) {
  const serverBefore = peakRssMb();
  const clientBefore = process.memoryUsage().rss;
  let clientPeak = clientBefore;
  const start = performance.now();
  const response = await fetch(`${url}/${route}`, { headers });
  if (!response.ok) throw new Error(`${route}: ${response.status}`);
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    clientPeak = Math.max(clientPeak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    route: route.split("/").pop(),
    seconds: Number(seconds.toFixed(2)),
    mb: Number((bytes / 2 ** 20).toFixed(1)),
    server_rss_growth_mb: Math.round(peakRssMb() - serverBefore),
    client_rss_growth_mb: Math.round((clientPeak - clientBefore) / 2 ** 20),
  };
}

const rounds = Number(process.env.LISTING_ROUNDS ?? 1);
for (let round = 1; round < rounds; round += 1) {
  console.log(JSON.stringify(await listing(`dataset/${datasetId}/datasetItems`)));
  console.log(JSON.stringify(await listing(`dataset/${datasetId}/exportForTraining`)));
}
const results = [
  await listing(`dataset/${datasetId}/datasetItems`),
  await listing(`dataset/${datasetId}/exportForTraining`),
];
for (const r of results)
  console.log(
    `${r.route} of ${ITEMS.toLocaleString("en-US")} items: ${r.seconds} s, ${r.mb} MB sent, ` +
      `server peak RSS +${r.server_rss_growth_mb} MB, client +${r.client_rss_growth_mb} MB`,
  );
console.log(JSON.stringify({ items: ITEMS, binary, results }));
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
rmSync(dataDir, { recursive: true, force: true });

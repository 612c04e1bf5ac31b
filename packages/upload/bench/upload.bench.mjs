// Upload speed against the local server, three ways, each side by side with its reference in
// the same run:
//
// 1. loopback: the Uploader next to a raw-fetch baseline (the same entries turned into the same
//    wire JSON and posted with plain fetch, at the same concurrency and request size), with and
//    without an idempotency key per request as the Uploader sends; entries/s and client CPU
//    per entry.
// 2. rtt: the same through a delay proxy that adds a round trip (50 ms by default) to every
//    request: the Uploader at c=1, 4 and 8 against the baseline at c=1, so the ratio shows what
//    overlapping requests buys when the network, not the server, is the wait.
// 3. cli: `nu upload items FILE` against a script that uploads the same NDJSON file with the
//    library, both as child processes on the same server.
//
// The official Python client (scale-nucleus) is the peer the issue names; this bench does not
// run it (it is not installed here), so every ratio below is against the raw-fetch baseline.
//
// The server's speed drifts over minutes (disk flushes, other work on the machine), so sides
// take turns: loopback segment by segment (fetch, uploader, uploader, fetch, ...), each side's
// rate its entries over its summed time; rtt and cli round by round in alternating order,
// reporting the median of the rounds and the median of the per-round ratios, with their range.
//
// Run with `pnpm bench` (builds this package first; the cli part needs `nu` built, so run
// `pnpm build` at the root once). Scale with environment variables:
//   BENCH_PARTS=loopback,rtt,cli  which parts run
//   BENCH_ITEMS=5000 BENCH_ANNOTATIONS=50000 BENCH_SEGMENTS=6 BENCH_CONCURRENCY=1,4,8  (loopback)
//   BENCH_RTT_MS=50 BENCH_RTT_ITEMS=2000 BENCH_RTT_ANNOTATIONS=20000 BENCH_RTT_ANNOTATION_BATCH=500
//   BENCH_ROUNDS=3 BENCH_CLI_ITEMS=5000  (rtt and cli; entries are per round and side)

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { NucleusClient } from "@nucleus/core";
import { Uploader } from "../dist/index.js";

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const PARTS = new Set((process.env.BENCH_PARTS ?? "loopback,rtt,cli").split(","));
const ITEMS = env("BENCH_ITEMS", 5_000);
const ANNOTATIONS = env("BENCH_ANNOTATIONS", 50_000);
const SEGMENTS = env("BENCH_SEGMENTS", 6);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,4,8").split(",").map(Number);
const RTT_MS = env("BENCH_RTT_MS", 50);
const RTT_ITEMS = env("BENCH_RTT_ITEMS", 2_000);
const RTT_ANNOTATIONS = env("BENCH_RTT_ANNOTATIONS", 20_000);
const RTT_ITEM_BATCH = 20;
const RTT_ANNOTATION_BATCH = env("BENCH_RTT_ANNOTATION_BATCH", 500);
const ROUNDS = env("BENCH_ROUNDS", 3);
const CLI_ITEMS = env("BENCH_CLI_ITEMS", 5_000);
const CLI_CONCURRENCY = 4; // nu's default
const KEY = "bench-key";

const dir = mkdtempSync(join(tmpdir(), "nucleus-upload-bench-"));
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Starts a node script in its own process and reads the JSON line it prints when ready. */
async function startProcess(args) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const ready = await new Promise((resolve) =>
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line))),
  );
  return { child, ready };
}
async function stop(child) {
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

// The server runs in its own process, as it would in use, so client and server work in parallel.
const { child: serverProcess, ready: server } = await startProcess([
  here("../../server/dist/main.js"),
  "--data",
  join(dir, "data"),
  "--port",
  "0",
  "--api-key",
  KEY,
  "--quiet",
]);
const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};

const makeItems = (count, prefix) =>
  Array.from({ length: count }, (_, i) => ({
    imageUrl: `s3://bench/${prefix}${i}.jpg`,
    referenceId: `${prefix}${i}`,
    metadata: { i },
  }));
/** `count` boxes spread evenly over the items `prefix0` .. `prefix{itemCount - 1}`. */
const makeBoxes = (count, itemCount, prefix, idPrefix) => {
  const perItem = Math.max(1, Math.round(count / itemCount));
  return Array.from({ length: count }, (_, i) => ({
    type: "box",
    label: i % 2 ? "car" : "person",
    referenceId: `${prefix}${Math.floor(i / perItem) % itemCount}`,
    annotationId: `${idPrefix}${i}`,
    geometry: { x: i % 500, y: i % 300, width: 20, height: 30 },
  }));
};
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
const KINDS = {
  items: { route: "append", key: "items", toWire: toWireItem },
  annotations: { route: "annotate", key: "annotations", toWire: toWireBox },
};

let keys = 0;
/**
 * The baseline client: the least any client has to do. Each request's entries are turned into
 * wire JSON when a worker takes them, then posted with fetch; `concurrency` workers share the list.
 * With `keyed`, each request also carries an idempotency key, as the Uploader's do (the server
 * then records each request's answer, so a retried one is applied once).
 */
async function baseline(base, dataset, kind, entries, size, concurrency, keyed = false) {
  const { route, key, toWire } = KINDS[kind];
  const url = `${base}/dataset/${dataset}/${route}`;
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const start = next;
      next += size;
      const body = JSON.stringify({ [key]: entries.slice(start, start + size).map(toWire), update: false });
      const sent = keyed ? { ...headers, "idempotency-key": `bench-${keys++}` } : headers;
      const response = await fetch(url, { method: "POST", headers: sent, body });
      if (!response.ok) throw new Error(`baseline: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Uploads with the Uploader and checks that every entry landed. */
async function withUploader(uploader, dataset, kind, entries) {
  const report =
    kind === "items" ? await uploader.append(dataset, entries) : await uploader.annotate(dataset, entries);
  const landed = kind === "items" ? report.new : report.processed;
  if (landed !== entries.length || report.failed > 0)
    throw new Error(`the uploader landed ${landed} of ${entries.length} ${kind}: ${JSON.stringify(report)}`);
}

/** Times one run; returns wall and client CPU seconds. */
async function timed(run) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const rate = (n) => Math.round(n).toLocaleString("en-US");
const micros = (seconds, n) => ((seconds / n) * 1e6).toFixed(1);
const table = (widths) => (cells) => cells.map((cell, k) => String(cell).padStart(widths[k])).join(" ");
const spread = (values) => `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`.padStart(11);
const count = (n) => n.toLocaleString("en-US");

console.log(
  "The official Python client (scale-nucleus) is not run by this bench: every ratio is against the raw-fetch baseline.\n",
);

// 1. Loopback -----------------------------------------------------------------------------------

/** Splits entries into `SEGMENTS` runs, each a whole number of requests of `size`. */
function segments(entries, size) {
  const perSegment = Math.ceil(entries.length / size / SEGMENTS) * size;
  const out = [];
  for (let i = 0; i < entries.length; i += perSegment) out.push(entries.slice(i, i + perSegment));
  return out;
}

const LOOPBACK_SIDES = ["fetch", "keyed", "uploader"];
/** Every side uploads every segment of one kind to its own dataset, taking turns in rotation. */
async function compareLoopback(kind, parts, size, concurrency, datasets) {
  const totals = Object.fromEntries(LOOPBACK_SIDES.map((side) => [side, { seconds: 0, cpu: 0 }]));
  const uploader = new Uploader(client, { concurrency });
  for (const [k, part] of parts.entries()) {
    const turn = k % LOOPBACK_SIDES.length;
    const rotated = [...LOOPBACK_SIDES.slice(turn), ...LOOPBACK_SIDES.slice(0, turn)];
    const order = k % 2 === 0 ? rotated : rotated.reverse();
    for (const side of order) {
      const dataset = datasets[side];
      const result = await timed(() =>
        side === "uploader"
          ? withUploader(uploader, dataset, kind, part)
          : baseline(server.url, dataset, kind, part, size, concurrency, side === "keyed"),
      );
      totals[side].seconds += result.seconds;
      totals[side].cpu += result.cpu;
    }
  }
  return totals;
}

if (PARTS.has("loopback")) {
  const items = makeItems(ITEMS, "r");
  const annotations = makeBoxes(ANNOTATIONS, ITEMS, "r", "a");
  const itemParts = segments(items, 20);
  const annotationParts = segments(annotations, 5_000);
  console.log(
    `Loopback: ${count(ITEMS)} items (20 a request) and ${count(ANNOTATIONS)} boxes (5,000 a request), ${SEGMENTS} alternating segments`,
  );
  const row = table([11, 3, 9, 9, 10, 10, 10, 13, 9]);
  console.log(
    row(["", "c", "fetch/s", "keyed/s", "uploader/s", "uploader ÷", "uploader ÷", "CPU µs/entry", ""]),
  );
  console.log(row(["", "", "", "", "", "fetch", "keyed", "fetch", "uploader"]));
  const lines = { items: [], annotations: [] };
  for (const concurrency of CONCURRENCY) {
    const datasets = {};
    for (const side of LOOPBACK_SIDES)
      datasets[side] = (await client.createDataset(`${side}-${concurrency}`)).id;
    const results = {
      items: await compareLoopback("items", itemParts, 20, concurrency, datasets),
      annotations: await compareLoopback("annotations", annotationParts, 5_000, concurrency, datasets),
    };
    // Deleting keeps the database the same size for every level.
    for (const side of LOOPBACK_SIDES) await client.deleteDataset(datasets[side]);
    for (const [kind, totals] of Object.entries(results)) {
      const n = kind === "items" ? ITEMS : ANNOTATIONS;
      const [f, k, u] = LOOPBACK_SIDES.map((side) => n / totals[side].seconds);
      lines[kind].push([
        concurrency,
        rate(f),
        rate(k),
        rate(u),
        (u / f).toFixed(2),
        (u / k).toFixed(2),
        micros(totals.fetch.cpu, n),
        micros(totals.uploader.cpu, n),
      ]);
    }
  }
  for (const [kind, rows] of Object.entries(lines))
    for (const [r, cells] of rows.entries()) console.log(row([r === 0 ? kind : "", ...cells]));
  console.log();
}

// 2. Simulated round trip -----------------------------------------------------------------------

if (PARTS.has("rtt")) {
  const { child: proxyProcess, ready: proxy } = await startProcess([
    here("./delay-proxy.mjs"),
    new URL(server.url).port,
    String(RTT_MS),
  ]);
  const far = new URL(server.url);
  far.port = String(proxy.port);
  const farUrl = far.href.replace(/\/$/, "");
  const farClient = new NucleusClient({ apiKey: KEY, endpoint: farUrl });
  const batch = { items: RTT_ITEM_BATCH, annotations: RTT_ANNOTATION_BATCH };
  const sides = [
    { name: "fetch c=1", run: (d, kind, entries) => baseline(farUrl, d, kind, entries, batch[kind], 1) },
    ...[1, 4, 8].map((concurrency) => ({
      name: `uploader c=${concurrency}`,
      run: (d, kind, entries) =>
        withUploader(new Uploader(farClient, { concurrency, batchSize: batch[kind] }), d, kind, entries),
    })),
  ];
  for (const side of sides) side.dataset = (await client.createDataset(`rtt ${side.name}`)).id;
  // Round r uploads its own items, then boxes on those items, to every side's dataset.
  const rounds = Array.from({ length: ROUNDS }, (_, r) => ({
    items: makeItems(RTT_ITEMS, `t${r}-`),
    annotations: makeBoxes(RTT_ANNOTATIONS, RTT_ITEMS, `t${r}-`, `b${r}-`),
  }));
  console.log(
    `${RTT_MS} ms round trip (delay proxy): ${count(RTT_ITEMS)} items (${RTT_ITEM_BATCH} a request) and ${count(RTT_ANNOTATIONS)} boxes (${RTT_ANNOTATION_BATCH} a request) per side and round, ${ROUNDS} rounds in alternating order`,
  );
  const row = table([12, 12, 14, 11, 11, 7]);
  console.log(row(["", "side", "median/s", "range/s", "ratio", "range"]));
  for (const kind of ["items", "annotations"]) {
    const rates = new Map(sides.map((side) => [side, []]));
    for (const [r, round] of rounds.entries()) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const entries = round[kind];
        const { seconds } = await timed(() => side.run(side.dataset, kind, entries));
        rates.get(side).push(entries.length / seconds);
      }
    }
    const reference = rates.get(sides[0]);
    for (const side of sides) {
      const own = rates.get(side);
      const ratios = own.map((value, r) => value / reference[r]);
      console.log(
        row([
          side === sides[0] ? kind : "",
          side.name,
          rate(median(own)),
          `${rate(Math.min(...own))}-${rate(Math.max(...own))}`,
          median(ratios).toFixed(2),
          spread(ratios),
        ]),
      );
    }
  }
  for (const side of sides) await client.deleteDataset(side.dataset);
  await stop(proxyProcess);
  console.log();
}

// 3. `nu upload items` against the library --------------------------------------------------------

const nuBin = here("../../../apps/cli/dist/main.js");
if (PARTS.has("cli") && !existsSync(nuBin))
  console.log("nu upload: skipped, the CLI is not built (run `pnpm build` at the root).");
else if (PARTS.has("cli")) {
  const file = join(dir, "items.ndjson");
  writeFileSync(
    file,
    `${makeItems(CLI_ITEMS, "c")
      .map((item) => JSON.stringify(toWireItem(item)))
      .join("\n")}\n`,
  );
  const childEnv = {
    ...process.env,
    NUCLEUS_ENDPOINT: server.url,
    NUCLEUS_API_KEY: KEY,
    HOME: dir,
    XDG_CACHE_HOME: join(dir, "cache"),
    CI: "1",
  };
  const commands = {
    nu: (dataset) => [
      nuBin,
      "upload",
      "items",
      file,
      "--dataset",
      dataset,
      "--concurrency",
      String(CLI_CONCURRENCY),
      "--json",
    ],
    library: (dataset) => [here("./library-upload.mjs"), dataset, file, String(CLI_CONCURRENCY)],
  };
  /** Runs one side as a child process; its wall time, and the upload's own time from its report. */
  const runChild = async (side) => {
    const dataset = (await client.createDataset(`cli ${side}`)).id;
    const start = performance.now();
    const child = spawn(process.execPath, commands[side](dataset), {
      env: childEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (piece) => {
      out += piece;
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    const wall = (performance.now() - start) / 1000;
    await client.deleteDataset(dataset);
    const report = JSON.parse(out);
    if (code !== 0 || report.new !== CLI_ITEMS)
      throw new Error(`${side} exited ${code} and wrote ${report.new} of ${CLI_ITEMS} items`);
    return { wall, upload: report.seconds };
  };
  const runs = { nu: [], library: [] };
  for (let r = 0; r < ROUNDS; r += 1)
    for (const side of r % 2 === 0 ? ["nu", "library"] : ["library", "nu"])
      runs[side].push(await runChild(side));
  console.log(
    `nu upload items vs the library: the same NDJSON file of ${count(CLI_ITEMS)} items, c=${CLI_CONCURRENCY}, each a child process, ${ROUNDS} rounds in alternating order`,
  );
  const row = table([9, 10, 10, 12, 12]);
  console.log(row(["", "process s", "upload s", "process/s", "upload/s"]));
  for (const side of ["library", "nu"]) {
    const wall = median(runs[side].map((run) => run.wall));
    const upload = median(runs[side].map((run) => run.upload));
    console.log(
      row([side, wall.toFixed(2), upload.toFixed(2), rate(CLI_ITEMS / wall), rate(CLI_ITEMS / upload)]),
    );
  }
  const ratios = (key) => runs.nu.map((run, r) => runs.library[r][key] / run[key]);
  console.log(
    `nu / library throughput: whole process ${median(ratios("wall")).toFixed(2)} (range ${spread(ratios("wall")).trim()}), upload alone ${median(ratios("upload")).toFixed(2)} (range ${spread(ratios("upload")).trim()})`,
  );
}

await stop(serverProcess);
rmSync(dir, { recursive: true, force: true });

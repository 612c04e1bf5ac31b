// Whole listings of a large dataset: LISTING_ITEMS items (100k by default, each with one box), all
// of them in one slice, against the built server in a child process on loopback. Each listing runs
// on a freshly started server, so every one starts from the same cold state (empty page cache), and
// reports its time, the server's CPU time and peak RSS growth over it, and the client's.
//
// Listings: the streamed routes (`datasetItems`, `exportForTraining`, a slice's items and its
// `exportForTraining`) read by a bare fetch as a stream, `exportForTrainingPage` paged to the end,
// and `@nucleus/core`'s `dataset.items()` and `dataset.export()`, each run in a child process of
// its own so that its RSS growth is the listing's alone.
//
// Targets (issue 17): every listing adds < 50 MB to the server's peak RSS and to the client's; the
// 100k listing of items through `@nucleus/core` takes < 1 s (its export is timed beside it, not a
// target). Each figure is printed beside its target, and the core listings as ratios to the bare
// stream of the same list measured in the same run. Wall times depend on the load (printed); CPU
// times much less. LISTING_BINARY runs another build of the server, LISTING_DATABASE_URL keeps its
// records in PostgreSQL (a throwaway cluster: `node scripts/postgres.mjs start`),
// LISTING_CORE_PAGE_SIZE sets the page size of the core listings (the client's default otherwise),
// LISTING_SERVER_FLAGS passes Node flags to it (say `--max-old-space-size=256`), LISTING_ROUNDS > 1
// repeats the listings (the last round is reported).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const KEY = "listing-key";
const MB = 2 ** 20;
const LIMIT_RSS_MB = 50;
const LIMIT_CORE_SECONDS = 1;

/** The resident memory of a process (VmRSS) and its peak (VmHWM), in bytes. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Sets a process's peak RSS back to its current RSS (Linux: clear_refs 5), so growth is measured from now. */
function resetPeak(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** A process's CPU time (user + system) so far, in seconds. */
function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString());
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

if (process.argv[2] === "--core") await coreListing(...process.argv.slice(3));
else await main();

/**
 * Child mode: one `@nucleus/core` listing of a dataset, printed as a JSON line. The client's RSS
 * growth is its peak over the listing less its RSS once the client is loaded and connected.
 */
async function coreListing(url, datasetId, kind) {
  const core = await import(new URL("../../core/dist/index.js", import.meta.url).href);
  const client = new core.NucleusClient({ apiKey: KEY, endpoint: url });
  const dataset = client.getDataset(datasetId);
  await dataset.info();
  resetPeak(process.pid);
  const before = memoryOf(process.pid).rss;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let count = 0;
  const options = process.env.LISTING_CORE_PAGE_SIZE
    ? { pageSize: Number(process.env.LISTING_CORE_PAGE_SIZE) }
    : {};
  const list = kind === "items" ? dataset.items(options) : dataset.export(options);
  for await (const page of list.pages()) count += page.length;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      count,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rssGrowth: memoryOf(process.pid).peak - before,
    }),
  );
}

async function main() {
  const ITEMS = Number(process.env.LISTING_ITEMS ?? 100_000);
  const binary = process.env.LISTING_BINARY ?? fileURLToPath(new URL("../dist/main.js", import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), "nucleus-listing-"));
  // Servers on a database share a secret; one for this run.
  const secret = randomBytes(32).toString("hex");
  // On PostgreSQL, the records go to a schema of their own (left behind: use a throwaway cluster).
  const databaseUrl = process.env.LISTING_DATABASE_URL
    ? `${process.env.LISTING_DATABASE_URL}?schema=listing_${process.pid}_${Date.now()}`
    : undefined;
  let child;
  // Whatever happens, the server goes and so does the data folder.
  process.once("exit", () => {
    child?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let url;

  /** Starts the server over the data folder. */
  async function start() {
    const flags = process.env.LISTING_SERVER_FLAGS ? process.env.LISTING_SERVER_FLAGS.split(" ") : [];
    const database = process.env.LISTING_DATABASE_URL ? ["--database", databaseUrl] : [];
    child = spawn(
      process.execPath,
      [...flags, binary, "--data", dataDir, ...database, "--port", "0", "--api-key", KEY, "--quiet"],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { NUCLEUS_SECRET: secret, ...process.env },
      },
    );
    url = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line).url));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
  }
  async function stop() {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
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

  await start();
  const datasetId = (await call("POST", "dataset/create", { name: "listing" })).dataset_id;
  const sliceId = (
    await call("POST", `dataset/${datasetId}/create_slice`, { name: "all", allow_empty: true })
  ).slice_id;
  for (let i = 0; i < ITEMS; i += 5_000) {
    const refs = Array.from({ length: Math.min(5_000, ITEMS - i) }, (_, j) => `i_${i + j}`);
    await call("POST", `dataset/${datasetId}/append`, {
      items: refs.map((ref, j) => ({
        reference_id: ref,
        image_url: `s3://listing/${ref}.jpg`,
        metadata: { index: i + j, split: (i + j) % 10 ? "train" : "val" },
      })),
    });
    await call("POST", `dataset/${datasetId}/annotate`, {
      annotations: refs.map((ref, j) => ({
        type: "box",
        label: `c${(i + j) % 20}`,
        reference_id: ref,
        annotation_id: `b_${i + j}`,
        geometry: { x: 10, y: 20, width: 30, height: 40 },
      })),
    });
    await call("POST", `slice/${sliceId}/append`, { reference_ids: refs });
  }
  await stop();

  /** Runs one listing on a fresh server: its time, the server's CPU and RSS growth, the client's. */
  async function measure(name, read) {
    await start();
    try {
      await call("GET", `dataset/${datasetId}/info`);
      resetPeak(child.pid);
      const serverBefore = memoryOf(child.pid).rss;
      const cpuBefore = cpuSecondsOf(child.pid);
      const startedAt = performance.now();
      const { count, client } = await read();
      const seconds = (performance.now() - startedAt) / 1000;
      if (count !== ITEMS) throw new Error(`${name} listed ${count} entries, not ${ITEMS}`);
      return {
        listing: name,
        seconds: client?.seconds ?? seconds,
        serverCpuSeconds: cpuSecondsOf(child.pid) - cpuBefore,
        serverRssGrowthMb: (memoryOf(child.pid).peak - serverBefore) / MB,
        clientRssGrowthMb: client ? client.rssGrowth / MB : undefined,
        clientCpuSeconds: client?.cpuSeconds,
      };
    } finally {
      await stop();
    }
  }

  /** A streamed route read chunk by chunk; counts its entries by their image URLs. */
  const streamed = (route, marker) => async () => {
    const response = await fetch(`${url}/${route}`, { headers });
    if (!response.ok) throw new Error(`${route}: ${response.status}`);
    const decoder = new TextDecoder();
    let count = 0;
    let tail = "";
    for await (const chunk of response.body) {
      const text = tail + decoder.decode(chunk, { stream: true });
      let at = text.indexOf(marker);
      while (at !== -1) {
        count += 1;
        at = text.indexOf(marker, at + marker.length);
      }
      tail = text.slice(-marker.length + 1);
    }
    return { count };
  };
  // Each entry carries its item's image URL once, at its top level or inside `item`.
  const ITEM_MARK = '"original_image_url":"s3://listing/';

  /** `exportForTrainingPage` paged to the end, 10,000 rows a page (the largest page). */
  const paged = async () => {
    let count = 0;
    let pageToken = null;
    do {
      const page = await call("POST", `dataset/${datasetId}/exportForTrainingPage`, {
        pageSize: 10_000,
        pageToken,
      });
      count += page.data.length;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return { count };
  };

  /** One `@nucleus/core` listing in a child process of this script. */
  const core = (kind) => async () => {
    const output = await new Promise((resolve, reject) => {
      const script = fileURLToPath(import.meta.url);
      const clientProcess = spawn(process.execPath, [script, "--core", url, datasetId, kind], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      clientProcess.stdout.on("data", (data) => (text += data));
      clientProcess.once("exit", (code) =>
        code === 0 ? resolve(text) : reject(new Error(`client exited ${code}`)),
      );
    });
    const client = JSON.parse(output);
    return { count: client.count, client };
  };

  const listings = [
    ["datasetItems", streamed(`dataset/${datasetId}/datasetItems`, ITEM_MARK)],
    ["exportForTraining", streamed(`dataset/${datasetId}/exportForTraining`, ITEM_MARK)],
    ["slice items", streamed(`slice/${sliceId}`, ITEM_MARK)],
    ["slice exportForTraining", streamed(`slice/${sliceId}/exportForTraining`, ITEM_MARK)],
    ["exportForTrainingPage (10k pages)", paged],
    ["core dataset.items()", core("items")],
    ["core dataset.export()", core("export")],
  ];
  const loadStart = loadavg();
  const rounds = Number(process.env.LISTING_ROUNDS ?? 1);
  let results = [];
  for (let round = 0; round < rounds; round += 1) {
    results = [];
    for (const [name, read] of listings) results.push(await measure(name, read));
  }
  rmSync(dataDir, { recursive: true, force: true });

  const load = (values) => values.map((value) => value.toFixed(2)).join(" ");
  const fixed = (value, digits) => (value === undefined ? "-" : value.toFixed(digits));
  console.log(
    `${ITEMS.toLocaleString("en-US")} items; load average ${load(loadStart)} at the start of the listings, ` +
      `${load(loadavg())} at the end`,
  );
  for (const r of results) {
    // Figures beside their targets; the only ratios printed are of two measurements (below).
    const rss = `server +${fixed(r.serverRssGrowthMb, 0)} MB (target < ${LIMIT_RSS_MB} MB)`;
    const client =
      r.clientRssGrowthMb === undefined
        ? ""
        : `, client +${fixed(r.clientRssGrowthMb, 0)} MB (target < ${LIMIT_RSS_MB} MB), client CPU ${fixed(r.clientCpuSeconds, 2)} s`;
    const time =
      r.listing === "core dataset.items()"
        ? `${fixed(r.seconds, 2)} s (target < ${LIMIT_CORE_SECONDS} s)`
        : `${fixed(r.seconds, 2)} s`;
    console.log(`${r.listing}: ${time}, server CPU ${fixed(r.serverCpuSeconds, 2)} s, ${rss}${client}`);
  }
  const byName = Object.fromEntries(results.map((r) => [r.listing, r]));
  for (const [core, bare] of [
    ["core dataset.items()", "datasetItems"],
    ["core dataset.export()", "exportForTraining"],
  ]) {
    const a = byName[core];
    const b = byName[bare];
    console.log(
      `${core} / ${bare} stream: wall ${fixed(a.seconds / b.seconds, 2)}x, ` +
        `server CPU ${fixed(a.serverCpuSeconds / b.serverCpuSeconds, 2)}x`,
    );
  }
  const rssMet = results.every(
    (r) => r.serverRssGrowthMb < LIMIT_RSS_MB && (r.clientRssGrowthMb ?? 0) < LIMIT_RSS_MB,
  );
  // The target is the listing of items; an export, which carries each item's labels, is shown beside it.
  const under = (name) => (byName[name].seconds < LIMIT_CORE_SECONDS ? "met" : "NOT met");
  console.log(
    `targets: RSS growth < ${LIMIT_RSS_MB} MB ${rssMet ? "met" : "NOT met"}; ` +
      `core dataset.items() < ${LIMIT_CORE_SECONDS} s ${under("core dataset.items()")} ` +
      `(core dataset.export() < ${LIMIT_CORE_SECONDS} s ${under("core dataset.export()")}, not a target)`,
  );
  console.log(JSON.stringify({ items: ITEMS, binary, load: loadavg(), results }));
}

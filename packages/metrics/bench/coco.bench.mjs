// @nucleus/metrics side by side with pycocotools on the reference COCO workload (./workload.mjs),
// every figure measured in this run: both sides read the same files from disk, each in its own
// process, several rounds in alternating order, medians reported. The clock covers what
// pycocotools' loadRes + evaluate + accumulate + summarize do (reading and parsing the results
// file included); the ground truth is loaded before it starts, on both sides. Peak RSS is each
// process's own high-water mark.
//
// Run with `pnpm bench` (builds first). BENCH_SIZES=1000,5000 (images), BENCH_SEGM_IMAGES=200,
// BENCH_ROUNDS=3. pycocotools comes from PYCOCO or ../shared/tools/pycocotools (see
// ./pycocotools.mjs); without it, only our own numbers are printed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { findPycocotools } from "./pycocotools.mjs";
import { workload } from "./workload.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? "1000,5000").split(",").map(Number);
const SEGM_IMAGES = Number(process.env.BENCH_SEGM_IMAGES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const pycocotools = findPycocotools();
const sides = [
  {
    name: "pycocotools 2.0.11",
    key: "py",
    run: pycocotools.run && ((f) => pycocotools.run(f.gt, f.dt, f.iouType)),
  },
  { name: "@nucleus/metrics", key: "ours", run: (f) => node(f, "single") },
  { name: "@nucleus/metrics, worker threads", key: "workers", run: (f) => node(f, "workers") },
].filter((side) => side.run);

console.log(
  `COCO evaluation side by side on ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}; median of ${ROUNDS} runs per side, in alternating order.`,
);
console.log(
  "timed: read + parse the results file, evaluate, accumulate, summarize (pycocotools: loadRes + evaluate + accumulate + summarize).",
);
console.log("process: the whole child process (start-up and ground-truth loading included).");
// Other work on the machine slows both sides: say how busy it was.
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");
console.log(`load average (1, 5, 15 min) at the start: ${load()}`);
if (pycocotools.missing) console.log(`pycocotools: not available (${pycocotools.missing}); no ratios.`);

let failed = false;
for (const images of SIZES) bench(`bbox, ${images.toLocaleString("en-US")} images`, images, 2024, "bbox");
if (SEGM_IMAGES > 0)
  bench(`segm (polygons), ${SEGM_IMAGES.toLocaleString("en-US")} images`, SEGM_IMAGES, 7, "segm");
console.log(`\nload average (1, 5, 15 min) at the end: ${load()}`);
process.exit(failed ? 1 : 0);

function bench(label, images, seed, iouType) {
  const folder = mkdtempSync(join(tmpdir(), "nucleus-coco-bench-"));
  try {
    const { gt, dt } = workload(images, seed, iouType === "segm");
    const files = { gt: join(folder, "gt.json"), dt: join(folder, "dt.json"), iouType };
    writeFileSync(files.gt, JSON.stringify(gt));
    writeFileSync(files.dt, JSON.stringify(dt));
    console.log(
      `\n${label}: ${gt.annotations.length.toLocaleString("en-US")} ground-truth objects, ${dt.length.toLocaleString("en-US")} detections`,
    );
    const runs = new Map(sides.map((side) => [side.key, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate who goes first, so no side always runs on a warm (or busy) machine.
      const order = sides.map((_, i) => sides[(i + round) % sides.length]);
      for (const side of order) runs.get(side.key).push(measure(side, files));
    }
    report(runs);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function node(files, mode) {
  return spawnSync(process.execPath, [join(here, "ours.mjs"), files.gt, files.dt, files.iouType, mode], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
}

function measure(side, files) {
  const start = performance.now();
  const child = side.run(files);
  const processSeconds = (performance.now() - start) / 1000;
  if (child.status !== 0) throw new Error(`${side.name} failed:\n${child.stderr || child.stdout}`);
  const lines = child.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const result = Object.assign({}, ...lines);
  return { ...result, process_s: processSeconds, peak_mb: result.peak_rss_kb / 1024 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(runs) {
  const py = runs.get("py");
  const base = py && {
    timed: median(py.map((r) => r.timed_total_s)),
    process: median(py.map((r) => r.process_s)),
    peak: median(py.map((r) => r.peak_mb)),
  };
  const pad = (text, n) => String(text).padStart(n);
  console.log(
    `  ${"".padEnd(34)}${pad("timed", 9)}${pad("(runs)", 15)}${pad("load", 8)}${pad("process", 9)}${pad("peak RSS", 10)}`,
  );
  for (const side of sides) {
    const list = runs.get(side.key);
    const timed = median(list.map((r) => r.timed_total_s));
    const load = median(list.map((r) => r.load_s));
    const processSeconds = median(list.map((r) => r.process_s));
    const peak = median(list.map((r) => r.peak_mb));
    // The spread of the runs too: on a busy machine the median alone can mislead.
    const times = list.map((r) => r.timed_total_s);
    const spread = `${Math.min(...times).toFixed(2)}-${Math.max(...times).toFixed(2)}`;
    let line = `  ${side.name.padEnd(34)}${pad(`${timed.toFixed(2)} s`, 9)}${pad(`(${spread})`, 15)}${pad(`${load.toFixed(2)} s`, 8)}${pad(`${processSeconds.toFixed(2)} s`, 9)}${pad(`${Math.round(peak)} MB`, 10)}`;
    if (base && side.key !== "py") {
      line += `   ${(base.timed / timed).toFixed(1)}x as fast timed, ${(base.process / processSeconds).toFixed(1)}x by process, ${(peak / base.peak).toFixed(2)}x the memory`;
    }
    console.log(line);
  }
  // Every run of every side must give the same 12 doubles; pycocotools' are the reference.
  const reference = (py ?? runs.get("ours"))[0].stats;
  const same = [...runs.values()].flat().every((r) => r.stats.every((v, i) => Object.is(v, reference[i])));
  console.log(
    same
      ? `  stats: identical in every run${py ? " to pycocotools'" : ""}, all 12 to the last bit`
      : "  stats: DIFFERENT between runs or sides",
  );
  if (!same) failed = true;
}

// One measured run of @nucleus/metrics in its own process, as pycoco_bench.py runs pycocotools:
// the ground truth is loaded first (not timed, like `COCO(gt)`), then the clock runs while the
// results file is read from disk and evaluated. Prints one JSON line, with the process's peak
// RSS at the end. Usage: node ours.mjs GT.json DT.json bbox|segm [single|workers]
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { CocoResultsParser, evaluateCoco } from "../dist/index.js";
import { CocoWorkerPool } from "../dist/node.js";

const [gtPath, dtPath, iouType = "bbox", mode = "single"] = process.argv.slice(2);
const groundTruth = JSON.parse(readFileSync(gtPath, "utf8"));

const start = performance.now();
// workers: one thread per core besides this one, at every size (evaluateCocoParallel on its own
// starts them from 200,000 detections), started first so that they load while the file is read.
const pool =
  mode === "workers" ? new CocoWorkerPool({ workers: Math.max(1, availableParallelism() - 1) }) : undefined;
const results = readResults(dtPath);
const loaded = performance.now();
const evaluation = pool
  ? await pool.evaluate(groundTruth, results, { iouType })
  : evaluateCoco(groundTruth, results, { iouType });
const end = performance.now();
await pool?.close();

console.log(
  JSON.stringify({
    timed_total_s: (end - start) / 1000,
    load_s: (loaded - start) / 1000,
    evaluate_s: (end - loaded) / 1000,
    stats: evaluation.stats,
    peak_rss_kb: peakRssKb(),
  }),
);

/** The results file, a megabyte at a time: the whole file is never in memory at once. */
function readResults(path) {
  const fd = openSync(path, "r");
  try {
    const parser = new CocoResultsParser({ expectedBytes: fstatSync(fd).size });
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) parser.write(chunk.subarray(0, n));
    return parser.end();
  } finally {
    closeSync(fd);
  }
}

function peakRssKb() {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);
  } catch {
    return process.resourceUsage().maxRSS; // kB too
  }
}

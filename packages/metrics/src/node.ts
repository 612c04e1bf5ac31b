/**
 * `@nucleus/metrics/node`: what needs Node.js (worker threads). The main entry stays free of
 * Node APIs, for browsers.
 *
 * @packageDocumentation
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { EngineObjects } from "./coco/engine/category.js";
import { type ParallelTask, runTasks, shared } from "./coco/engine/parallel.js";
import { allocateOutput, finishEvaluation, planEvaluation } from "./coco/evaluate.js";
import type { CocoResults } from "./coco/results/results.js";
import type { CocoDetection, CocoEvaluateOptions, CocoEvaluation, CocoGroundTruth } from "./coco/types.js";

/** Options of {@link evaluateCocoParallel}: those of `evaluateCoco`, and how many threads to add. */
export interface CocoParallelOptions extends CocoEvaluateOptions {
  /**
   * Worker threads to start besides the calling thread, which works too. Default: one less
   * than the available cores (at least 1). 0 evaluates in the calling thread only.
   */
  workers?: number;
}

/**
 * `evaluateCoco` with categories spread over worker threads: the same result, to the last bit,
 * sooner on large inputs with several cores. Checking and grouping the inputs and the summaries
 * stay on the calling thread; segm evaluation runs there entirely.
 *
 * @example
 * ```ts
 * import { parseCocoResults } from "@nucleus/metrics";
 * import { evaluateCocoParallel } from "@nucleus/metrics/node";
 *
 * const result = await evaluateCocoParallel(
 *   { images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [] },
 *   parseCocoResults("[]"),
 *   { workers: 2 },
 * );
 * result.stats[0]; // -1: no ground truth
 * ```
 */
export async function evaluateCocoParallel(
  groundTruth: CocoGroundTruth,
  detections: readonly CocoDetection[] | CocoResults,
  options: CocoParallelOptions = {},
): Promise<CocoEvaluation> {
  const { workers = Math.max(1, availableParallelism() - 1), ...evaluateOptions } = options;
  const plan = planEvaluation(groundTruth, detections, evaluateOptions);
  const { input, shape } = plan;
  const threads = input.gt.masks ? 0 : Math.min(workers, shape.K - 1);
  const output = allocateOutput(shape, threads > 0);
  const task: ParallelTask = {
    input: threads > 0 ? { ...input, gt: share(input.gt), dt: share(input.dt) } : input,
    output,
    queue: largestFirst(input.gt, input.dt, shape.K),
    next: new Int32Array(new SharedArrayBuffer(4)),
  };
  const started = Array.from({ length: threads }, () => startWorker(task));
  runTasks(task);
  await Promise.all(started);
  if (threads === 0) return finishEvaluation(plan, output);
  // Plain arrays in the result, as evaluateCoco returns.
  return finishEvaluation(plan, {
    precision: output.precision.slice(),
    recall: output.recall.slice(),
    scores: output.scores.slice(),
  });
}

function startWorker(task: ParallelTask): Promise<void> {
  // From the sources (tests), the built worker; once built, the one beside this file.
  const here = import.meta.url;
  const file = here.endsWith(".ts")
    ? "../dist/worker.js"
    : here.endsWith(".cjs")
      ? "./worker.cjs"
      : "./worker.js";
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(file, here), { workerData: task });
    worker.once("message", () => resolve());
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`evaluateCocoParallel: a worker stopped with exit code ${code}`));
    });
  });
}

function share(objects: EngineObjects): EngineObjects {
  return {
    boxes: shared(objects.boxes),
    areas: shared(objects.areas),
    crowd: shared(objects.crowd),
    scores: shared(objects.scores),
    imageOf: shared(objects.imageOf),
    groups: { order: shared(objects.groups.order), start: shared(objects.groups.start) },
  };
}

/** Category groups by their number of objects, largest first, so the threads finish together. */
function largestFirst(gt: EngineObjects, dt: EngineObjects, K: number): Int32Array {
  const size = (k: number) =>
    (dt.groups.start[k + 1] as number) -
    (dt.groups.start[k] as number) +
    (gt.groups.start[k + 1] as number) -
    (gt.groups.start[k] as number);
  return Int32Array.from({ length: K }, (_, k) => k).sort((a, b) => size(b) - size(a) || a - b);
}

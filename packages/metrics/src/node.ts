/**
 * `@nucleus/metrics/node`: what needs Node.js (worker threads). The main entry stays free of
 * Node APIs, for browsers.
 *
 * @packageDocumentation
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { EngineObjects } from "./coco/engine/category.js";
import { type ParallelTask, runTasks } from "./coco/engine/parallel.js";
import { allocateOutput, finishEvaluation, planEvaluation } from "./coco/evaluate.js";
import type { CocoResults } from "./coco/results/results.js";
import type { CocoDetection, CocoEvaluateOptions, CocoEvaluation, CocoGroundTruth } from "./coco/types.js";

/** Inputs with fewer detections run in the calling thread when `workers` is not given. */
const PARALLEL_FROM = 200_000;

/** Options of {@link evaluateCocoParallel}: those of `evaluateCoco`, and how many threads to add. */
export interface CocoParallelOptions extends CocoEvaluateOptions {
  /**
   * Worker threads to start besides the calling thread, which works too; 0 runs in the calling
   * thread only. Default: one less than the available cores (at least 1) from 200,000 detections,
   * 0 below that, where starting threads costs more than they save.
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
  const { workers, ...evaluateOptions } = options;
  const threads =
    evaluateOptions.iouType === "segm"
      ? 0
      : (workers ?? (detections.length >= PARALLEL_FROM ? Math.max(1, availableParallelism() - 1) : 0));
  // Threads start now: they load while the inputs are checked and grouped here.
  const pool = new CocoWorkerPool({ workers: threads });
  try {
    return await pool.evaluate(groundTruth, detections, evaluateOptions);
  } finally {
    await pool.close();
  }
}

/**
 * Worker threads kept for several evaluations (a server evaluating run after run, or a tool that
 * starts them before reading its files): {@link evaluateCocoParallel} without starting threads
 * each time. Evaluations given at once run one after the other. Close it when done.
 *
 * @example
 * ```ts
 * import { parseCocoResults } from "@nucleus/metrics";
 * import { CocoWorkerPool } from "@nucleus/metrics/node";
 *
 * const pool = new CocoWorkerPool({ workers: 1 }); // starting while the file is read
 * const results = parseCocoResults('[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 4, 4], "score": 1}]');
 * const ground = { images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [] };
 * const { stats } = await pool.evaluate(ground, results);
 * await pool.close();
 * ```
 */
export class CocoWorkerPool {
  private readonly workers: TaskWorker[];
  private queue: Promise<unknown> = Promise.resolve();

  /** @param options.workers - threads besides the calling one; default one less than the cores (at least 1) */
  constructor(options: { workers?: number } = {}) {
    const n = options.workers ?? Math.max(1, availableParallelism() - 1);
    this.workers = Array.from({ length: n }, () => new TaskWorker());
  }

  /** `evaluateCoco` across the pool's threads and the calling one; segm runs in the calling thread. */
  evaluate(
    groundTruth: CocoGroundTruth,
    detections: readonly CocoDetection[] | CocoResults,
    options: CocoEvaluateOptions = {},
  ): Promise<CocoEvaluation> {
    const run = this.queue.then(() => this.run(groundTruth, detections, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private async run(
    groundTruth: CocoGroundTruth,
    detections: readonly CocoDetection[] | CocoResults,
    options: CocoEvaluateOptions,
  ): Promise<CocoEvaluation> {
    const parallel = this.workers.length > 0 && options.iouType !== "segm";
    const plan = planEvaluation(groundTruth, detections, options, parallel);
    const { input, shape } = plan;
    const threads = parallel ? Math.min(this.workers.length, shape.K - 1) : 0;
    const output = allocateOutput(shape, threads > 0);
    const task: ParallelTask = {
      input,
      output,
      queue: largestFirst(input.gt, input.dt, shape.K),
      next: new Int32Array(new SharedArrayBuffer(4)),
    };
    const done = this.workers.slice(0, threads).map((worker) => worker.run(task));
    runTasks(task);
    await Promise.all(done);
    if (threads === 0) return finishEvaluation(plan, output);
    // Plain arrays in the result, as evaluateCoco returns.
    return finishEvaluation(plan, {
      precision: output.precision.slice(),
      recall: output.recall.slice(),
      scores: output.scores.slice(),
    });
  }
}

/** A worker thread that runs tasks given to it, one at a time. */
class TaskWorker {
  private readonly worker: Worker;
  private failure: Error | undefined;

  constructor() {
    // From the sources (tests), the built worker; once built, the one beside this file.
    const here = import.meta.url;
    const file = here.endsWith(".ts")
      ? "../dist/worker.js"
      : here.endsWith(".cjs")
        ? "./worker.cjs"
        : "./worker.js";
    this.worker = new Worker(new URL(file, here));
    this.worker.on("error", (error) => {
      this.failure = error;
    });
    // An idle pool does not keep the process alive; a running task does.
    this.worker.unref();
  }

  run(task: ParallelTask): Promise<void> {
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const finish = (error?: Error) => {
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        worker.unref();
        if (error) reject(error);
        else resolve();
      };
      const onMessage = () => finish();
      const onError = (error: Error) => finish(error);
      const onExit = (code: number) =>
        finish(new Error(`evaluateCocoParallel: a worker stopped with exit code ${code}`));
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      worker.ref();
      worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Category groups by their number of objects, largest first, so the threads finish together. */
function largestFirst(gt: EngineObjects, dt: EngineObjects, K: number): Int32Array {
  const size = (k: number) =>
    (dt.start[k + 1] as number) -
    (dt.start[k] as number) +
    (gt.start[k + 1] as number) -
    (gt.start[k] as number);
  return Int32Array.from({ length: K }, (_, k) => k).sort((a, b) => size(b) - size(a) || a - b);
}

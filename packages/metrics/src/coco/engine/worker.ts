/**
 * Worker thread body of `evaluateCocoParallel`: given a task, takes categories from the shared
 * queue until none is left, writing into the shared output, then says so.
 */
import { parentPort } from "node:worker_threads";
import { type ParallelTask, runTasks } from "./parallel.js";

parentPort?.on("message", (task: ParallelTask) => {
  runTasks(task);
  parentPort?.postMessage("done");
});

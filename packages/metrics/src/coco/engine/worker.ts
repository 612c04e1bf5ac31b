/**
 * Worker thread body of `evaluateCocoParallel`: takes categories from a shared counter until
 * none is left, writing into the shared output, then says so.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type ParallelTask, runTasks } from "./parallel.js";

runTasks(workerData as ParallelTask);
parentPort?.postMessage("done");

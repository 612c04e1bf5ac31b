import { type EngineInput, type EngineOutput, evaluateCategories } from "./category.js";

/** What each thread gets: the shared input and output, and the shared queue of categories. */
export interface ParallelTask {
  input: EngineInput;
  output: EngineOutput;
  /** Categories, largest first. */
  queue: Int32Array;
  /** `next[0]`: the next position in `queue` to take. */
  next: Int32Array;
}

/** Evaluates categories taken from the queue until it is empty. */
export function runTasks(task: ParallelTask): void {
  for (;;) {
    const at = Atomics.add(task.next, 0, 1);
    if (at >= task.queue.length) return;
    const k = task.queue[at] as number;
    evaluateCategories(task.input, task.output, k, k + 1);
  }
}

import { performance } from "node:perf_hooks";

/**
 * Lets the event loop turn between SQLite calls that would otherwise run back to back for long.
 *
 * A SQLite call settles in a microtask, so a loop of `await store...` calls (an evaluation
 * matching page after page) never gives incoming requests a turn until it ends. Each call asks
 * {@link LoopTurns.due}: once the calls made since the loop last turned have run for longer
 * than the budget, the caller waits for the next turn (after pending I/O) before going on.
 *
 * @example
 * ```ts
 * const turns = new LoopTurns(10);
 * await turns.due(); // resolves at once, or after the loop's next turn
 * ```
 */
export class LoopTurns {
  private lastTurn = 0;
  private marked = false;

  /** `budgetMs`: how long calls may run back to back before they wait for a turn. */
  constructor(private readonly budgetMs: number) {}

  /** Undefined when the call may run now; otherwise a promise of the loop's next turn. */
  due(): Promise<void> | undefined {
    const now = performance.now();
    if (!this.marked) {
      // A marker that runs on the loop's next turn tells when the loop last turned.
      this.marked = true;
      this.lastTurn = now;
      setImmediate(() => {
        this.marked = false;
      });
      return undefined;
    }
    if (now - this.lastTurn < this.budgetMs) return undefined;
    return new Promise((resolve) => setImmediate(resolve));
  }
}

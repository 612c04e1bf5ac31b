import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteConnection } from "./connection.js";
import { type Db, openDatabase } from "./database.js";
import { LoopTurns } from "./loop-turns.js";

/** Holds the thread for `ms` milliseconds, as a long SQLite statement would. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

let dir: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("loop turns", () => {
  it("let a timer run in the middle of a long chain of awaited SQLite reads", async () => {
    dir = mkdtempSync(join(tmpdir(), "nucleus-turns-"));
    db = openDatabase(dir);
    const connection = new SqliteConnection(db);
    let done = 0;
    let seenAt: number | undefined;
    setTimeout(() => {
      seenAt = done;
    }, 0);
    // 100 reads of 2 ms each: without turns, the timer would wait for all of them.
    for (let i = 0; i < 100; i += 1) {
      await connection.outside.read(() => {
        spin(2);
        return db?.prepare("SELECT 1").get();
      });
      done += 1;
    }
    expect(seenAt).toBeDefined();
    expect(seenAt).toBeLessThan(100);
  });

  it("cost nothing to calls that do not run back to back", async () => {
    const turns = new LoopTurns(10);
    expect(turns.due()).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(turns.due()).toBeUndefined();
    spin(15);
    expect(turns.due()).toBeInstanceOf(Promise);
  });
});

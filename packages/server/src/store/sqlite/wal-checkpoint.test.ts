import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteConnection } from "./connection.js";
import { type Db, openDatabase } from "./database.js";
import { WalCheckpointer } from "./wal-checkpoint.js";

/** Rows of 2 KiB: a commit of 500 of them adds at least 1 MiB of pages to the log. */
const ROW = Buffer.alloc(2_048, 7);

async function writeRows(connection: SqliteConnection, db: Db, commits: number): Promise<void> {
  const insert = db.prepare("INSERT INTO blobs (data) VALUES (?)");
  for (let i = 0; i < commits; i += 1) {
    await connection.outside.write(() => {
      for (let j = 0; j < 500; j += 1) insert.run(ROW);
    });
  }
}

describe("WalCheckpointer", () => {
  const dirs: string[] = [];
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function open() {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-checkpoint-"));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
    const connection = new SqliteConnection(db);
    closing.push(async () => {
      await connection.close();
      db.close();
    });
    return { db, connection, file: join(dir, "nucleus.sqlite") };
  }

  it("copies the log into the database on its own thread, never inside a commit", async () => {
    const { db, connection, file } = open();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const before = statSync(file).size;
    await writeRows(connection, db, 2);
    // The commits left every page in the log; the thread then copies them (2 MiB of rows at least)
    // into the database file.
    await expect
      .poll(() => statSync(file).size, { timeout: 30_000, interval: 50 })
      .toBeGreaterThan(before + 2 * 1024 * 1024);
    const rows = db.prepare("SELECT count(*) AS n FROM blobs").get() as { n: number };
    expect(rows.n).toBe(1_000);
  });

  it("lets the log start over once a checkpoint on its thread copied it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-checkpoint-"));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.pragma("wal_autocheckpoint = 0");
    db.exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
    const checkpoints = new WalCheckpointer(db.name, (error) => {
      throw error;
    });
    closing.push(async () => {
      await checkpoints.close();
      db.close();
    });
    const insert = db.prepare("INSERT INTO blobs (data) VALUES (?)");
    for (let round = 0; round < 6; round += 1) {
      db.transaction(() => {
        for (let j = 0; j < 2_000; j += 1) insert.run(ROW);
      })();
      const result = await checkpoints.checkpoint();
      expect(result.log).toBeGreaterThan(0);
      expect(result.checkpointed).toBe(result.log);
    }
    // Six rounds of 4 MiB of rows or more: a log that never started over would hold 24 MiB.
    expect(statSync(`${db.name}-wal`).size).toBeLessThan(12 * 1024 * 1024);
    expect((db.prepare("SELECT count(*) AS n FROM blobs").get() as { n: number }).n).toBe(12_000);
  });

  it("hands checkpoints back to the committing connection when its thread cannot open the database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-checkpoint-"));
    dirs.push(dir);
    let failure: Error | undefined;
    const checkpoints = new WalCheckpointer(join(dir, "missing.sqlite"), (error) => {
      failure = error;
    });
    const result = await checkpoints.checkpoint();
    expect(result).toEqual({ log: 0, checkpointed: 0 });
    expect(failure?.message).toMatch(/unable to open|does not exist|no such file/i);
    await checkpoints.close();
  });
});

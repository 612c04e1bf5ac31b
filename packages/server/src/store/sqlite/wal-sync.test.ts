import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { syncFile, WalSync } from "./wal-sync.js";

/** A sync whose flushes the test ends by hand, recording when each began. */
function manualSync() {
  const flushes: { end: () => void; ended: boolean }[] = [];
  const sync = () =>
    new Promise<void>((resolve) => {
      const flush = {
        ended: false,
        end: () => {
          flush.ended = true;
          resolve();
        },
      };
      flushes.push(flush);
    });
  return { flushes, sync };
}

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  // Two loop turns: enough for a chain of settled promises to run.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe("WalSync", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("lets writes committed during a flush share the next one", async () => {
    const { flushes, sync } = manualSync();
    const wal = new WalSync("/unused", sync);
    const first = wal.flushed();
    const during = Array.from({ length: 10 }, () => wal.flushed());
    expect(flushes).toHaveLength(1);
    // Ten callers whose commits came after the first flush began: none is done with it.
    flushes[0]?.end();
    expect(await settled(first)).toBe(true);
    for (const call of during) expect(await settled(call)).toBe(false);
    // They share one second flush, begun after the first ended.
    expect(flushes).toHaveLength(2);
    flushes[1]?.end();
    for (const call of during) expect(await settled(call)).toBe(true);
    expect(flushes).toHaveLength(2);
  });

  it("starts a new flush for a call made once the last one ended", async () => {
    const { flushes, sync } = manualSync();
    const wal = new WalSync("/unused", sync);
    const first = wal.flushed();
    flushes[0]?.end();
    await first;
    const later = wal.flushed();
    expect(flushes).toHaveLength(2);
    expect(await settled(later)).toBe(false);
    flushes[1]?.end();
    expect(await settled(later)).toBe(true);
  });

  it("passes a failed flush on to its callers and flushes again for the next ones", async () => {
    let calls = 0;
    const wal = new WalSync("/unused", async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
    });
    await expect(wal.flushed()).rejects.toThrow(/EIO/);
    await expect(wal.flushed()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it("flushes a real file, and treats a missing one as flushed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-wal-"));
    dirs.push(dir);
    const path = join(dir, "nucleus.sqlite-wal");
    writeFileSync(path, "frames");
    await expect(syncFile(path)).resolves.toBeUndefined();
    await expect(syncFile(join(dir, "gone-wal"))).resolves.toBeUndefined();
  });
});

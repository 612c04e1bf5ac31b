import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NucleusStore } from "../store/index.js";
import { openSqliteStore } from "../store/sqlite/store.js";
import { IdempotencyConflict, runOnce } from "./idempotency.js";

const ROUTE = "POST /v1/nucleus/dataset/ds_1/append";
let dir: string;
let store: NucleusStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-once-"));
  store = openSqliteStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (key: string, route = ROUTE, fingerprint = "body-1") => ({
  tenant: "t",
  key,
  route,
  fingerprint,
});
const RESERVE = { staleAfterMs: 60_000, expireAfterMs: 60_000, fingerprint: "body-1" };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("runOnce", () => {
  it("runs a write once for concurrent identical requests, each getting its response", async () => {
    let runs = 0;
    const write = async () => {
      runs += 1;
      await pause(30);
      return { run: runs, items: [1, 2] };
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => runOnce(store, request("k"), write)));
    expect(runs).toBe(1);
    for (const answer of answers) expect(answer).toEqual({ run: 1, items: [1, 2] });
    expect(await runOnce(store, request("k"), write)).toEqual({ run: 1, items: [1, 2] });
    expect(runs).toBe(1);
  });

  it("commits the write with its recorded response, through the transaction it passes", async () => {
    const id = await runOnce(store, request("k"), async (tx) => {
      const dataset = await tx.datasets.create("t", { name: "d", isScene: false, usePrivacyMode: false });
      return dataset.id;
    });
    expect((await store.datasets.list("t")).map((d) => d.id)).toEqual([id]);
    expect(await store.idempotency.reserve("t", "k", ROUTE, RESERVE)).toEqual({
      state: "completed",
      route: ROUTE,
      fingerprint: "body-1",
      response: id,
    });
  });

  it("gives a key up when its write fails, so the retry runs, and applies nothing of the failure", async () => {
    await expect(
      runOnce(store, request("k"), async (tx) => {
        await tx.datasets.create("t", { name: "lost", isScene: false, usePrivacyMode: false });
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(await store.datasets.list("t")).toEqual([]);
    expect(await runOnce(store, request("k"), async () => "second try")).toBe("second try");
  });

  it("refuses a key used for another route", async () => {
    await runOnce(store, request("k"), async () => 1);
    const refused = await runOnce(store, request("k", "POST /other"), async () => 2).catch((error) => error);
    expect(refused).toBeInstanceOf(IdempotencyConflict);
    expect(refused).toMatchObject({ reason: "otherRoute", route: ROUTE });
  });

  it("refuses the same key with another body instead of replaying the first answer", async () => {
    let runs = 0;
    await runOnce(store, request("k"), async () => ++runs);
    const refused = await runOnce(store, request("k", ROUTE, "body-2"), async () => ++runs).catch(
      (error) => error,
    );
    expect(refused).toMatchObject({ reason: "otherBody" });
    expect(runs).toBe(1);
  });

  it("forgets a record once it expired, so the key runs afresh", async () => {
    // The store reads the time from Date: a fake clock makes the record's age exact, whatever the load.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-01-01T00:00:00Z") });
    try {
      const timing = { staleAfterMs: 60_000, waitMs: 1_000, expireAfterMs: 10 };
      expect(await runOnce(store, request("k"), async () => "first", timing)).toBe("first");
      vi.advanceTimersByTime(9);
      expect(await runOnce(store, request("k"), async () => "again", timing)).toBe("first");
      vi.advanceTimersByTime(2);
      expect(await runOnce(store, request("k", ROUTE, "body-2"), async () => "fresh", timing)).toBe("fresh");
      expect(await store.idempotency.purge(0)).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives up waiting on a request that does not finish", async () => {
    await store.idempotency.reserve("t", "k", ROUTE, RESERVE);
    const refused = await runOnce(store, request("k"), async () => 1, {
      staleAfterMs: 60_000,
      waitMs: 50,
    }).catch((error) => error);
    expect(refused).toMatchObject({ reason: "inProgress" });
  });

  it("takes over the key of a request whose process died", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-01-01T00:00:00Z") });
    try {
      await store.idempotency.reserve("t", "k", ROUTE, RESERVE);
      vi.advanceTimersByTime(11);
      expect(
        await runOnce(store, request("k"), async () => "mine", { staleAfterMs: 10, waitMs: 1_000 }),
      ).toBe("mine");
    } finally {
      vi.useRealTimers();
    }
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIConnectionTimeoutError, InternalServerError, NotFoundError, RateLimitError } from "@nucleus/core";
import { describe, expect, it } from "vitest";
import { chunked } from "./chunk.js";
import { Journal } from "./journal.js";
import { runPool } from "./pool.js";
import { DEFAULT_RETRY, isRetryable, retryDelay } from "./retry.js";

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

describe("chunked", () => {
  // Strings stand in for entries; "preparing" a run joins it, and a run holding "BAD" cannot be prepared.
  const options = (prepared: string[][]) => ({
    maxCount: 3,
    maxBytes: 6,
    prepare: (values: string[]) => {
      prepared.push(values);
      return values.includes("BAD") ? undefined : values.join("");
    },
    sizeOf: (joined: string | undefined) => joined?.length,
    entryBytes: (value: string) => value.length,
    overhead: 0,
  });

  it("cuts by count, and by bytes only the runs that are too big, keeping positions", async () => {
    const prepared: string[][] = [];
    const values = ["a", "bb", "c", "dddd", "eeee", "f", "g"];
    const chunks = await collect(chunked(values, options(prepared)));
    expect(chunks.map((c) => c.entries.map((e) => e.index))).toEqual([[0, 1, 2], [3], [4, 5], [6]]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(chunks.map((c) => c.bytes)).toEqual([4, 4, 5, 1]);
    // A run that fits is prepared once and carries the result; a cut one is left to prepare again.
    expect(chunks.map((c) => c.prepared)).toEqual(["abbc", undefined, undefined, "g"]);
    expect(prepared).toEqual([["a", "bb", "c"], ["dddd", "eeee", "f"], ["g"]]);
  });

  it("measures entry by entry a run that cannot be prepared, and keeps every entry", async () => {
    const chunks = await collect(chunked(["a", "BAD", "bb", "cc"], options([])));
    expect(chunks.map((c) => c.entries.map((e) => e.value))).toEqual([["a", "BAD", "bb"], ["cc"]]);
    expect(chunks.map((c) => c.prepared)).toEqual([undefined, "cc"]);
  });

  it("give the same chunks for the same input, from an async source too", async () => {
    async function* source() {
      yield* ["a", "bb", "c", "dddd", "eeee", "f", "g"];
    }
    const fromArray = await collect(chunked(["a", "bb", "c", "dddd", "eeee", "f", "g"], options([])));
    const fromAsync = await collect(chunked(source(), options([])));
    expect(fromAsync).toEqual(fromArray);
  });
});

describe("runPool", () => {
  it("never runs more than the concurrency at once and pulls lazily", async () => {
    let active = 0;
    let peak = 0;
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 50; i += 1) {
        pulled += 1;
        yield i;
      }
    }
    const seen: number[] = [];
    const iterator = source();
    await runPool(iterator, 3, async (value) => {
      active += 1;
      peak = Math.max(peak, active);
      expect(pulled - seen.length).toBeLessThanOrEqual(3);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(value);
      active -= 1;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("stops at the first error and throws it", async () => {
    let ran = 0;
    await expect(
      runPool([1, 2, 3, 4, 5][Symbol.iterator]() as unknown as AsyncIterator<number>, 1, async (v) => {
        ran += 1;
        if (v === 2) throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(ran).toBe(2);
  });
});

describe("retry policy", () => {
  const headers = (h: Record<string, string> = {}) => new Headers(h);
  it("retries connections, timeouts, 429 and 5xx, not other client errors", () => {
    expect(isRetryable(new APIConnectionTimeoutError("slow"))).toBe(true);
    expect(isRetryable(new RateLimitError(429, {}, "POST", "u", headers()))).toBe(true);
    expect(isRetryable(new InternalServerError(503, {}, "POST", "u", headers()))).toBe(true);
    expect(isRetryable(new NotFoundError(404, {}, "POST", "u", headers()))).toBe(false);
    expect(isRetryable(new Error("other"))).toBe(false);
  });

  it("honours Retry-After and otherwise backs off with jitter up to the cap", () => {
    expect(
      retryDelay(DEFAULT_RETRY, 0, new RateLimitError(429, {}, "POST", "u", headers({ "retry-after": "2" }))),
    ).toBe(2_000);
    expect(retryDelay(DEFAULT_RETRY, 0, new Error(), () => 1)).toBe(500);
    expect(retryDelay(DEFAULT_RETRY, 3, new Error(), () => 0)).toBe(2_000);
    expect(retryDelay(DEFAULT_RETRY, 20, new Error(), () => 1)).toBe(10_000);
  });
});

describe("journal", () => {
  const header = { operation: "append", target: "ds_1", maxCount: 20, maxBytes: 100 };

  it("records chunks durably, resumes them, and ignores a line cut short by a crash", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "journal-")), "upload.journal");
    const first = Journal.open(path, header);
    first.record({
      chunk: 0,
      counts: { new: 20, updated: 0, ignored: 0, processed: 20, failed: 0 },
      failures: [],
    });
    first.record({
      chunk: 2,
      counts: { new: 19, updated: 0, ignored: 1, processed: 19, failed: 0 },
      failures: [],
    });
    // Written before close: a process killed here would have left both records in the file.
    const reader = Journal.open(path, header);
    expect([...reader.done.keys()]).toEqual([0, 2]);
    await reader.close();
    await first.close();
    writeFileSync(path, `${readFileSync(path, "utf8")}{"chunk":3,"cou`);
    const again = Journal.open(path, header);
    expect([...again.done.keys()]).toEqual([0, 2]);
    expect(again.header.uploadId).toBe(first.header.uploadId);
    await again.close();
  });

  it("refuses a journal of another upload", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "journal-")), "upload.journal");
    await Journal.open(path, header).close();
    expect(() => Journal.open(path, { ...header, target: "ds_2" })).toThrow(
      /belongs to another upload \(append to ds_1\)/,
    );
  });

  it("refuses a journal of another format, whose chunks may be cut differently", () => {
    const path = join(mkdtempSync(join(tmpdir(), "journal-")), "upload.journal");
    writeFileSync(path, `${JSON.stringify({ version: 1, uploadId: "u", ...header })}\n`);
    expect(() => Journal.open(path, header)).toThrow(/format 1, this one reads 2/);
  });
});

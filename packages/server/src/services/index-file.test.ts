/**
 * Index files: a saved graph reads back with its watermark and answers as it did; a missing one
 * reads as none; a damaged one (garbage, cut short, vectors of another length) is refused before
 * usearch is handed it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newIndex, readIndexFile, removeIndexFile, writeIndexFile } from "./index-file.js";

const dir = mkdtempSync(join(tmpdir(), "nucleus-index-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small graph of `count` vectors of 8 numbers, keyed 10, 20, ... */
function graph(metric: "cosine" | "l2", count: number) {
  const index = newIndex(8, metric);
  const flat = Float32Array.from({ length: count * 8 }, (_, i) => Math.sin(i * 0.7) + (i % 8) * 0.1);
  index.add(
    BigUint64Array.from({ length: count }, (_, i) => BigInt((i + 1) * 10)),
    flat,
    1,
  );
  return { index, flat };
}

describe("index files", () => {
  it("read back a saved graph with its watermark, for its own metric only", () => {
    for (const metric of ["cosine", "l2"] as const) {
      const file = join(dir, `${metric}.usearch`);
      expect(readIndexFile(file, metric)).toBeUndefined();
      const { index, flat } = graph(metric, 50);
      writeIndexFile(file, index, 500, metric);
      const saved = readIndexFile(file, metric);
      expect(saved?.watermark).toBe(500);
      expect(saved?.index.size()).toBe(50);
      const query = flat.subarray(8 * 7, 8 * 8);
      expect(Array.from(saved?.index.search(query, 5, 1).keys ?? [])).toEqual(
        Array.from(index.search(query, 5, 1).keys),
      );
      expect(readIndexFile(file, metric === "cosine" ? "l2" : "cosine")).toBeUndefined();
      removeIndexFile(file);
      expect(readIndexFile(file, metric)).toBeUndefined();
    }
  });

  it("refuse a damaged file at once", () => {
    const file = join(dir, "damaged.usearch");
    const { index } = graph("cosine", 20);
    writeIndexFile(file, index, 200, "cosine");
    const good = readFileSync(file);
    // Garbage whose first bytes would ask usearch for gigabytes.
    writeFileSync(file, "not an index at all");
    expect(() => readIndexFile(file, "cosine")).toThrow(/bytes/);
    // Cut among its vectors, then within its graph (which usearch itself refuses).
    writeFileSync(file, good.subarray(0, 8 + 10 * 8));
    expect(() => readIndexFile(file, "cosine")).toThrow(/too short/);
    writeFileSync(file, good.subarray(0, good.length - 40));
    expect(() => readIndexFile(file, "cosine")).toThrow();
    writeFileSync(file, good.subarray(0, 5));
    expect(() => readIndexFile(file, "cosine")).toThrow(/header/);
    const renamed = Buffer.from(good);
    renamed.write("xsearch", 8 + 20 * 8);
    writeFileSync(file, renamed);
    expect(() => readIndexFile(file, "cosine")).toThrow(/usearch header/);
    // A description naming another length.
    writeFileSync(file, good);
    writeFileSync(`${file}.json`, JSON.stringify({ watermark: 200, dimension: 9, metric: "cosine" }));
    expect(() => readIndexFile(file, "cosine")).toThrow(/not 9/);
    writeFileSync(`${file}.json`, "{");
    expect(() => readIndexFile(file, "cosine")).toThrow();
  });
});

/**
 * `nu autotag` and `nu embeddings map` through the real binary against a real server: an autotag
 * created from examples of a planted concept, refined, listed, read and made into a slice; the
 * embedding map written as CSV and as JSON; bad input reported with the field it concerns.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;

const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
const COUNT = 120;
/** Every third item shows the concept: it points along the first axis. */
const shows = (i: number) => i % 3 === 0;
const vectorOf = (i: number) => {
  const wobble = Math.sin(i * 12.9898) * 0.3;
  return shows(i) ? [2 + wobble, wobble, 0.5] : [wobble, 1 + Math.cos(i), Math.sin(i)];
};

beforeAll(async () => {
  s = await startNuSession();
  datasetId = (await s.json<{ id: string }>(["datasets", "create", "concept"])).id;
  const items = join(s.scratch, "items.ndjson");
  writeFileSync(
    items,
    ndjson(
      Array.from({ length: COUNT }, (_, i) => ({ image_url: `s3://b/c-${i}.jpg`, reference_id: `c-${i}` })),
    ),
  );
  await s.json(["upload", "items", items, "--dataset", datasetId]);
  const vectors = join(s.scratch, "vectors.ndjson");
  writeFileSync(
    vectors,
    ndjson(Array.from({ length: COUNT }, (_, i) => ({ reference_id: `c-${i}`, vector: vectorOf(i) }))),
  );
  expect((await s.nu(["embeddings", "upload", vectors, "--dataset", datasetId])).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await s.stop();
});

describe("nu autotag", () => {
  it("creates, refines, lists, reads, slices and deletes an autotag", async () => {
    const created = await s.nu(["autotag", "create", "axis", "c-0", "c-3", "--dataset", datasetId]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(
      /Autotag tag_\w+ "axis": Completed, 2 positives, 0 negatives, 0 refinement rounds, 120 items scored/,
    );
    const top = await s.json<{ referenceId: string; score: number }[]>([
      "autotag",
      "items",
      "axis",
      "--dataset",
      datasetId,
      "--limit",
      "10",
    ]);
    expect(top).toHaveLength(10);
    const accept = top.filter((t) => shows(Number(t.referenceId.slice(2)))).map((t) => t.referenceId);
    const reject = top.filter((t) => !shows(Number(t.referenceId.slice(2)))).map((t) => t.referenceId);
    const refined = await s.json<{ refinementRounds: number; status: string }>([
      "autotag",
      "refine",
      "axis",
      "--dataset",
      datasetId,
      ...accept.flatMap((r) => ["--accept", r]),
      ...reject.flatMap((r) => ["--reject", r]),
      ...(reject.length === 0 ? ["--reject", "c-1"] : []),
    ]);
    expect(refined).toMatchObject({ refinementRounds: 1, status: "Completed" });
    const listed = await s.nu(["autotag", "list", "--dataset", datasetId]);
    expect(listed.stdout).toMatch(/axis\s+Completed/);
    const high = await s.json<{ referenceId: string }[]>([
      "autotag",
      "items",
      "axis",
      "--dataset",
      datasetId,
      "--min-score",
      "0.5",
      "--limit",
      "1000",
    ]);
    expect(high.length).toBeGreaterThan(5);
    expect(high.every((t) => shows(Number(t.referenceId.slice(2))))).toBe(true);
    const slice = await s.json<{ sliceId: string; items: number }>([
      "autotag",
      "slice",
      "axis",
      "on-axis",
      "--dataset",
      datasetId,
    ]);
    expect(slice.items).toBe(high.length);
    const deleted = await s.nu(["autotag", "delete", "axis", "--dataset", datasetId]);
    expect(deleted.stdout).toMatch(/Deleted autotag tag_\w+ "axis"/);
    expect(await s.json(["autotag", "list", "--dataset", datasetId])).toEqual([]);
  });

  it("reports an unknown example, an unknown autotag and a bad score", async () => {
    const unknown = await s.nu(["autotag", "create", "x", "nope", "--dataset", datasetId]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("positives[0]");
    const missing = await s.nu(["autotag", "refine", "nothing", "--accept", "c-0", "--dataset", datasetId]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no autotag named "nothing"');
    const bad = await s.nu(["autotag", "items", "x", "--min-score", "3", "--dataset", datasetId]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--min-score must be a number from -1 to 1");
  });
});

describe("nu embeddings map", () => {
  it("writes the map as CSV and JSON, one row per item", async () => {
    const file = join(s.scratch, "map.csv");
    const written = await s.nu(["embeddings", "map", "--dataset", datasetId, "--output", file]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toContain(`Wrote ${COUNT} points to ${file}`);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines[0]).toBe("item_id,reference_id,x,y");
    expect(lines).toHaveLength(COUNT + 1);
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(new Set(rows.map((r) => r[1])).size).toBe(COUNT);
    for (const r of rows) expect(Number.isFinite(Number(r[2])) && Number.isFinite(Number(r[3]))).toBe(true);
    const json = await s.nu(["embeddings", "map", "--dataset", datasetId, "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as {
      map: { cached: boolean };
      points: { reference_id: string }[];
    };
    // Nothing changed since: the kept map is read again.
    expect(parsed.map.cached).toBe(true);
    expect(parsed.points).toHaveLength(COUNT);
    const bad = await s.nu(["embeddings", "map", "--dataset", datasetId, "--format", "xml"]);
    expect(bad.stderr).toContain("--format must be csv or json");
  });
});

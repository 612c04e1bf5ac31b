/**
 * `nu embeddings representativeness` and `nu embeddings uniqueness` through the real `nu` against a
 * real server: two planted clusters with a few members lying off to the side; the central members
 * are the representative ones, the side ones the unique ones, as `--where` queries select them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;

const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
const COUNT = 24;
/** Items 0 to 11 gather round the first axis, 12 to 23 round the second; these lean 50 degrees away, each its own way. */
const SIDE = [3, 9, 15, 21];
const vectorOf = (i: number) => {
  const cluster = i < COUNT / 2 ? 0 : 1;
  const side = SIDE.indexOf(i);
  const lean = side >= 0 ? (50 * Math.PI) / 180 : (((i % 5) - 2) * Math.PI) / 180;
  const v = [0, 0, 0, 0, 0, 0];
  v[cluster] = Math.cos(lean);
  v[2 + Math.max(0, side)] = Math.sin(lean);
  return v;
};
const ref = (i: number) => `p-${i}`;
const where = async (query: string) =>
  (await s.json<{ referenceId: string }[]>(["items", "list", datasetId, "--where", query, "--limit", "100"]))
    .map((item) => item.referenceId)
    .sort();

beforeAll(async () => {
  s = await startNuSession();
  datasetId = (await s.json<{ id: string }>(["datasets", "create", "planted"])).id;
  const items = join(s.scratch, "items.ndjson");
  writeFileSync(
    items,
    ndjson(
      Array.from({ length: COUNT }, (_, i) => ({ image_url: `s3://b/p-${i}.jpg`, reference_id: ref(i) })),
    ),
  );
  await s.json(["upload", "items", items, "--dataset", datasetId]);
  const vectors = join(s.scratch, "vectors.ndjson");
  writeFileSync(
    vectors,
    ndjson(Array.from({ length: COUNT }, (_, i) => ({ reference_id: ref(i), vector: vectorOf(i) }))),
  );
  const uploaded = await s.nu(["embeddings", "upload", vectors, "--dataset", datasetId]);
  expect(uploaded.code, uploaded.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await s.stop();
});

describe("nu embeddings representativeness and uniqueness", () => {
  it("scores the central members as representative and the side ones as unique", async () => {
    const typical = await s.json<{ jobId: string; scored: number; clusters: number }>([
      "embeddings",
      "representativeness",
      "--dataset",
      datasetId,
      "--clusters",
      "2",
    ]);
    expect(typical).toMatchObject({ scored: COUNT, clusters: 2 });
    const central = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !SIDE.includes(i));
    expect(await where("embedding.representativeness > 0.5")).toEqual(central.map(ref).sort());
    expect(await where("embedding.representativeness <= 0.5")).toEqual(SIDE.map(ref).sort());

    const text = await s.nu(["embeddings", "uniqueness", "--dataset", datasetId, "--neighbours", "3"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Scored the uniqueness of ${COUNT} items`);
    expect(await where("embedding.uniqueness > 0.5")).toEqual(SIDE.map(ref).sort());
  }, 60_000);

  it("refuses clusters out of range, naming the flag", async () => {
    const bad = await s.nu(["embeddings", "representativeness", "--dataset", datasetId, "--clusters", "0"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--clusters");
  }, 30_000);
});

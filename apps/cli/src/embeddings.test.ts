/**
 * Embeddings through the real `nu` against a real server: an NDJSON file of vectors uploaded,
 * the nearest items to one (with a query), and a bad file or a refused upload reported.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;

const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
const COUNT = 12;
/** Item i points at angle i * 10 degrees: its nearest neighbours are i - 1 and i + 1. */
const vectorOf = (i: number) => [Math.cos((i * Math.PI) / 18), Math.sin((i * Math.PI) / 18), 0];

beforeAll(async () => {
  s = await startNuSession();
  datasetId = (await s.json<{ id: string }>(["datasets", "create", "angles"])).id;
  const items = join(s.scratch, "items.ndjson");
  writeFileSync(
    items,
    ndjson(
      Array.from({ length: COUNT }, (_, i) => ({
        image_url: `s3://b/a-${i}.jpg`,
        reference_id: `a-${i}`,
        metadata: { even: i % 2 === 0 },
      })),
    ),
  );
  await s.json(["upload", "items", items, "--dataset", datasetId]);
}, 30_000);
afterAll(async () => {
  await s.stop();
});

describe("nu embeddings upload and nu items similar", () => {
  it("uploads an NDJSON file of vectors and lists the nearest items", async () => {
    const file = join(s.scratch, "vectors.ndjson");
    writeFileSync(
      file,
      ndjson(Array.from({ length: COUNT }, (_, i) => ({ reference_id: `a-${i}`, vector: vectorOf(i) }))),
    );
    const uploaded = await s.nu(["embeddings", "upload", file, "--dataset", datasetId, "--batch-size", "5"]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toContain(`Uploaded ${COUNT} vectors of 3 numbers; the dataset holds ${COUNT}.`);

    const near = await s.json<{ referenceId: string; distance: number }[]>([
      "items",
      "similar",
      "a-5",
      "--dataset",
      datasetId,
      "--k",
      "4",
    ]);
    expect(near.map((r) => r.referenceId)).toEqual(["a-4", "a-6", "a-3", "a-7"]);
    expect(near[0]?.distance).toBeCloseTo(1 - Math.cos(Math.PI / 18), 6);

    const even = await s.nu([
      "items",
      "similar",
      "a-5",
      "--dataset",
      datasetId,
      "--k",
      "2",
      "--where",
      "metadata.even = true",
      "--metric",
      "l2",
    ]);
    expect(even.code, even.stderr).toBe(0);
    const rows = even.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^REFERENCE ID\s+DISTANCE\s+ITEM ID/);
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toEqual(["a-4", "a-6"]);
  });

  it("uploads a float32 file named by a list of ids, and reports one of the wrong size", async () => {
    // The same vectors as the NDJSON upload, in reverse order: each item keeps its own.
    const order = Array.from({ length: COUNT }, (_, i) => COUNT - 1 - i);
    const vectors = join(s.scratch, "vectors.f32");
    const ids = join(s.scratch, "ids.txt");
    writeFileSync(vectors, Buffer.from(Float32Array.from(order.flatMap((i) => vectorOf(i))).buffer));
    writeFileSync(ids, `${order.map((i) => `a-${i}`).join("\n")}\n`);
    const uploaded = await s.nu(["embeddings", "upload", vectors, "--ids", ids, "--dataset", datasetId]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toContain(`Uploaded ${COUNT} vectors of 3 numbers; the dataset holds ${COUNT}.`);
    const near = await s.json<{ referenceId: string }[]>([
      "items",
      "similar",
      "a-5",
      "--dataset",
      datasetId,
      "--k",
      "2",
    ]);
    expect(near.map((r) => r.referenceId).sort()).toEqual(["a-4", "a-6"]);

    writeFileSync(ids, "a-0\na-1\na-2\na-3\na-4\n");
    const wrong = await s.nu(["embeddings", "upload", vectors, "--ids", ids, "--dataset", datasetId]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("which is not 5 vectors (one per line of");
  });

  it("reports a bad line by number, and an upload the server refuses by entry", async () => {
    const bad = join(s.scratch, "bad.ndjson");
    writeFileSync(
      bad,
      `${JSON.stringify({ reference_id: "a-0", vector: [1, 0, 0] })}\n{"reference_id": "a-1"}\n`,
    );
    const badLine = await s.nu(["embeddings", "upload", bad, "--dataset", datasetId]);
    expect(badLine.code).toBe(1);
    expect(badLine.stderr).toContain("bad.ndjson:2: vector must be a list of numbers");

    const short = join(s.scratch, "short.ndjson");
    writeFileSync(
      short,
      ndjson([
        { reference_id: "a-0", vector: [1, 0, 0] },
        { reference_id: "a-1", vector: [1, 0] },
      ]),
    );
    const refused = await s.nu(["embeddings", "upload", short, "--dataset", datasetId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('embeddings[1] (reference_id "a-1").vector: has 2 numbers');

    const unknown = await s.nu(["items", "similar", "nope", "--dataset", datasetId]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("reference_id: no item of dataset");
  });

  it("groups near-duplicate items and makes a deduplicated slice", async () => {
    // a-11 becomes a near-copy of a-0.
    const copy = join(s.scratch, "copy.ndjson");
    writeFileSync(copy, ndjson([{ reference_id: "a-11", vector: [1, 0.0001, 0] }]));
    expect((await s.nu(["embeddings", "upload", copy, "--dataset", datasetId])).code).toBe(0);
    const found = await s.nu([
      "items",
      "near-duplicates",
      "--dataset",
      datasetId,
      "--threshold",
      "0.001",
      "--slice-name",
      "angles-dedup",
    ]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain(
      `1 groups, 1 duplicates among ${COUNT} items (cosine distance up to 0.001)`,
    );
    expect(found.stdout).toContain("group 1: a-0 a-11");
    expect(found.stdout).toMatch(new RegExp(`Slice \\S+ "angles-dedup": ${COUNT - 1} items`));

    const bad = await s.nu(["items", "near-duplicates", "--dataset", datasetId, "--threshold", "three"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--threshold must be a number from 0 to 2, not "three"');
  });
});

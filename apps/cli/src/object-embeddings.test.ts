/**
 * Object vectors through the real `nu` against a real server: boxes uploaded with
 * `embedding_vector`, the nearest ones to an object (by item and annotation id, and by object id)
 * and to a vector, with filters, as a table and as JSON; bad examples refused.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;

const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
const COUNT = 12;
/** Box i points at angle i * 10 degrees: its nearest neighbours are i - 1 and i + 1. */
const vectorOf = (i: number) => [Math.cos((i * Math.PI) / 18), Math.sin((i * Math.PI) / 18), 0];

interface Found {
  objectId: string;
  annotationId: string;
  referenceId: string;
  label: string;
  box: { x: number; y: number; width: number; height: number };
  distance: number;
}

beforeAll(async () => {
  s = await startNuSession();
  datasetId = (await s.json<{ id: string }>(["datasets", "create", "boxes"])).id;
  const items = join(s.scratch, "items.ndjson");
  writeFileSync(
    items,
    ndjson(
      Array.from({ length: COUNT }, (_, i) => ({ image_url: `s3://b/o-${i}.jpg`, reference_id: `o-${i}` })),
    ),
  );
  await s.json(["upload", "items", items, "--dataset", datasetId]);
  const boxes = join(s.scratch, "boxes.ndjson");
  writeFileSync(
    boxes,
    ndjson(
      Array.from({ length: COUNT }, (_, i) => ({
        type: "box",
        label: i % 2 === 0 ? "car" : "bus",
        reference_id: `o-${i}`,
        annotation_id: `box-${i}`,
        geometry: { x: i, y: 2 * i, width: 10, height: 20 },
        embedding_vector: vectorOf(i),
      })),
    ),
  );
  const uploaded = await s.nu(["upload", "annotations", boxes, "--dataset", datasetId]);
  expect(uploaded.code, uploaded.stderr).toBe(0);
}, 30_000);
afterAll(async () => {
  await s.stop();
});

describe("nu objects similar", () => {
  it("lists the nearest objects to one named by its item and annotation id, then by its object id", async () => {
    const near = await s.json<Found[]>([
      "objects",
      "similar",
      "--dataset",
      datasetId,
      "--item",
      "o-5",
      "--annotation",
      "box-5",
      "--k",
      "4",
    ]);
    // Neighbours at equal distances come in object id order, which is random: compared in pairs.
    const order = near.map((r) => r.annotationId);
    expect([order.slice(0, 2).sort(), order.slice(2).sort()]).toEqual([
      ["box-4", "box-6"],
      ["box-3", "box-7"],
    ]);
    const four = near.find((r) => r.annotationId === "box-4");
    expect(four).toMatchObject({
      referenceId: "o-4",
      label: "car",
      box: { x: 4, y: 8, width: 10, height: 20 },
    });
    expect(four?.distance).toBeCloseTo(1 - Math.cos(Math.PI / 18), 6);

    const again = await s.nu([
      "objects",
      "similar",
      four?.objectId as string,
      "--dataset",
      datasetId,
      "--k",
      "2",
    ]);
    expect(again.code, again.stderr).toBe(0);
    const rows = again.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^REFERENCE ID\s+ANNOTATION ID\s+LABEL\s+SOURCE\s+BOX\s+DISTANCE\s+OBJECT ID/);
    expect(
      rows
        .slice(1)
        .map((row) => row.split(/\s+/)[1])
        .sort(),
    ).toEqual(["box-3", "box-5"]);
  });

  it("searches near a vector with a label filter and the L2 metric", async () => {
    const cars = await s.json<Found[]>([
      "objects",
      "similar",
      "--dataset",
      datasetId,
      "--vector",
      vectorOf(5).join(","),
      "--label",
      "car",
      "--metric",
      "l2",
      "--k",
      "3",
    ]);
    const found = cars.map((r) => r.annotationId);
    expect([found.slice(0, 2).sort(), found[2]]).toEqual([["box-4", "box-6"], "box-2"]);
  });

  it("refuses no example, two examples, a bad vector and an unknown annotation", async () => {
    const none = await s.nu(["objects", "similar", "--dataset", datasetId]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("give one example");
    const two = await s.nu(["objects", "similar", "obj", "--dataset", datasetId, "--vector", "1,2,3"]);
    expect(two.stderr).toContain("give one example");
    const bad = await s.nu(["objects", "similar", "--dataset", datasetId, "--vector", "1,x,3"]);
    expect(bad.stderr).toContain("--vector must be numbers");
    const short = await s.nu(["objects", "similar", "--dataset", datasetId, "--vector", "1,2"]);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain("vector: has 2 numbers");
    const unknown = await s.nu([
      "objects",
      "similar",
      "--dataset",
      datasetId,
      "--item",
      "o-1",
      "--annotation",
      "nope",
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("object.annotation_id");
  });
});

/**
 * `nu taxonomies`, the tag commands of datasets, models and slices, class labels and the
 * prediction and raw item exports, through the real binary against a real server.
 */
import { NucleusClient } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;
let modelId: string;
let sliceId: string;

beforeAll(async () => {
  s = await startNuSession();
  const client = new NucleusClient({ apiKey: s.env.NUCLEUS_API_KEY, endpoint: s.server.url });
  const dataset = await client.createDataset("street");
  datasetId = dataset.id;
  await dataset.append(["a", "b"].map((ref) => ({ referenceId: ref, imageUrl: `s3://bucket/${ref}.jpg` })));
  await dataset.annotate([
    { type: "box", label: "car", referenceId: "a", geometry: { x: 0, y: 0, width: 4, height: 4 } },
  ]);
  const model = await client.addModel({ name: "detector", referenceId: "detector" });
  modelId = model.id;
  await dataset.uploadPredictions(model, [
    {
      type: "box",
      label: "car",
      referenceId: "b",
      geometry: { x: 0, y: 0, width: 2, height: 2 },
      confidence: 0.5,
    },
  ]);
  sliceId = (await dataset.createSlice("both", ["a", "b"])).id;
});
afterAll(async () => {
  await s.stop();
});

describe("nu taxonomies", () => {
  it("add, update, list and delete, with usage errors for a bad type or no labels", async () => {
    const added = await s.nu([
      "taxonomies",
      "add",
      "street",
      "weather",
      "--label",
      "sunny",
      "--label",
      "rain",
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain("Taxonomy created: weather");
    expect(await s.json(["taxonomies", "add", datasetId, "weather", "--label", "snow", "--update"])).toEqual({
      taxonomyName: "weather",
      status: "Taxonomy updated",
    });
    const listed = await s.json<{ name: string; labels: string[] }[]>(["taxonomies", "list", "street"]);
    expect(listed.map((t) => [t.name, t.labels])).toEqual([["weather", ["sunny", "rain", "snow"]]]);
    expect((await s.nu(["taxonomies", "list", "street"])).stdout).toContain("sunny, rain, snow");

    const badType = await s.nu(["taxonomies", "add", "street", "x", "--type", "color", "--label", "a"]);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain("--type");
    expect((await s.nu(["taxonomies", "add", "street", "x"])).code).toBe(2);

    const deleted = await s.nu(["taxonomies", "delete", "street", "weather"]);
    expect(deleted.stdout).toContain("Deleted taxonomy weather");
    expect(await s.json(["taxonomies", "list", "street"])).toEqual([]);
    const again = await s.nu(["taxonomies", "delete", "street", "weather"]);
    expect(again.code).toBe(1);
  });
});

describe("tags", () => {
  it("of a dataset, a model and a slice", async () => {
    expect(await s.json(["datasets", "tags", "street", "--add", "golden", "--add", "v2"])).toEqual([
      "golden",
      "v2",
    ]);
    expect(await s.json(["datasets", "tags", "street", "--remove", "v2"])).toEqual(["golden"]);
    expect((await s.nu(["datasets", "tags", "street"])).stdout.trim()).toBe("golden");
    expect(await s.json(["models", "tag", modelId, "--add", "prod"])).toEqual(["prod"]);
    const missing = await s.nu(["models", "tag", modelId, "--remove", "absent"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Deleted 0 tags from model");
    expect(await s.json(["slices", "tag", sliceId, "--add", "night"])).toEqual(["night"]);
    expect((await s.nu(["slices", "tag", sliceId])).stdout.trim()).toBe("night");
  });
});

describe("exports", () => {
  it("class labels, a model's predictions and a slice's raw items", async () => {
    expect(await s.json(["datasets", "class-labels", "street"])).toEqual(["car"]);
    const predictions = JSON.parse(
      (await s.nu(["export", "predictions", "street", "--model", modelId])).stdout,
    ) as {
      box: { referenceId: string }[];
    };
    expect(predictions.box.map((p) => p.referenceId)).toEqual(["b"]);
    const rows = JSON.parse(
      (await s.nu(["export", "predictions", "--slice", sliceId, "--model", modelId])).stdout,
    ) as { item: { referenceId: string }; box: unknown[] }[];
    expect(rows.map((row) => [row.item.referenceId, row.box.length])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
    expect((await s.nu(["export", "predictions", "street"])).code).toBe(2);
    const raw = await s.json<{ refId: string; scaleUrl: string }[]>(["slices", "raw-items", sliceId]);
    expect(raw.map((item) => [item.refId, item.scaleUrl])).toEqual([
      ["a", "s3://bucket/a.jpg"],
      ["b", "s3://bucket/b.jpg"],
    ]);
  });
});

describe("nu datasets dedup", () => {
  it("lists the items kept and those it could not hash", async () => {
    const result = await s.json<{ uniqueReferenceIds: string[]; stats: { originalCount: number } }>([
      "datasets",
      "dedup",
      "street",
      "--threshold",
      "4",
    ]);
    expect(result.uniqueReferenceIds).toEqual(["a", "b"]);
    expect(result.stats.originalCount).toBe(2);
    const text = await s.nu(["datasets", "dedup", "street", "a"]);
    expect(text.stdout).toContain("1 of 1 items kept at threshold 0");
    expect(text.stdout).toContain("not hashed (kept): a: the server cannot fetch s3:// URLs");
    expect((await s.nu(["datasets", "dedup", "street", "--threshold", "65"])).code).toBe(2);
  });
});

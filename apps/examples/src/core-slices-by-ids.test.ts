/**
 * Slices by server ids through @nucleus/core against the real local server (SQLite and
 * PostgreSQL): an object slice of annotations and predictions and a scene slice, with their raw
 * JSON exports.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, box, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-slices-by-ids-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(serverBackends())("slices by ids through @nucleus/core on $name", (backend) => {
  let server: RunningNucleusServer;
  let client: NucleusClient;
  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["ids-key"],
      port: 0,
      ...backend.options(),
    });
    client = new NucleusClient({ apiKey: "ids-key", endpoint: server.url });
  });
  afterAll(async () => {
    await server.close();
  });

  it("makes an object slice of annotations and predictions and exports it object by object", async () => {
    const dataset = await client.createDataset("parking");
    await dataset.append(["a", "b"].map((ref) => ({ referenceId: ref, imageUrl: `s3://lot/${ref}.jpg` })));
    await dataset.annotate([
      box({ referenceId: "a", label: "car", x: 0, y: 0, width: 10, height: 10, annotationId: "car-a" }),
      box({ referenceId: "b", label: "van", x: 5, y: 5, width: 10, height: 10, annotationId: "van-b" }),
    ]);
    const model = await client.addModel({ name: "det", referenceId: "det" });
    const run = await model.createRun({
      name: "det on parking",
      dataset,
      predictions: [
        box({
          referenceId: "b",
          label: "car",
          x: 5,
          y: 5,
          width: 9,
          height: 9,
          confidence: 0.4,
          annotationId: "p-b",
        }),
      ],
    });
    const annotation = (await dataset.refloc("b")).annotations.box?.[0];
    const prediction = (await run.refloc("b")).box?.[0];
    expect(annotation?.id).toMatch(/^ann_/);
    expect(prediction?.id).toMatch(/^pred_/);
    const slice = await dataset.createSliceByIds("confused at b", {
      annotationIds: [annotation?.id as string],
      predictionIds: [prediction?.id as string],
    });
    expect((await slice.info()).type).toBe("object");
    const rows = await slice.exportRawJson();
    expect(
      rows.map((row) => [row.item.referenceId, row.annotation?.id ?? null, row.prediction?.id ?? null]),
    ).toEqual([
      ["b", annotation?.id, null],
      ["b", null, prediction?.id],
    ]);
    const error = await dataset
      .createSliceByIds("nothing", { annotationIds: ["ann_00000000000000000000"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toMatch(/object_ids: "ann_00000000000000000000" name no annotation/);
  });

  it("makes a scene slice by scene id, exported frame by frame with its scene", async () => {
    const dataset = await client.createDataset("clips", { isScene: true });
    await dataset.uploadVideoScenes([
      {
        referenceId: "clip",
        frameRate: 1,
        frames: [0, 1].map((i) => ({
          url: `s3://c/${i}.jpg`,
          type: "image" as const,
          referenceId: `clip/${i}`,
        })),
      },
    ]);
    const [scene] = await dataset.scenes();
    const slice = await dataset.createSliceByIds("one clip", { sceneIds: [scene?.id as string] });
    expect((await slice.info()).type).toBe("scene");
    const rows = await slice.exportRawJson();
    expect(rows.map((row) => [row.item.referenceId, row.scene?.referenceId])).toEqual([
      ["clip/0", "clip"],
      ["clip/1", "clip"],
    ]);
  });
});

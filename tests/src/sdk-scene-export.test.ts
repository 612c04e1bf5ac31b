/**
 * `Dataset.exportScenes` against the real server: scenes with their tracked boxes, fetched page by
 * page as the iteration asks for them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, expect, it } from "vitest";

const KEY = "scene-export-key";
let server: RunningNucleusServer;
let client: NucleusClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-scene-export-"));
  server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it("exportScenes yields every scene with its tracks, a page at a time", async () => {
  const dataset = await client.createDataset("export: clips", { isScene: true });
  const scenes = Array.from({ length: 3 }, (_, s) => ({
    referenceId: `clip-${s}`,
    frameRate: 5,
    frames: [0, 1].map((i) => ({
      url: `s3://clips/${s}/${i}.jpg`,
      type: "image" as const,
      referenceId: `clip-${s}-${i}`,
    })),
    metadata: { index: s },
  }));
  await dataset.uploadVideoScenes(scenes);
  await dataset.annotate(
    [0, 1].map((i) => ({
      type: "box" as const,
      label: "car",
      referenceId: `clip-1-${i}`,
      geometry: { x: 10 * i, y: 2, width: 4, height: 3 },
      trackReferenceId: "car-1",
    })),
  );
  const rows = await dataset.exportScenes({ pageSize: 2 }).toArray({ limit: 100 });
  expect(rows.map((row) => row.scene.referenceId)).toEqual(["clip-0", "clip-1", "clip-2"]);
  expect(rows[1]?.annotations["car-1"]).toMatchObject({
    label: "car",
    name: "car-1",
    frames: [
      { left: 0, top: 2, width: 4, height: 3, key: 0 },
      { left: 10, top: 2, width: 4, height: 3, key: 1 },
    ],
  });
  await expect(dataset.exportScenes({ pageSize: 31 }).toArray({ limit: 100 })).rejects.toThrow(/pageSize/);
});

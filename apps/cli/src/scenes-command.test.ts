/** `nu scenes` and `nu tracks`, through the real binary against a real server. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let datasetId: string;
const dir = mkdtempSync(join(tmpdir(), "nu-scenes-"));

/** A lidar scene payload as the protocol sends it. */
const lidar = (ref: string, frames: number, metadata: Record<string, unknown>) => ({
  reference_id: ref,
  metadata,
  frames: Array.from({ length: frames }, (_, i) => ({
    lidar: { url: `s3://bucket/${ref}/${i}.json`, type: "pointcloud", reference_id: `${ref}-lidar-${i}` },
    cam: { url: `s3://bucket/${ref}/${i}.jpg`, type: "image", reference_id: `${ref}-cam-${i}` },
  })),
});

beforeAll(async () => {
  s = await startNuSession();
  const client = new NucleusClient({ apiKey: s.env.NUCLEUS_API_KEY, endpoint: s.server.url });
  datasetId = (await client.createDataset("drives", { isScene: true })).id;
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("nu scenes", () => {
  it("upload from NDJSON and JSON (sync and as a job), list, query, get and delete", async () => {
    const ndjson = join(dir, "drives.ndjson");
    writeFileSync(
      ndjson,
      `${[lidar("d1", 2, { weather: "rain" }), lidar("d2", 3, { weather: "sun" })].map((x) => JSON.stringify(x)).join("\n")}\n`,
    );
    const uploaded = await s.nu(["scenes", "upload", "drives", ndjson]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toContain(
      "Uploaded 2 scenes: 2 new (10 frame items), 0 updated, 0 already there",
    );

    const videos = join(dir, "videos.json");
    writeFileSync(
      videos,
      JSON.stringify([
        { reference_id: "clip", video_url: "s3://bucket/clip.mp4", metadata: { weather: "rain" } },
      ]),
    );
    const job = await s.json<{ status: string }>([
      "scenes",
      "upload",
      datasetId,
      videos,
      "--video",
      "--async",
    ]);
    expect(job.status).toBe("Completed");

    const listed = await s.json<{ referenceId: string; type: string; frameCount: number }[]>([
      "scenes",
      "list",
      "drives",
    ]);
    expect(listed.map((x) => [x.referenceId, x.type, x.frameCount])).toEqual([
      ["d1", "lidar", 2],
      ["d2", "lidar", 3],
      ["clip", "video", 0],
    ]);
    const rainy = await s.json<{ referenceId: string }[]>([
      "scenes",
      "list",
      "drives",
      "--where",
      'scene.metadata.weather = "rain"',
    ]);
    expect(rainy.map((x) => x.referenceId)).toEqual(["d1", "clip"]);
    const table = await s.nu(["scenes", "get", "drives", "d1"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("d1 (scn_");
    expect(table.stdout).toContain("s3://bucket/d1/1.json");
    const fromItem = await s.json<{ referenceId: string }>([
      "scenes",
      "get",
      "drives",
      "d2-cam-2",
      "--from-item",
    ]);
    expect(fromItem.referenceId).toBe("d2");

    const refused = await s.nu(["scenes", "delete", "drives", "d2"]);
    expect(refused.code).toBe(1);
    expect(await s.json(["scenes", "delete", "drives", "d2", "--yes"])).toEqual({ deleted: "d2", items: 6 });
  });

  it("names the scene and field of a bad file, and what the server refuses", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ reference_id: "x", frames: [] }]));
    const local = await s.nu(["scenes", "upload", "drives", bad]);
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/scenes\[0\] \(reference_id "x"\): frames must have at least 1 entry/);
    const twice = join(dir, "twice.json");
    const scene = lidar("t", 2, {});
    (scene.frames[1] as { cam: { reference_id: string } }).cam.reference_id = "t-cam-0";
    writeFileSync(twice, JSON.stringify([scene]));
    const server = await s.nu(["scenes", "upload", "drives", twice]);
    expect(server.code).toBe(1);
    expect(server.stderr).toMatch(/scenes\[0\]\.frames\[1\]\.cam\.reference_id/);
  });
});

describe("nu tracks", () => {
  it("update (merge and overwrite), list and delete", async () => {
    expect(
      await s.json(["tracks", "update", "drives", "car-1", "--metadata", '{"color": "red"}']),
    ).toMatchObject({
      referenceId: "car-1",
      metadata: { color: "red" },
    });
    await s.nu(["tracks", "update", "drives", "car-1", "--metadata", '{"make": "volvo"}']);
    const listed = await s.nu(["tracks", "list", "drives"]);
    expect(listed.stdout).toContain('{"color":"red","make":"volvo"}');
    await s.nu(["tracks", "update", "drives", "car-1", "--metadata", '{"make": "saab"}', "--overwrite"]);
    expect(await s.json(["tracks", "list", "drives"])).toEqual([
      { referenceId: "car-1", datasetId, metadata: { make: "saab" } },
    ]);
    const usage = await s.nu(["tracks", "update", "drives", "car-1", "--metadata", "[1]"]);
    expect(usage.code).toBe(2);
    expect(await s.json(["tracks", "delete", "drives", "car-1", "ghost", "--yes"])).toEqual({
      deleted: 1,
      trackReferenceIds: ["car-1", "ghost"],
    });
    expect(await s.json(["tracks", "list", "drives"])).toEqual([]);
  });
});

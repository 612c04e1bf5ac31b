/**
 * Lidar and video scenes, scene categories, tracks and scene queries on the wire, with the bodies
 * and paths the official Python client sends (`Dataset.append` of `LidarScene`/`VideoScene`,
 * `scenes`, `get_scene`, `delete_scene`, `update_scene_metadata`, `query_scenes`, `tracks`,
 * `delete_tracks`, `Track.update`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, remoteItems, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const camera = {
  position: { x: 1, y: 2, z: 3 },
  heading: { x: 0, y: 0, z: 0, w: 1 },
  fx: 10,
  fy: 10,
  cx: 5,
  cy: 5,
};

/** A lidar scene payload as `LidarScene.to_payload()` writes it. */
function lidarScene(ref: string, frames = 2, metadata: Record<string, unknown> = {}) {
  return {
    reference_id: ref,
    frames: Array.from({ length: frames }, (_, i) => ({
      lidar: {
        url: `s3://bucket/${ref}/${i}.json`,
        type: "pointcloud",
        reference_id: `${ref}/lidar/${i}`,
        metadata: {},
      },
      front: {
        url: `s3://bucket/${ref}/${i}.jpg`,
        type: "image",
        reference_id: `${ref}/front/${i}`,
        metadata: { camera_params: camera },
        camera_params: camera,
      },
    })),
    metadata,
  };
}

async function sceneDataset(): Promise<string> {
  const created = await server.call("POST", "dataset/create", {
    body: { name: "scenes", is_scene: true, use_privacy_mode: false },
  });
  return (created.body as { dataset_id: string }).dataset_id;
}

/** Uploads an NDJSON payload through a signed URL and starts its `?async=1` job; waits for it. */
async function asyncUpload(ds: string, route: string, lines: unknown[], update = false) {
  const requestId = `r${Math.random().toString(16).slice(2)}`;
  const signed = (await server.call("GET", `dataset/${ds}/signedUrl/${requestId}`)).body as {
    signed_url: string;
  };
  const put = await rawRequest(
    "PUT",
    signed.signed_url,
    {},
    Buffer.from(lines.map((l) => JSON.stringify(l)).join("\n")),
  );
  expect(put.status).toBe(200);
  const job = await server.call("POST", `${ds}/${route}?async=1`, { body: { requestId, update } });
  expect(job.status).toBe(200);
  await server.idle();
  const jobId = (job.body as { job_id: string; job_type: string }).job_id;
  return {
    job: job.body as { job_type: string },
    status: (await server.call("GET", `job/${jobId}`)).body as Record<string, unknown>,
  };
}

describe("lidar scenes", () => {
  it("upload as the client does (async), list, read back with camera params, update and merge metadata", async () => {
    const ds = await sceneDataset();
    const { job, status } = await asyncUpload(ds, "upload_scenes", [
      lidarScene("drive_1", 2, { city: "sf" }),
    ]);
    expect(job.job_type).toBe("uploadLidarScene");
    expect(status).toMatchObject({ status: "Completed", job_progress: "1.00" });
    const listed = (await server.call("GET", `dataset/${ds}/scenes_list`)).body as { scenes: unknown[] };
    expect(listed.scenes).toEqual([
      {
        id: expect.stringMatching(/^scn_/),
        reference_id: "drive_1",
        type: "lidar",
        metadata: { city: "sf" },
        frame_count: 2,
      },
    ]);
    const scene = (await server.call("GET", `dataset/${ds}/scene/drive_1`)).body as {
      frames: Record<string, Record<string, unknown>>[];
      frame_rate?: unknown;
      video_url?: unknown;
    };
    expect(scene.frames).toHaveLength(2);
    expect(scene.frames[1]?.lidar).toMatchObject({
      reference_id: "drive_1/lidar/1",
      type: "pointcloud",
      pointcloud_url: "s3://bucket/drive_1/1.json",
    });
    expect(scene.frames[0]?.front).toMatchObject({
      type: "image",
      image_url: "s3://bucket/drive_1/0.jpg",
      camera_params: camera,
    });
    expect("frame_rate" in scene || "video_url" in scene).toBe(false);
    const byItem = await server.call("GET", `dataset/${ds}/scene/drive_1%2Ffront%2F1?from_item=1`);
    expect(byItem.body).toMatchObject({ reference_id: "drive_1" });

    await asyncUpload(ds, "upload_scenes", [lidarScene("drive_1", 2, { city: "oakland" })], true);
    await server.call("POST", `dataset/${ds}/metadata?async=0`, {
      body: { metadata: [{ reference_id: "drive_1", metadata: { weather: "rain" } }], level: "scene" },
    });
    const after = (await server.call("GET", `dataset/${ds}/scenes_list`)).body as {
      scenes: { metadata: unknown }[];
    };
    expect(after.scenes[0]?.metadata).toEqual({ city: "oakland", weather: "rain" });
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 4 });
  });

  it("upload synchronously, refuse bad input naming the field and write nothing, delete with frame items", async () => {
    const ds = await sceneDataset();
    const bad = lidarScene("bad");
    (bad.frames[1] as { lidar: { reference_id: string } }).lidar.reference_id = "bad/lidar/0";
    const refused = await server.call("POST", `${ds}/upload_scenes`, {
      body: { scenes: [lidarScene("good"), bad], update: false },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: string }).error).toMatch(
      /scenes\[1\]\.frames\[1\]\.lidar\.reference_id/,
    );
    const twoClouds = lidarScene("two");
    (twoClouds.frames[0] as Record<string, unknown>).top = {
      url: "s3://b/t.json",
      type: "pointcloud",
      reference_id: "t",
    };
    const second = await server.call("POST", `${ds}/upload_scenes`, { body: { scenes: [twoClouds] } });
    expect(second.status).toBe(400);
    expect((second.body as { error: string }).error).toMatch(/frames/);
    expect((await server.call("GET", `dataset/${ds}/scenes_list`)).body).toEqual({ scenes: [] });
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 0 });

    const ok = await server.call("POST", `${ds}/upload_scenes`, {
      body: { scenes: [lidarScene("good", 3)] },
    });
    expect(ok.body).toMatchObject({ dataset_id: ds, new_scenes: 1, new_items: 6, upload_errors: 0 });
    const gone = await server.call("DELETE", `dataset/${ds}/scene/good`, { body: {} });
    expect(gone.body).toEqual({ dataset_id: ds, reference_id: "good", deleted_items: 6 });
    expect((await server.call("GET", `dataset/${ds}/scenes_list`)).body).toEqual({ scenes: [] });
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 0 });
    expect((await server.call("GET", `dataset/${ds}/scene/good`)).status).toBe(404);
  });

  it("take local point clouds and images as file parts of a multipart form, and refuse a part no frame names", async () => {
    const ds = await sceneDataset();
    const scene = {
      reference_id: "local",
      frames: [
        {
          lidar: { url: "/data/0.json", type: "pointcloud", reference_id: "local-lidar-0" },
          cam: { url: "s3://bucket/0.jpg", type: "image", reference_id: "local-cam-0" },
        },
      ],
    };
    const form = (extra: string[]) => {
      const body = new FormData();
      body.append(
        "scenes",
        new Blob([JSON.stringify({ scenes: [scene], update: false })], { type: "application/json" }),
      );
      for (const name of ["/data/0.json", ...extra])
        body.append("file", new Blob([`{"points": "${name}"}`]), encodeURIComponent(name));
      return body;
    };
    const stray = await server.call("POST", `${ds}/upload_scenes`, { body: form(["/data/other.json"]) });
    expect(stray.status).toBe(400);
    expect((stray.body as { error: string }).error).toMatch(/^file: the part named "\/data\/other.json"/);
    const missing = await server.call("POST", `${ds}/upload_scenes`, {
      body: { scenes: [scene], update: false },
    });
    expect(missing.status).toBe(400);
    expect((missing.body as { error: string }).error).toMatch(/scenes\[0\]\.frames\[0\]\.lidar\.url/);
    expect((await server.call("GET", `dataset/${ds}/scenes_list`)).body).toEqual({ scenes: [] });

    const ok = await server.call("POST", `${ds}/upload_scenes`, { body: form([]) });
    expect(ok.body).toMatchObject({ new_scenes: 1, new_items: 2 });
    const read = (await server.call("GET", `dataset/${ds}/scene/local`)).body as {
      frames: { lidar: { url: string; pointcloud_url: string } }[];
    };
    const url = new URL(read.frames[0]?.lidar.url as string);
    expect(url.pathname).toMatch(/\/__media\//);
    const served = await rawRequest("GET", url.toString(), {});
    expect(served.status).toBe(200);
    expect(served.text).toBe('{"points": "/data/0.json"}');
  });

  it("refuse scenes on a dataset of items", async () => {
    const created = await server.call("POST", "dataset/create", { body: { name: "items", is_scene: false } });
    const ds = (created.body as { dataset_id: string }).dataset_id;
    const refused = await server.call("POST", `${ds}/upload_scenes`, { body: { scenes: [lidarScene("s")] } });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: string }).error).toMatch(/not a scene dataset/);
  });
});

describe("video scenes", () => {
  it("upload from a video URL and from frames; a bad URL or repeated frame fails the job and writes nothing", async () => {
    const ds = await sceneDataset();
    const frames = remoteItems(3, "clip/").map((item) => ({
      url: item.image_url,
      type: "image",
      reference_id: item.reference_id,
      metadata: {},
    }));
    const { job, status } = await asyncUpload(ds, "upload_video_scenes", [
      {
        reference_id: "by_url",
        video_url: "s3://bucket/clip.mp4",
        metadata: { fps: 30 },
        upload_to_scale: true,
      },
      { reference_id: "by_frames", frame_rate: 15, frames, metadata: {}, upload_to_scale: true },
    ]);
    expect(job.job_type).toBe("uploadVideoScene");
    expect(status).toMatchObject({ status: "Completed" });
    const byUrl = (await server.call("GET", `dataset/${ds}/scene/by_url`)).body;
    expect(byUrl).toMatchObject({ type: "video", video_url: "s3://bucket/clip.mp4", metadata: { fps: 30 } });
    const byFrames = (await server.call("GET", `dataset/${ds}/scene/by_frames`)).body as {
      frame_rate: number;
      frames: { reference_id: string; image_url: string }[];
    };
    expect(byFrames.frame_rate).toBe(15);
    expect(byFrames.frames.map((f) => f.reference_id)).toEqual(["clip/0", "clip/1", "clip/2"]);

    const failed = await asyncUpload(ds, "upload_video_scenes", [
      { reference_id: "fine", video_url: "https://example.invalid/v.mp4" },
      { reference_id: "broken", video_url: "not a url" },
    ]);
    expect(failed.status.status).toMatch(/^Errored/);
    expect(JSON.stringify(failed.status.message)).toMatch(/scenes\[1\]\.video_url/);
    const repeated = await asyncUpload(ds, "upload_video_scenes", [
      {
        reference_id: "twice",
        frame_rate: 1,
        frames: [frames[0], { ...frames[1], reference_id: "x" }, { ...frames[2], reference_id: "x" }],
      },
    ]);
    expect(repeated.status.status).toMatch(/^Errored/);
    const names = (
      (await server.call("GET", `dataset/${ds}/scenes_list`)).body as { scenes: { reference_id: string }[] }
    ).scenes;
    expect(names.map((s) => s.reference_id)).toEqual(["by_url", "by_frames"]);
  });
});

describe("scene categories and tracks", () => {
  it("keep a category whose reference id names a scene with the scene; tracks follow boxes across frames", async () => {
    const ds = await sceneDataset();
    await server.call("POST", `${ds}/upload_scenes`, { body: { scenes: [lidarScene("drive", 2)] } });
    const annotate = await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        update: false,
        annotations: [
          { label: "highway", type: "category", geometry: {}, reference_id: "drive", metadata: {} },
          ...[0, 1].map((i) => ({
            label: "car",
            type: "box",
            geometry: { x: i, y: 1, width: 5, height: 5 },
            reference_id: `drive/front/${i}`,
            annotation_id: `car-${i}`,
            metadata: {},
            embedding_vector: null,
            track_reference_id: "car-1",
            task_id: null,
          })),
        ],
      },
    });
    expect(annotate.body).toMatchObject({ annotations_processed: 3, annotations_ignored: 0 });
    await server.call("POST", `dataset/${ds}/tracks`, {
      body: { reference_id: "car-1", metadata: { color: "red" }, overwrite: false },
    });
    const scene = (await server.call("GET", `dataset/${ds}/scene/drive`)).body as {
      annotations: { label: string; reference_id: string }[];
      tracks: unknown[];
    };
    expect(scene.annotations).toMatchObject([{ label: "highway", reference_id: "drive", type: "category" }]);
    expect(scene.tracks).toEqual([{ reference_id: "car-1", dataset_id: ds, metadata: { color: "red" } }]);
    expect((await server.call("GET", `dataset/${ds}/tracks`)).body).toEqual({
      tracks: [{ reference_id: "car-1", dataset_id: ds, metadata: { color: "red" } }],
    });
    const deleted = await server.call("DELETE", `dataset/${ds}/tracks`, {
      body: { track_reference_ids: ["car-1"] },
    });
    expect(deleted.body).toMatchObject({ deleted: 1 });
    expect((await server.call("GET", `dataset/${ds}/tracks`)).body).toEqual({ tracks: [] });
    const frame = (await server.call("GET", `dataset/${ds}/refloc/drive%2Ffront%2F0`)).body as {
      annotations: { box: { track_reference_id: unknown }[] };
    };
    expect(frame.annotations.box[0]?.track_reference_id).toBeNull();
    const empty = await server.call("DELETE", `dataset/${ds}/tracks`, { body: { track_reference_ids: [] } });
    expect(empty.status).toBe(400);
    expect((empty.body as { error: string }).error).toMatch(/track_reference_ids/);
  });
});

describe("scene queries", () => {
  it("select scenes by reference id, metadata and frame count, page them, and refuse bad queries with a 400", async () => {
    const ds = await sceneDataset();
    await server.call("POST", `${ds}/upload_scenes`, {
      body: {
        scenes: [
          lidarScene("a", 1, { weather: "rain", speed: 10 }),
          lidarScene("b", 3, { weather: "sun", speed: 50 }),
          lidarScene("c", 2, { weather: "rain", speed: 70 }),
        ],
      },
    });
    const query = async (text: string, pageSize = 10, pageToken: string | null = null) =>
      server.call("POST", `dataset/${ds}/queryScenesPage`, { body: { pageToken, pageSize, query: text } });
    const refs = (body: unknown) =>
      (body as { items: { reference_id: string }[] }).items.map((s) => s.reference_id);
    expect(refs((await query('scene.metadata.weather = "rain"')).body)).toEqual(["a", "c"]);
    expect(refs((await query("scene.frame_count >= 2 AND scene.metadata.speed < 60")).body)).toEqual(["b"]);
    expect(
      refs((await query('scene.reference_id IN ["a", "b"] OR NOT metadata.weather = "rain"')).body),
    ).toEqual(["a", "b"]);
    expect(refs((await query("scene.metadata.missing EXISTS")).body)).toEqual([]);
    const first = (await query("", 2)).body as { items: unknown[]; nextPageToken: string };
    expect(refs(first)).toEqual(["a", "b"]);
    expect(refs((await query("", 2, first.nextPageToken)).body)).toEqual(["c"]);
    const wrongKind = await query('scene.frame_count = "two"');
    expect(wrongKind.status).toBe(400);
    expect((wrongKind.body as { error: string }).error).toMatch(/^query: at 1/);
    const unknown = await query("scene.color = 1");
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: string }).error).toMatch(/unknown field/);
  });
});

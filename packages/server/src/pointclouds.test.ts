/**
 * `GET ext/datasets/{id}/items/{itemId}/points`: a lidar frame's points for the web app's
 * top-down view. Read from a file uploaded with the scene or fetched from an http(s) URL, taken
 * down evenly to `max` points; a location the server cannot read, a file that is not a point
 * cloud and an image item are refused with messages that say why.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_KEY, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
let files: Server;
let filesUrl: string;
let ds: string;
/** Item ids by reference id. */
const ids = new Map<string, string>();

/** A ring of `n` points of radius 10 around (5, -3), z rising with the index, intensity the index mod 100. */
const ring = (n: number) =>
  Array.from({ length: n }, (_, k) => ({
    x: 5 + 10 * Math.cos((2 * Math.PI * k) / n),
    y: -3 + 10 * Math.sin((2 * Math.PI * k) / n),
    z: k / n,
    i: k % 100,
  }));
const RING = ring(1_200);
/** To the millimetre, without a negative zero. */
const mm = (v: number) => Math.round(v * 1000) / 1000 + 0;

beforeAll(async () => {
  server = await startTestServer();
  files = createServer((request, response) => {
    if (request.url === "/rows.json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      );
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  const created = await server.call("POST", "dataset/create", { body: { name: "drives", is_scene: true } });
  ds = (created.body as { dataset_id: string }).dataset_id;
  const frame = (ref: string, url: string) => ({
    lidar: { url, type: "pointcloud", reference_id: ref },
    cam: { url: `s3://bucket/${ref}.jpg`, type: "image", reference_id: `${ref}-cam` },
  });
  const scene = {
    reference_id: "drive",
    frames: [
      frame("ring", "/clouds/ring.json"),
      frame("bad", "/clouds/bad.json"),
      frame("in-bucket", "s3://bucket/cloud.json"),
      frame("on-web", `${filesUrl}/rows.json`),
      frame("gone", `${filesUrl}/gone.json`),
    ],
  };
  const body = new FormData();
  body.append("scenes", new Blob([JSON.stringify({ scenes: [scene], update: false })]));
  body.append("file", new Blob([JSON.stringify({ points: RING })]), encodeURIComponent("/clouds/ring.json"));
  body.append(
    "file",
    new Blob([
      JSON.stringify({
        points: [
          { x: 0, y: 0, z: 0 },
          { x: 1, y: 1, z: 1 },
          { x: 2, y: 2, z: "high" },
        ],
      }),
    ]),
    encodeURIComponent("/clouds/bad.json"),
  );
  const uploaded = await server.call("POST", `${ds}/upload_scenes`, { body });
  expect(uploaded.status).toBe(200);
  const read = (await server.call("GET", `dataset/${ds}/scene/drive`)).body as {
    frames: Record<string, { id: string; reference_id: string }>[];
  };
  for (const f of read.frames) for (const item of Object.values(f)) ids.set(item.reference_id, item.id);
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => files?.close(resolve));
});

const points = (ref: string, query = "", key?: string | null) =>
  server.call(
    "GET",
    `ext/datasets/${ds}/items/${ids.get(ref)}/points${query}`,
    key === undefined ? {} : { key },
  );

describe("a lidar frame in the item listings", () => {
  it("is a point cloud in the one-shot and the paged listing, and a camera frame an image", async () => {
    const listed = (await server.call("GET", `dataset/${ds}/datasetItems`)).body as {
      dataset_items: Record<string, unknown>[];
    };
    // Pages of 3, so that frames fall on both sides of a page's end.
    const paged: Record<string, unknown>[] = [];
    let pageToken: string | null = null;
    do {
      const { status, body } = await server.call("POST", `dataset/${ds}/itemsPage`, {
        body: { pageToken, pageSize: 3 },
      });
      expect(status).toBe(200);
      const page = body as { items: Record<string, unknown>[]; nextPageToken: string | null };
      paged.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken !== null);
    expect(paged).toEqual(listed.dataset_items.map((item) => expect.objectContaining({ id: item.id })));
    for (const items of [listed.dataset_items, paged]) {
      expect(items).toHaveLength(10);
      const lidar = items.find((item) => item.reference_id === "ring");
      const camera = items.find((item) => item.reference_id === "ring-cam");
      expect(lidar).toHaveProperty("pointcloud_url");
      expect(lidar).not.toHaveProperty("original_image_url");
      expect(camera?.original_image_url).toBe("s3://bucket/ring.jpg");
      expect(camera).not.toHaveProperty("pointcloud_url");
    }
  });
});

describe("a point cloud's points", () => {
  it("come from the uploaded file, every point in order with its intensity, and the cloud's extent", async () => {
    const { status, body } = await points("ring");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      item_id: ids.get("ring"),
      reference_id: "ring",
      total: 1_200,
      count: 1_200,
    });
    const got = body as { fields: string[]; points: number[]; bounds: { min: number[]; max: number[] } };
    expect(got.fields).toEqual(["x", "y", "z", "i"]);
    expect(got.points).toEqual(RING.flatMap((p) => [mm(p.x), mm(p.y), mm(p.z), p.i]));
    expect(got.bounds.min).toEqual([Math.min(...RING.map((p) => p.x)), Math.min(...RING.map((p) => p.y)), 0]);
    expect(got.bounds.max).toEqual([15, Math.max(...RING.map((p) => p.y)), RING[1_199]?.z]);
  });

  it("are taken down evenly to max, keeping the whole cloud's extent", async () => {
    const full = (await points("ring")).body as { bounds: unknown };
    const { body } = await points("ring", "?max=100");
    const got = body as { total: number; count: number; points: number[]; bounds: unknown };
    expect([got.total, got.count]).toEqual([1_200, 100]);
    // Every twelfth point, from the first.
    const kept = RING.filter((_, k) => k % 12 === 0);
    expect(got.points).toEqual(kept.flatMap((p) => [mm(p.x), mm(p.y), mm(p.z), p.i]));
    expect(got.bounds).toEqual(full.bounds);
  });

  it("answer a repeated read of an uploaded file with 304 by its ETag", async () => {
    const first = await points("ring", "?max=10");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{24}-10"$/);
    const again = await server.call("GET", `ext/datasets/${ds}/items/${ids.get("ring")}/points?max=10`, {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
  });

  it("come from an http(s) URL, rows of x, y, z without intensity", async () => {
    const { status, body } = await points("on-web");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      total: 2,
      count: 2,
      fields: ["x", "y", "z"],
      points: [1, 2, 3, 4, 5, 6],
      bounds: { min: [1, 2, 3], max: [4, 5, 6] },
    });
  });

  it("of a location the server cannot read, or a file that is not a point cloud, are a 422 that says why", async () => {
    const bucket = await points("in-bucket");
    expect(bucket.status).toBe(422);
    expect((bucket.body as { error: string }).error).toBe(
      `the point cloud of item ${ids.get("in-bucket")} (s3://bucket/cloud.json) is not readable by this server: it reads point clouds uploaded with the scene and http(s) URLs`,
    );
    const gone = await points("gone");
    expect(gone.status).toBe(422);
    expect((gone.body as { error: string }).error).toMatch(
      /gone\.json\) could not be fetched by this server: HTTP 404$/,
    );
    const bad = await points("bad");
    expect(bad.status).toBe(422);
    expect((bad.body as { error: string }).error).toMatch(
      /\(\/clouds\/bad\.json\) is not a point cloud file: points\[2\]\.z must be a finite number, got "high"$/,
    );
  });

  it("are refused for an image item, an unknown item, a bad max, no key and another tenant's key", async () => {
    const image = await points("ring-cam");
    expect(image.status).toBe(400);
    expect((image.body as { error: string }).error).toMatch(/is an image, not a point cloud/);
    const unknown = await server.call("GET", `ext/datasets/${ds}/items/di_nothing/points`);
    expect(unknown.status).toBe(404);
    for (const max of ["0", "1.5", "abc", "500001"]) {
      const refused = await points("ring", `?max=${max}`);
      expect(refused.status).toBe(400);
      expect((refused.body as { error: string }).error).toMatch(
        /^max must be a whole number of points from 1 to 500000/,
      );
    }
    expect((await points("ring", "", null)).status).toBe(401);
    expect((await points("ring", "", OTHER_KEY)).status).toBe(404);
  });
});

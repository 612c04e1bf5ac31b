/**
 * `deduplicate_async` as the official client calls it (`Dataset.deduplicate`,
 * `deduplicate_by_ids`): a 64-bit perceptual hash of the bytes the server holds or can fetch,
 * the protocol's result message, its validation errors, and a per-item report of the images the
 * server could not read.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hammingDistance, keepUnique, phashOfImage, phashOfPixels } from "./services/phash.js";
import { createDataset, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
let images: Server;
let imagesUrl: string;

/** A grey image of `size` pixels a side whose shade follows `shade(x, y)` on the unit square. */
function picture(size: number, shade: (x: number, y: number) => number): Promise<Buffer> {
  const pixels = Buffer.alloc(size * size);
  for (let y = 0; y < size; y += 1)
    for (let x = 0; x < size; x += 1) pixels[y * size + x] = Math.round(255 * shade(x / size, y / size));
  return sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
}

const wave = (x: number, y: number) => 0.5 + 0.5 * Math.sin(6 * x + 2 * y) * Math.cos(3 * y);
const rings = (x: number, y: number) => 0.5 + 0.5 * Math.cos(20 * Math.hypot(x - 0.3, y - 0.6));

let waveBytes: Buffer;

beforeAll(async () => {
  server = await startTestServer();
  waveBytes = await picture(64, wave);
  const served = await picture(64, rings);
  images = createServer((request, response) => {
    if (request.url === "/rings.png") {
      response.writeHead(200, { "content-type": "image/png" }).end(served);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => images.close(resolve));
});

interface Result {
  unique_item_ids: string[];
  unique_reference_ids: string[];
  stats: { threshold: number; original_count: number; deduplicated_count: number };
  unhashed_items?: { reference_id: string; error: string }[];
}

async function deduplicate(ds: string, body: Record<string, unknown>): Promise<Result> {
  const started = await server.call("POST", `dataset/${ds}/deduplicate_async`, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const job = started.body as { job_id: string; job_type: string };
  expect(job.job_type).toBe("deduplicate");
  const status = (await server.call("GET", `job/${job.job_id}`)).body as { status: string; message: Result };
  expect(status.status).toBe("Completed");
  const result = status.message;
  expect(result.stats.deduplicated_count).toBe(result.unique_item_ids.length);
  expect(result.unique_reference_ids).toHaveLength(result.unique_item_ids.length);
  return result;
}

/** A dataset of local uploads: the wave twice, the wave smaller, the rings; and two remote items. */
async function datasetWithImages(): Promise<string> {
  const ds = await createDataset(server);
  const form = new FormData();
  const files: [string, Buffer][] = [
    ["wave", waveBytes],
    ["wave_copy", waveBytes],
    ["wave_small", await sharp(waveBytes).resize(40, 40).jpeg({ quality: 80 }).toBuffer()],
    ["rings_local", await picture(64, rings)],
  ];
  form.append(
    "items",
    JSON.stringify(
      files.map(([ref]) => ({
        reference_id: ref,
        image_url: `/data/${ref}.png`,
        metadata: {},
        update: false,
      })),
    ),
  );
  for (const [ref, bytes] of files)
    form.append("image", new Blob([bytes], { type: "image/png" }), `%2Fdata%2F${ref}.png`);
  await server.call("POST", `dataset/${ds}/append`, { body: form });
  await server.call("POST", `dataset/${ds}/append`, {
    body: {
      items: [
        { reference_id: "rings_remote", image_url: `${imagesUrl}/rings.png`, metadata: {} },
        { reference_id: "in_s3", image_url: "s3://bucket/x.jpg", metadata: {} },
        { reference_id: "gone", image_url: `${imagesUrl}/gone.png`, metadata: {} },
      ],
    },
  });
  return ds;
}

describe("the perceptual hash", () => {
  it("is 64 bits that barely move when an image is resized and re-encoded, and many for another image", async () => {
    const a = await phashOfImage(waveBytes);
    expect(a).toMatch(/^[01]{64}$/);
    expect(await phashOfImage(waveBytes)).toBe(a);
    const resized = await phashOfImage(
      await sharp(waveBytes).resize(40, 40).jpeg({ quality: 80 }).toBuffer(),
    );
    expect(hammingDistance(a, resized)).toBeLessThanOrEqual(6);
    expect(hammingDistance(a, await phashOfImage(await picture(64, rings)))).toBeGreaterThan(16);
    expect(() => phashOfPixels(new Uint8Array(10))).toThrow(/1024 grey pixels/);
  });

  it("groups keep the first of near-duplicates, in order, and keep entries without a hash", () => {
    const zeros = "0".repeat(64);
    const entries = [
      { id: 1, phash: zeros },
      { id: 2, phash: `1${"0".repeat(63)}` },
      { id: 3, phash: null },
      { id: 4, phash: "1".repeat(64) },
    ];
    expect(keepUnique(entries, 0).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(keepUnique(entries, 1).map((e) => e.id)).toEqual([1, 3, 4]);
    expect(keepUnique(entries, 64).map((e) => e.id)).toEqual([1, 3]);
  });
});

describe("deduplicate_async", () => {
  it("drops exact copies at 0, near copies at 10, and reports the images it could not read", async () => {
    const ds = await datasetWithImages();
    const exact = await deduplicate(ds, { threshold: 0 });
    expect(exact.stats).toEqual({ threshold: 0, original_count: 7, deduplicated_count: 5 });
    expect(exact.unique_reference_ids).toEqual(["wave", "wave_small", "rings_local", "in_s3", "gone"]);
    expect(exact.unhashed_items?.map((u) => u.reference_id)).toEqual(["in_s3", "gone"]);
    expect(exact.unhashed_items?.[0]?.error).toMatch(/cannot fetch s3:\/\/ URLs/);
    expect(exact.unhashed_items?.[1]?.error).toMatch(/HTTP 404/);

    const near = await deduplicate(ds, { threshold: 10 });
    expect(near.unique_reference_ids).toEqual(["wave", "rings_local", "in_s3", "gone"]);
    // The same request gives the same answer (hashes are kept on the items).
    expect(await deduplicate(ds, { threshold: 10 })).toEqual(near);
    const stored = await server.store.phashes.get(near.unique_item_ids);
    expect([...stored.values()].map((h) => h.phash)).toHaveLength(2);
  });

  it("by reference ids and by item ids, as the official client sends them", async () => {
    const ds = await datasetWithImages();
    const some = await deduplicate(ds, {
      threshold: 10,
      reference_ids: ["wave_copy", "rings_local", "wave"],
    });
    expect(some.unique_reference_ids).toEqual(["wave", "rings_local"]);
    expect(some.stats.original_count).toBe(3);
    const byIds = await deduplicate(ds, { dataset_item_ids: some.unique_item_ids, threshold: 10 });
    expect(byIds.unique_item_ids).toEqual(some.unique_item_ids);
    const single = await deduplicate(ds, { threshold: 10, reference_ids: ["wave"] });
    expect(single.stats).toEqual({ threshold: 10, original_count: 1, deduplicated_count: 1 });
    expect((await deduplicate(ds, { threshold: 64 })).stats.threshold).toBe(64);
  });

  it("of an empty dataset is all zeros", async () => {
    const ds = await createDataset(server);
    expect(await deduplicate(ds, { threshold: 10 })).toEqual({
      unique_item_ids: [],
      unique_reference_ids: [],
      stats: { threshold: 10, original_count: 0, deduplicated_count: 0 },
    });
  });

  it("refuses bad thresholds and unknown ids with a 400 naming the field, and starts no job", async () => {
    const ds = await datasetWithImages();
    const jobsBefore = (
      (await server.call("POST", "jobs/", { body: { dataset_id: ds, show_completed: true } }))
        .body as unknown[]
    ).length;
    for (const [body, field] of [
      [{ threshold: -1 }, "threshold"],
      [{ threshold: 65 }, "threshold"],
      [{ threshold: 10.5 }, "threshold"],
      [{ threshold: "10" }, "threshold"],
      [{}, "threshold"],
      [{ threshold: 10, reference_ids: [] }, "reference_ids"],
      [{ threshold: 10, reference_ids: ["nonexistent_ref_id"] }, "reference_ids"],
      [{ threshold: 10, dataset_item_ids: ["di_nonexistent"] }, "dataset_item_ids"],
      [
        { threshold: 10, reference_ids: ["wave"], dataset_item_ids: ["di_x"] },
        "reference_ids and dataset_item_ids",
      ],
    ] as const) {
      const response = await server.call("POST", `dataset/${ds}/deduplicate_async`, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((response.body as { error: string }).error).toContain(field);
    }
    const jobsAfter = (
      (await server.call("POST", "jobs/", { body: { dataset_id: ds, show_completed: true } }))
        .body as unknown[]
    ).length;
    expect(jobsAfter).toBe(jobsBefore);
    expect(
      (await server.call("POST", "dataset/ds_missing/deduplicate_async", { body: { threshold: 1 } })).status,
    ).toBe(404);
  });
});

/**
 * Chunks by count and by bytes against the real server: no request body is over
 * `maxBytesPerRequest`, every entry lands once, and the same input is cut the same way on a
 * rerun, so a journal names the same chunks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DatasetItem, NucleusClient } from "@nucleus/core";
import { Uploader } from "@nucleus/upload";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contents, KEY, startServer } from "./support.js";

let env: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  env = await startServer();
});
afterAll(async () => {
  await env.stop();
});

/** A client whose requests are also recorded (they still go to the real server). */
function recordingClient(): { client: NucleusClient; bodies: string[] } {
  const bodies: string[] = [];
  const client = new NucleusClient({
    apiKey: KEY,
    endpoint: env.server.url,
    fetch: (input, init) => {
      if (init?.method === "POST" && typeof init.body === "string") bodies.push(init.body);
      return fetch(input, init);
    },
  });
  return { client, bodies };
}

const MAX_BYTES = 4_000;
// Every seventh item carries a large note, so some runs of 20 items go over 4,000 bytes and some do not.
const items: DatasetItem[] = Array.from({ length: 500 }, (_, i) => {
  const metadata: Record<string, string | number> = { i };
  if (i % 7 === 0) metadata.note = "x".repeat(900);
  return { imageUrl: `s3://chunks/${i}.jpg`, referenceId: `c${i}`, metadata };
});

describe("chunking by bytes", () => {
  it("keeps every request under the limit and lands every item once", async () => {
    const datasetId = (await env.client.createDataset("by-bytes")).id;
    const { client, bodies } = recordingClient();
    const journal = join(env.dir, "bytes.journal");
    const uploader = new Uploader(client, { concurrency: 3, maxBytesPerRequest: MAX_BYTES, journal });
    const report = await uploader.append(datasetId, items);

    expect(report).toMatchObject({ total: 500, new: 500, failed: 0 });
    expect(bodies.length).toBe(report.chunks.sent);
    // More requests than runs of 20: the big runs were cut further.
    expect(bodies.length).toBeGreaterThan(500 / 20);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BYTES);
    const { refs } = await contents(env.client, datasetId);
    expect(refs.sort()).toEqual(items.map((item) => item.referenceId).sort());

    // The rerun cuts the same chunks, finds them all acknowledged, and sends nothing.
    const again = recordingClient();
    const rerun = await new Uploader(again.client, {
      concurrency: 3,
      maxBytesPerRequest: MAX_BYTES,
      journal,
    }).append(datasetId, items);
    expect(again.bodies).toEqual([]);
    expect(rerun).toMatchObject({ total: 500, new: 500, failed: 0 });
    expect(rerun.chunks).toMatchObject({ sent: 0, skipped: report.chunks.sent });
    expect(report.fromJournal).toBe(0);
    expect(rerun.fromJournal).toBe(500);
  });

  it("cuts a run holding an invalid entry by wire sizes too, and reports that entry", async () => {
    const datasetId = (await env.client.createDataset("with-invalid")).id;
    const { client, bodies } = recordingClient();
    const mixed: DatasetItem[] = items.slice(0, 40).map((item) => ({ ...item }));
    mixed[3] = { ...items[3], imageUrl: "" } as DatasetItem;
    const report = await new Uploader(client, { maxBytesPerRequest: MAX_BYTES }).append(datasetId, mixed);
    expect(report).toMatchObject({ total: 40, new: 39, failed: 1 });
    expect(report.failures).toEqual([expect.objectContaining({ index: 3, referenceId: "c3" })]);
    expect(report.failures[0]?.reason).toMatch(/image_url/);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BYTES);
    const { refs } = await contents(env.client, datasetId);
    expect(refs).toHaveLength(39);
    expect(refs).not.toContain("c3");
  });

  it("sends an entry over the limit alone rather than dropping it", async () => {
    const datasetId = (await env.client.createDataset("oversized")).id;
    const { client, bodies } = recordingClient();
    const big = [
      { imageUrl: "s3://chunks/a.jpg", referenceId: "a" },
      { imageUrl: "s3://chunks/b.jpg", referenceId: "b", metadata: { note: "y".repeat(2 * MAX_BYTES) } },
      { imageUrl: "s3://chunks/c.jpg", referenceId: "c" },
    ];
    const report = await new Uploader(client, { maxBytesPerRequest: MAX_BYTES }).append(datasetId, big);
    expect(report).toMatchObject({ total: 3, new: 3, failed: 0 });
    expect(bodies.map((body) => (JSON.parse(body) as { items: unknown[] }).items.length)).toEqual([1, 1, 1]);
  });

  it("stops at the first request when the dataset does not exist, instead of failing every entry", async () => {
    const { client, bodies } = recordingClient();
    const uploader = new Uploader(client, { concurrency: 2, batchSize: 10 });
    const missing = "ds_00000000000000000000";
    await expect(uploader.append(missing, items.slice(0, 200))).rejects.toMatchObject({ status: 404 });
    // At most one request per worker went out before the first answer stopped the pool.
    expect(bodies.length).toBeLessThanOrEqual(2);
  });

  it("sends each chunk of local files as one request: batching happens in the uploader only", async () => {
    const datasetId = (await env.client.createDataset("local-files")).id;
    const folder = join(env.dir, "local-files");
    mkdirSync(folder, { recursive: true });
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c6360000000020001e221bc330000000049454e44ae426082",
      "hex",
    );
    const files: DatasetItem[] = Array.from({ length: 15 }, (_, i) => {
      writeFileSync(join(folder, `${i}.png`), png);
      return { imageUrl: join(folder, `${i}.png`), referenceId: `local-${i}` };
    });
    let appends = 0;
    const client = new NucleusClient({
      apiKey: KEY,
      endpoint: env.server.url,
      fetch: (input, init) => {
        if (String(input instanceof Request ? input.url : input).endsWith("/append")) appends += 1;
        return fetch(input, init);
      },
    });
    const report = await new Uploader(client, { batchSize: 15 }).append(datasetId, files);
    expect(report).toMatchObject({ total: 15, new: 15, failed: 0 });
    expect(report.chunks.sent).toBe(1);
    expect(appends).toBe(1);
  });
});

/**
 * Media in a bucket of an S3-compatible server (s3rver from the npm registry, through the real
 * AWS SDK): local images, masks and async upload payloads land in the bucket, are read back
 * from it, and a write whose upload fails is refused whole.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBucket, type TestBucket } from "./media/s3-testing.js";
import type { OpenServerOptions } from "./server.js";
import {
  createDataset,
  remoteItems,
  startTestServer,
  type TestServer,
  TINY_PNG,
  testBackends,
} from "./test-support.js";

let bucket: TestBucket;
let server: TestServer;
let records: Partial<OpenServerOptions>;

/** Every object key in the bucket, as s3rver keeps them on disk. */
function objects(): string[] {
  const root = join(bucket.directory, bucket.bucket);
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name), `${prefix}${entry.name}/`)
        : entry.name.endsWith("._S3rver_object")
          ? [`${prefix}${entry.name.replace(/\._S3rver_object$/, "")}`]
          : [],
    );
  return walk(root, "");
}

describe.each(testBackends())("media in a bucket, records on $name", (backend) => {
  beforeAll(async () => {
    bucket = await startTestBucket();
    records = backend.options();
    server = await startTestServer(undefined, {
      ...records,
      media: `s3://${bucket.bucket}/team`,
      s3: bucket.s3,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await bucket?.stop();
  });

  it("is ready: the database and the bucket answer", async () => {
    const ready = await fetch(`${new URL(server.url).origin}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok", media: "ok" });
  });

  it("keeps uploaded images in the bucket and serves them back byte-identical", async () => {
    const ds = await createDataset(server);
    const form = new FormData();
    form.append(
      "items",
      JSON.stringify([{ reference_id: "local_1", image_url: "/data/cat.png", metadata: {}, update: false }]),
    );
    form.append("image", new Blob([TINY_PNG], { type: "image/png" }), "%2Fdata%2Fcat.png");
    const response = await server.call("POST", `dataset/${ds}/append`, { body: form });
    expect(response.body).toMatchObject({ new_items: 1 });
    expect(objects().some((key) => key.startsWith("team/") && key.endsWith(".png"))).toBe(true);
    const item = (await server.call("GET", `dataset/${ds}/refloc/local_1`)).body as {
      item: { original_image_url: string };
    };
    // The server answers with a signed URL of the bucket, which the browser reads directly.
    const redirect = await fetch(item.item.original_image_url, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toMatch(
      new RegExp(`^${bucket.endpoint}/${bucket.bucket}/team/`),
    );
    expect(redirect.headers.get("location")).toContain("X-Amz-Signature=");
    const served = Buffer.from(await (await fetch(item.item.original_image_url)).arrayBuffer());
    expect(served.equals(TINY_PNG)).toBe(true);
  });

  it("runs async uploads whose payload was PUT straight into the bucket", async () => {
    const ds = await createDataset(server);
    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/r1`)).body as { signed_url: string };
    // The signed URL is the bucket's own: the payload never passes through the server.
    expect(signed.signed_url).toMatch(
      new RegExp(`^${bucket.endpoint}/${bucket.bucket}/team/.*X-Amz-Signature=`),
    );
    const lines = remoteItems(300, "async_").map((item) => JSON.stringify(item));
    const put = await fetch(signed.signed_url, { method: "PUT", body: lines.join("\n") });
    expect(put.status).toBe(200);
    const started = await server.call("POST", `dataset/${ds}/append?async=1`, { body: { requestId: "r1" } });
    expect(started.status).toBe(200);
    await server.jobs.idle();
    const job = (await server.call("GET", `job/${(started.body as { job_id: string }).job_id}`)).body;
    expect(job).toMatchObject({ status: "Completed" });
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 300 });
    expect(objects().some((key) => key.endsWith(".ndjson"))).toBe(true);
  });

  it("writes nothing when the upload to the bucket fails", async () => {
    const ds = await createDataset(server);
    const down = await startTestBucket("elsewhere");
    await down.stop();
    const broken = await startTestServer(server.dataDir, {
      ...records,
      media: `s3://${down.bucket}/team`,
      s3: { ...down.s3 },
    });
    try {
      const form = new FormData();
      form.append(
        "items",
        JSON.stringify([{ reference_id: "lost", image_url: "/data/lost.png", metadata: {}, update: false }]),
      );
      form.append("image", new Blob([TINY_PNG], { type: "image/png" }), "%2Fdata%2Flost.png");
      const response = await broken.call("POST", `dataset/${ds}/append`, { body: form });
      expect(response.status).toBe(500);
      expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 0 });
    } finally {
      await broken.close();
    }
  });
});

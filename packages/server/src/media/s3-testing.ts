/**
 * Test support: an S3-compatible server on loopback (s3rver, from the npm registry) with one
 * bucket, reached through the real AWS SDK like any other endpoint.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: s3rver ships no types.
import S3rver from "@20minutes/s3rver";
import type { S3Options } from "./bucket.js";

/** A running S3-compatible server: its endpoint, one bucket, and how to reach it. */
export interface TestBucket {
  endpoint: string;
  bucket: string;
  /** Options for `createServer({ s3 })`. */
  s3: S3Options;
  /** Where it keeps the objects on disk. */
  directory: string;
  stop(): Promise<void>;
}

/** s3rver accepts any request signed with this pair. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Starts an S3-compatible server on a free loopback port with an empty bucket. */
export async function startTestBucket(bucket = "nucleus-media"): Promise<TestBucket> {
  const directory = mkdtempSync(join(tmpdir(), "nucleus-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    s3: { endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

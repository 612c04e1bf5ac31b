/**
 * Replays a capture of the official Python client's embedding calls, written from the protocol's
 * description of what the client sends (`fixtures/spec/python-client-embeddings.jsonl`):
 * `create_custom_index` from JSON files of vectors (served here on loopback), the job polled,
 * image and object indexing status, `embedding_indexes`, `export_embeddings` of a dataset and a
 * slice (sync, and async with signed URLs to the files), a custom index with bad entries (the
 * job's errors name them), one of another length (400), `delete_custom_index`, and Scale's own
 * image index (501). Each status and every recorded key and value is checked (ids mapped to the
 * ones this server made); each signed URL is read back.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testBackends, type WireRecord } from "./test-support.js";

const ID = /^(ds|di|slc|job)_[0-9a-z]{20}$/;
const IDS = /(ds|di|slc|job)_[0-9a-z]{20}/g;
const VOLATILE = new Set(["job_creation_time", "job_last_known_status", "completed_steps", "total_steps"]);
/** The files the custom index reads: JSON objects of reference id to vector. */
const FILES: Record<string, unknown> = {
  "/embeddings-1.json": { img_1: [0.5, 0.25, -1], img_2: [-0.5, 0.75, 0.125] },
  "/embeddings-2.json": { img_3: [1, 0, 0.5] },
  "/embeddings-bad.json": { img_1: [1, 2], img_9: [1, 2, 3] },
};

let server: TestServer;
let files: Server;
let origin: string;
const ids = new Map<string, string>();
const signedUrls: string[] = [];

function capture(): WireRecord[] {
  const path = fileURLToPath(
    new URL("../../../fixtures/spec/python-client-embeddings.jsonl", import.meta.url),
  );
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as WireRecord);
}

const substitute = (text: string) =>
  text.replace(IDS, (id) => ids.get(id) ?? id).replaceAll("{FILES}", origin);

function compare(recorded: unknown, actual: unknown, path: string): void {
  if (recorded === "{SIGNED_URL}") {
    expect(actual, path).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus\/__media\//);
    signedUrls.push(actual as string);
    return;
  }
  if (typeof recorded === "string" && ID.test(recorded)) {
    const prefix = recorded.slice(0, recorded.indexOf("_") + 1);
    expect(actual, `${path} is a ${prefix} id`).toMatch(new RegExp(`^${prefix}[0-9a-z]{20}$`));
    const known = ids.get(recorded);
    if (known) expect(actual, path).toBe(known);
    else ids.set(recorded, actual as string);
    return;
  }
  if (Array.isArray(recorded)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(recorded.length);
    for (const [i, entry] of recorded.entries()) compare(entry, (actual as unknown[])[i], `${path}[${i}]`);
    return;
  }
  if (recorded !== null && typeof recorded === "object") {
    expect(actual, `${path} is an object`).toBeTypeOf("object");
    for (const [key, value] of Object.entries(recorded)) {
      expect(actual, `${path} has key ${key}`).toHaveProperty([key]);
      if (!VOLATILE.has(key)) compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return;
  }
  expect(actual, path).toEqual(typeof recorded === "string" ? substitute(recorded) : recorded);
}

describe.each(testBackends())("the official client's embedding calls on $name", (backend) => {
  beforeAll(async () => {
    ids.clear();
    signedUrls.length = 0;
    files = createServer((request, response) => {
      const body = FILES[request.url ?? ""];
      response.writeHead(body ? 200 : 404, { "content-type": "application/json" });
      response.end(JSON.stringify(body ?? { error: "no such file" }));
    });
    await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    server = await startTestServer(undefined, backend.options());
  });
  afterAll(async () => {
    await server.stop();
    await new Promise((resolve) => files.close(resolve));
  });

  it("answer every recorded request with the recorded status, keys and values", async () => {
    const records = capture();
    expect(records.length).toBeGreaterThan(20);
    for (const record of records) {
      // The client polls a job until it ends: the replay waits for it instead.
      if (record.route.startsWith("job/")) await server.jobs.idle();
      const body =
        record.body_kind === "json" ? JSON.parse(substitute(JSON.stringify(record.body))) : undefined;
      const headers: Record<string, string> =
        body === undefined ? { "content-type": "application/json" } : {};
      const response = await server.call(record.method, substitute(record.route), { body, headers });
      const label = `seq ${record.seq} ${record.method} ${record.route} (${record.step})`;
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(record.response.status);
      compare(record.response.body, response.body, label);
    }
    // The async export's file holds what the sync export answered.
    expect(signedUrls).toHaveLength(1);
    const exported = await fetch(signedUrls[0] as string);
    expect(exported.status).toBe(200);
    expect(await exported.json()).toEqual([
      { reference_id: "img_1", embedding_vector: [0.5, 0.25, -1] },
      { reference_id: "img_2", embedding_vector: [-0.5, 0.75, 0.125] },
      { reference_id: "img_3", embedding_vector: [1, 0, 0.5] },
    ]);
  });
});

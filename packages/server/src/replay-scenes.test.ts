/**
 * Replays a capture of the official Python client's scene and track calls, written from the
 * protocol's description of what the client sends (`fixtures/spec/python-client-scenes.jsonl`):
 * a lidar scene with camera parameters and a video scene of each kind uploaded as the client
 * does (signed URL, NDJSON PUT, `?async=1`, job polling), the scene list and lookups, scene
 * metadata, a scene category beside tracked cuboids, tracks, scene queries, a failing video job,
 * deletion, and scenes refused on a dataset of items. Each status and every recorded key and value
 * is checked (ids mapped to the ones this server made).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testBackends, type WireRecord } from "./test-support.js";

const ID = /^(ds|di|ann|pred|prj|run|slc|job|scn)_[0-9a-z]{20}$/;
const IDS = /(ds|di|ann|pred|prj|run|slc|job|scn)_[0-9a-z]{20}/g;
const VOLATILE = new Set(["job_creation_time", "job_last_known_status", "completed_steps", "total_steps"]);

let server: TestServer;
const ids = new Map<string, string>();
const signedUrls = new Map<string, string>();

function capture(): WireRecord[] {
  const path = fileURLToPath(new URL("../../../fixtures/spec/python-client-scenes.jsonl", import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as WireRecord);
}

const substitute = (text: string) => text.replace(IDS, (id) => ids.get(id) ?? id);

function compare(recorded: unknown, actual: unknown, path: string): void {
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
    if (path.endsWith(".annotations") && !Array.isArray(actual)) {
      expect(Object.keys(actual as object).sort(), `${path} groups`).toEqual(Object.keys(recorded).sort());
    }
    for (const [key, value] of Object.entries(recorded)) {
      expect(actual, `${path} has key ${key}`).toHaveProperty([key]);
      if (!VOLATILE.has(key)) compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return;
  }
  expect(actual, path).toEqual(typeof recorded === "string" ? substitute(recorded) : recorded);
}

async function send(record: WireRecord) {
  if (record.route.startsWith("__upload/")) {
    const url = signedUrls.get(record.route.slice("__upload/".length));
    expect(url, "a signed URL was handed out first").toBeDefined();
    const ndjson = (record.body as unknown[]).map((line) => substitute(JSON.stringify(line))).join("\n");
    // The client's PUT carries no key and no content type.
    const response = await fetch(url as string, { method: "PUT", body: ndjson });
    return { status: response.status, body: await response.json() };
  }
  const query = Object.entries(record.query as Record<string, string[]>)
    .map(([key, values]) => `${key}=${values[0]}`)
    .join("&");
  const body = record.body_kind === "json" ? JSON.parse(substitute(JSON.stringify(record.body))) : undefined;
  const headers: Record<string, string> = body === undefined ? { "content-type": "application/json" } : {};
  // The client polls until the job leaves Running; a finished job is what it reads last.
  if (record.route.startsWith("job/")) await server.jobs.idle();
  return server.call(record.method, `${substitute(record.route)}${query ? `?${query}` : ""}`, {
    body,
    headers,
  });
}

describe.each(testBackends())("the official client's scene and track calls on $name", (backend) => {
  beforeAll(async () => {
    ids.clear();
    signedUrls.clear();
    server = await startTestServer(undefined, backend.options());
  });
  afterAll(async () => {
    await server.stop();
  });

  it("answer every recorded request with the recorded status, keys and values", async () => {
    const records = capture();
    expect(records.length).toBeGreaterThan(30);
    for (const record of records) {
      const response = await send(record);
      const label = `seq ${record.seq} ${record.method} ${record.route} (${record.step})`;
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(record.response.status);
      if (record.route.startsWith("__upload/")) continue;
      if (record.route.includes("/signedUrl/")) {
        signedUrls.set(
          record.route.split("/").at(-1) as string,
          (response.body as { signed_url: string }).signed_url,
        );
        continue;
      }
      if (record.response.status >= 400) {
        expect((response.body as { error?: unknown }).error, label).toBeTypeOf("string");
      }
      compare(record.response.body, response.body, label);
    }
  });
});

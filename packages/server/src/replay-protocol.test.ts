/**
 * Replays a capture of the official Python client's calls beyond the README flow, written from
 * the protocol's description of what the client sends (`fixtures/spec/python-client-protocol.jsonl`):
 * taxonomies and the categories checked against them, dataset, model and slice tags, autotags,
 * prediction, slice and raw item exports, class labels and deduplication. Each request is sent
 * as recorded; each status and every recorded key and value is checked (ids mapped to the ones
 * this server made), and the annotation groups of an item must be exactly the recorded ones.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testBackends, type WireRecord } from "./test-support.js";

const ID = /^(ds|di|ann|pred|prj|run|slc|job)_[0-9a-z]{20}$/;
const IDS = /(ds|di|ann|pred|prj|run|slc|job)_[0-9a-z]{20}/g;
const VOLATILE = new Set([
  "created_at",
  "job_creation_time",
  "job_last_known_status",
  "completed_steps",
  "total_steps",
]);

let server: TestServer;
const ids = new Map<string, string>();

function capture(): WireRecord[] {
  const path = fileURLToPath(new URL("../../../fixtures/spec/python-client-protocol.jsonl", import.meta.url));
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
    if (path.endsWith(".annotations")) {
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

describe.each(testBackends())(
  "the official client's taxonomy, tag, export and dedup calls on $name",
  (backend) => {
    beforeAll(async () => {
      ids.clear();
      server = await startTestServer(undefined, backend.options());
    });
    afterAll(async () => {
      await server.stop();
    });

    it("answer every recorded request with the recorded status, keys and values", async () => {
      const records = capture();
      expect(records.length).toBeGreaterThan(30);
      for (const record of records) {
        const body =
          record.body_kind === "json" ? JSON.parse(substitute(JSON.stringify(record.body))) : undefined;
        // The client sends a JSON content type on every call, GET included.
        const headers: Record<string, string> =
          body === undefined ? { "content-type": "application/json" } : {};
        const response = await server.call(record.method, substitute(record.route), { body, headers });
        const label = `seq ${record.seq} ${record.method} ${record.route} (${record.step})`;
        expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(record.response.status);
        if (record.response.status >= 400) {
          expect((response.body as { error?: unknown }).error, label).toBeTypeOf("string");
        }
        compare(record.response.body, response.body, label);
      }
    });
  },
);

/**
 * Replays the official Python client's autotag calls (`fixtures/spec/python-client-autotags.jsonl`,
 * written from the protocol's description, with this server's own routes to upload vectors and
 * create the autotag): list_autotags, autotag_items (quoted name), autotag_training_items,
 * refinement metrics, update_autotag, an unknown name and delete_autotag. Each status and every
 * recorded key is checked; ids are mapped to the ones this server made; scores are checked to lie
 * above the threshold, highest first, and tagged items are compared as a set.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testBackends, type WireRecord } from "./test-support.js";

const ID = /^(ds|di|tag|job)_[0-9a-z]{20}$/;
const IDS = /(ds|di|tag|job)_[0-9a-z]{20}/g;
const VOLATILE = new Set([
  "job_creation_time",
  "job_last_known_status",
  "score",
  "average_ms_taken_in_refinement",
]);

let server: TestServer;
const ids = new Map<string, string>();

function capture(): WireRecord[] {
  const path = fileURLToPath(new URL("../../../fixtures/spec/python-client-autotags.jsonl", import.meta.url));
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
    for (const [key, value] of Object.entries(recorded)) {
      expect(actual, `${path} has key ${key}`).toHaveProperty([key]);
      if (!VOLATILE.has(key)) compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return;
  }
  expect(actual, path).toEqual(typeof recorded === "string" ? substitute(recorded) : recorded);
}

/** Tagged items come highest score first: compared as a set, their order checked by score. */
function taggedInOrder(body: unknown, threshold: number): unknown {
  const { autotagItems, ...rest } = body as { autotagItems: { ref_id: string; score: number }[] };
  autotagItems.forEach((item, i) => {
    expect(item.score).toBeGreaterThan(threshold);
    expect(item.score).toBeLessThanOrEqual(1);
    if (i > 0) expect(item.score).toBeLessThanOrEqual((autotagItems[i - 1] as { score: number }).score);
  });
  return { ...rest, autotagItems: [...autotagItems].sort((a, b) => a.ref_id.localeCompare(b.ref_id)) };
}

describe.each(testBackends())("the official client's autotag calls on $name", (backend) => {
  beforeAll(async () => {
    ids.clear();
    server = await startTestServer(undefined, backend.options());
  });
  afterAll(async () => {
    await server.stop();
  });

  it("answer every recorded request with the recorded status, keys and values", async () => {
    for (const record of capture()) {
      const body =
        record.body_kind === "json" ? JSON.parse(substitute(JSON.stringify(record.body))) : undefined;
      const headers: Record<string, string> =
        body === undefined ? { "content-type": "application/json" } : {};
      const response = await server.call(record.method, substitute(record.route), { body, headers });
      const label = `seq ${record.seq} ${record.method} ${record.route} (${record.step})`;
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(record.response.status);
      if (record.response.status >= 400)
        expect((response.body as { error?: unknown }).error, label).toBeTypeOf("string");
      const actual =
        record.route.endsWith("/taggedItems") && response.status === 200
          ? taggedInOrder(response.body, (record.body as { score_threshold: number }).score_threshold)
          : response.body;
      compare(record.response.body, actual, label);
      // A training job runs in the background: the client waits for it before its next call.
      const job = (response.body as { job_id?: string; job_type?: string }).job_id;
      if (job && (response.body as { job_type?: string }).job_type === "autotagInference") {
        for (;;) {
          const status = (await server.call("GET", `job/${job}`)).body as { status: string };
          if (status.status !== "Running") {
            expect(status.status, label).toBe("Completed");
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    }
  });
});

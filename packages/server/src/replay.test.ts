/**
 * Replays, in order, every request the official Python client sent in its recorded README flow,
 * against the real server, and checks each status and every key and value it read back (ids
 * mapped to the ones this server made; times, URLs and job progress allowed to differ).
 * The recorded flow makes no Evaluations V2 calls: official-client-models.test.ts checks those
 * answers against the client's own response models.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadWireLog,
  startTestServer,
  type TestServer,
  TINY_PNG,
  testBackends,
  type WireRecord,
} from "./test-support.js";

const ID = /^(ds|di|ann|pred|prj|run|slc|job)_[0-9a-z]{20}$/;
const VOLATILE = new Set([
  "created_at",
  "job_creation_time",
  "signed_url",
  "message",
  "job_progress",
  "completed_steps",
  "total_steps",
]);

let server: TestServer;
const ids = new Map<string, string>();
const signedUrls = new Map<string, string>();
/** The mask_url each mask sent as a file had, by annotation id. */
const sentMasks = new Map<string, string>();

function substitute(text: string): string {
  return text.replace(/(ds|di|ann|pred|prj|run|slc|job)_[0-9a-z]{20}/g, (id) => ids.get(id) ?? id);
}

/** Compares what the recorder answered with what we answered, learning id mappings on the way. */
function compare(recorded: unknown, actual: unknown, path: string, record: WireRecord): void {
  if (typeof recorded === "string" && ID.test(recorded)) {
    expect(typeof actual, `${path} is an id`).toBe("string");
    const prefix = recorded.slice(0, recorded.indexOf("_") + 1);
    expect(actual as string, `${path} has the ${prefix} prefix`).toMatch(
      new RegExp(`^${prefix}[0-9a-z]{20}$`),
    );
    const known = ids.get(recorded);
    if (known) expect(actual, path).toBe(known);
    else ids.set(recorded, actual as string);
    return;
  }
  if (Array.isArray(recorded)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(recorded.length);
    for (const [i, entry] of recorded.entries())
      compare(entry, (actual as unknown[])[i], `${path}[${i}]`, record);
    return;
  }
  if (recorded !== null && typeof recorded === "object") {
    expect(actual, `${path} is an object`).toBeTypeOf("object");
    for (const [key, value] of Object.entries(recorded)) {
      expect(actual, `${path} has key ${key}`).toHaveProperty([key]);
      const mine = (actual as Record<string, unknown>)[key];
      if (VOLATILE.has(key)) continue;
      if (key === "status" && record.route.startsWith("job/")) {
        expect(["Running", "Completed"]).toContain(mine);
        continue;
      }
      if (key === "job_last_known_status") {
        expect(["Running", "Completed"]).toContain(mine);
        continue;
      }
      if (key === "item_metadata_schema" && value === null && mine !== null) {
        // The recorder declared no schema; ours is inferred from the items' metadata (a key and
        // its kind each), which the client passes on as it is.
        expect(mine, `${path}.${key}`).toBeTypeOf("object");
        for (const entry of Object.values(mine as Record<string, unknown>))
          expect(entry, `${path}.${key}`).toMatchObject({ type: expect.any(String) });
        continue;
      }
      if (key === "mask_url" && typeof value === "string" && /recorder-fake/.test(value)) {
        // A mask sent as a file: its mask_url is what the client sent (the official client
        // compares the two), and the bytes are served at mask_media_url.
        const sent = sentMasks.get(String((actual as { annotation_id?: unknown }).annotation_id));
        expect(mine, `${path}.${key}`).toBe(sent);
        expect((actual as { mask_media_url?: string }).mask_media_url).toMatch(
          /^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus\/__media\//,
        );
        continue;
      }
      if (
        key === "original_image_url" &&
        typeof value === "string" &&
        /127\.0\.0\.1|recorder-fake/.test(value)
      ) {
        // Local uploads: ours is a URL on this server that serves the bytes.
        expect(mine as string).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus\/__media\//);
        continue;
      }
      compare(value, mine, `${path}.${key}`, record);
    }
    return;
  }
  expect(actual, path).toEqual(typeof recorded === "string" ? substitute(recorded) : recorded);
}

function formOf(record: WireRecord): FormData {
  const form = new FormData();
  for (const part of record.body as {
    name: string;
    filename: string | null;
    content_type: string;
    size: number;
    json?: unknown;
  }[]) {
    if (part.json !== undefined) {
      const request = part.json as { segmentations?: { annotation_id?: string; mask_url: string }[] };
      for (const mask of request.segmentations ?? [])
        sentMasks.set(String(mask.annotation_id), mask.mask_url);
      form.append(part.name, substitute(JSON.stringify(part.json)));
    } else form.append(part.name, new Blob([TINY_PNG], { type: part.content_type }), part.filename ?? "file");
  }
  return form;
}

async function send(record: WireRecord) {
  if (record.route.startsWith("__upload/")) {
    const requestId = record.route.slice("__upload/".length);
    const url = signedUrls.get(requestId);
    expect(url, "a signed URL was handed out first").toBeDefined();
    const ndjson = (record.body as unknown[]).map((line) => substitute(JSON.stringify(line))).join("\n");
    const response = await fetch(url as string, { method: "PUT", body: ndjson });
    return { status: response.status, body: await response.json() };
  }
  const query = record.query.async ? "?async=1" : "";
  let body: unknown;
  if (record.body_kind === "json") body = JSON.parse(substitute(JSON.stringify(record.body)));
  if (record.body_kind === "multipart") body = formOf(record);
  const headers: Record<string, string> =
    record.body_kind === "empty" ? { "content-type": "application/json" } : {};
  if (
    record.route.startsWith("job/") &&
    (record.response.body as { status?: string }).status === "Completed"
  ) {
    await server.jobs.idle();
  }
  return server.call(record.method, `${substitute(record.route)}${query}`, { body, headers });
}

/**
 * The flow annotates a category of taxonomy `time_of_day`, which a Nucleus dataset must have
 * first (the recording server did not check): it is added right after the dataset is created.
 */
async function addTaxonomyOfTheFlow(created: unknown): Promise<void> {
  const datasetId = (created as { dataset_id: string }).dataset_id;
  const response = await server.call("POST", `dataset/${datasetId}/add_taxonomy`, {
    body: { taxonomy_name: "time_of_day", type: "category", labels: ["daytime", "night"], update: false },
  });
  expect(response.body).toMatchObject({ status: "Taxonomy created" });
}

describe.each(testBackends())("the official Python client's recorded flow on $name", (backend) => {
  beforeAll(async () => {
    ids.clear();
    signedUrls.clear();
    server = await startTestServer(undefined, backend.options());
  });
  afterAll(async () => {
    await server.stop();
  });

  it("replays all 86 requests in order with the statuses and keys the client reads", {
    timeout: 30_000,
  }, async () => {
    for (const record of loadWireLog()) {
      const response = await send(record);
      const label = `seq ${record.seq} ${record.method} ${record.route} (${record.step})`;
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(record.response.status);
      if (record.route.startsWith("__upload/")) continue;
      if (record.route.includes("/signedUrl/")) {
        const requestId = record.route.split("/").at(-1) as string;
        signedUrls.set(requestId, (response.body as { signed_url: string }).signed_url);
      }
      // Committing a run here also starts its evaluation job, which the recorded server did not have.
      const body =
        record.route === "jobs/"
          ? (response.body as { job_type: string }[]).filter((job) => job.job_type !== "modelRunCommit")
          : response.body;
      compare(record.response.body, body, label, record);
      if (record.route === "dataset/create") await addTaxonomyOfTheFlow(response.body);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCapture, WireComparison } from "./replay-support.js";
import { startTestServer, type TestServer, testBackends, type WireRecord } from "./test-support.js";

let server: TestServer;
const wire = new WireComparison({
  prefixes: ["ds", "di", "ann", "pred", "prj", "run", "slc", "job", "scn"],
  volatile: ["job_creation_time", "job_last_known_status", "completed_steps", "total_steps"],
  exactKeysAt: (path) => path.endsWith(".annotations"),
});
const ids = wire.ids;
const capture = () => loadCapture("python-client-scenes.jsonl");
const substitute = (text: string) => wire.substitute(text);
const compare = (recorded: unknown, actual: unknown, path: string) => wire.compare(recorded, actual, path);
const signedUrls = new Map<string, string>();

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

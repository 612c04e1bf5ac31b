import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCapture, WireComparison } from "./replay-support.js";
import { startTestServer, type TestServer, testBackends } from "./test-support.js";

/** The files the custom index reads: JSON objects of reference id to vector. */
const FILES: Record<string, unknown> = {
  "/embeddings-1.json": { img_1: [0.5, 0.25, -1], img_2: [-0.5, 0.75, 0.125] },
  "/embeddings-2.json": { img_3: [1, 0, 0.5] },
  "/embeddings-bad.json": { img_1: [1, 2], img_9: [1, 2, 3] },
};

let server: TestServer;
let files: Server;
let origin: string;
const wire = new WireComparison({
  prefixes: ["ds", "di", "slc", "job"],
  volatile: ["job_creation_time", "job_last_known_status", "completed_steps", "total_steps"],
  placeholder: (recorded, actual, path) => {
    if (recorded !== "{SIGNED_URL}") return false;
    expect(actual, path).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus\/__media\//);
    signedUrls.push(actual as string);
    return true;
  },
  rewrite: (text) => text.replaceAll("{FILES}", origin),
});
const ids = wire.ids;
const capture = () => loadCapture("python-client-embeddings.jsonl");
const substitute = (text: string) => wire.substitute(text);
const compare = (recorded: unknown, actual: unknown, path: string) => wire.compare(recorded, actual, path);
const signedUrls: string[] = [];

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

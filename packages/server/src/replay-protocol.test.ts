import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCapture, WireComparison } from "./replay-support.js";
import { startTestServer, type TestServer, testBackends } from "./test-support.js";

let server: TestServer;
const wire = new WireComparison({
  prefixes: ["ds", "di", "ann", "pred", "prj", "run", "slc", "job"],
  volatile: ["created_at", "job_creation_time", "job_last_known_status", "completed_steps", "total_steps"],
  exactKeysAt: (path) => path.endsWith(".annotations"),
});
const ids = wire.ids;
const capture = () => loadCapture("python-client-protocol.jsonl");
const substitute = (text: string) => wire.substitute(text);
const compare = (recorded: unknown, actual: unknown, path: string) => wire.compare(recorded, actual, path);

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

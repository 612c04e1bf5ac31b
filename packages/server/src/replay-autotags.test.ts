import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCapture, WireComparison } from "./replay-support.js";
import { startTestServer, type TestServer, testBackends } from "./test-support.js";

let server: TestServer;
const wire = new WireComparison({
  prefixes: ["ds", "di", "tag", "job"],
  volatile: ["job_creation_time", "job_last_known_status", "score", "average_ms_taken_in_refinement"],
});
const ids = wire.ids;
const capture = () => loadCapture("python-client-autotags.jsonl");
const substitute = (text: string) => wire.substitute(text);
const compare = (recorded: unknown, actual: unknown, path: string) => wire.compare(recorded, actual, path);

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

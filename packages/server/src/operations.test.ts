/**
 * /healthz, /readyz and /metrics on each backend: no key needed, readiness follows the database
 * and the media, and the metrics name route patterns and the queue depth, never a tenant's ids.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestBucket } from "./media/s3-testing.js";
import { createDataset, startTestServer, type TestServer, testBackends } from "./test-support.js";

const origin = (server: TestServer) => new URL(server.url).origin;

describe.each(testBackends())("operations routes on $name", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
  });
  afterAll(async () => {
    await server.stop();
  });

  it("answers /healthz and /readyz without a key", async () => {
    const health = await fetch(`${origin(server)}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${origin(server)}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok", media: "ok" });
    expect(ready.status).toBe(200);
  });

  it("counts requests by route pattern and reports the queue depth, with no tenant's ids", async () => {
    const ds = await createDataset(server, "secret-project-name");
    for (let i = 0; i < 3; i += 1) expect((await server.call("GET", `dataset/${ds}/info`)).status).toBe(200);
    await server.call("GET", "dataset/ds_nope/info");
    await server.call("POST", `dataset/${ds}/signedUrl/r1`);
    const response = await fetch(`${origin(server)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain(
      'nucleus_http_requests_total{method="GET",route="/v1/nucleus/dataset/:datasetId/info",status="200"} 3',
    );
    expect(text).toContain(
      'nucleus_http_requests_total{method="GET",route="/v1/nucleus/dataset/:datasetId/info",status="404"} 1',
    );
    expect(text).toMatch(
      /nucleus_http_request_duration_seconds_count\{method="GET",route="\/v1\/nucleus\/dataset\/:datasetId\/info"\} 4/,
    );
    expect(text).toContain('nucleus_jobs{state="queued"} 0');
    expect(text).toContain('nucleus_jobs{state="running"} 0');
    expect(text).not.toContain(ds);
    expect(text).not.toContain("secret-project-name");
    expect(text).not.toContain("ds_nope");
  });
});

describe("operations routes", () => {
  afterEach(() => {
    delete process.env.NUCLEUS_METRICS_TOKEN;
  });

  it("require the metrics token when one is set", async () => {
    process.env.NUCLEUS_METRICS_TOKEN = "scrape-me";
    const server = await startTestServer();
    try {
      expect((await fetch(`${origin(server)}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${origin(server)}/metrics`, {
        headers: { authorization: "Bearer scrape-me" },
      });
      expect(allowed.status).toBe(200);
      expect((await fetch(`${origin(server)}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("report unready, with the part that is down, when the media cannot be reached", async () => {
    const bucket = await startTestBucket();
    await bucket.stop();
    const server = await startTestServer(undefined, { media: `s3://${bucket.bucket}/x`, s3: bucket.s3 });
    try {
      const ready = await fetch(`${origin(server)}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "unready", database: "ok", media: "down" });
      expect((await fetch(`${origin(server)}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

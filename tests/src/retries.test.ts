/**
 * One retry loop per request: the uploader owns the retries of the chunks it sends, so a server
 * that always fails receives exactly `1 + retries` requests per chunk, and the report counts
 * those retries.
 */
import { NucleusClient } from "@nucleus/core";
import { Uploader } from "@nucleus/upload";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { KEY, startServer } from "./support.js";

let env: Awaited<ReturnType<typeof startServer>>;
let proxy: FaultProxy;
beforeAll(async () => {
  env = await startServer();
  proxy = await startFaultProxy(new URL(env.server.url).origin, {
    errorRate: 1,
    dropRate: 0,
    delayRate: 0,
    delayMs: 0,
  });
});
afterAll(async () => {
  await proxy.close();
  await env.stop();
});

describe("retries", () => {
  it.each([0, 1, 3])(
    "a server that always fails gets one request plus %i retries per chunk",
    async (retries) => {
      const datasetId = (await env.client.createDataset(`always-failing-${retries}`)).id;
      // The client's own default (several retries) must not multiply the uploader's.
      const client = new NucleusClient({
        apiKey: KEY,
        endpoint: `${proxy.url}${new URL(env.server.url).pathname}`,
      });
      const before = proxy.counts.requests;
      const report = await new Uploader(client, {
        retries: { retries, baseDelayMs: 1, maxDelayMs: 2 },
      }).append(datasetId, [{ imageUrl: "s3://b/x.jpg", referenceId: "x" }]);
      expect(proxy.counts.requests - before).toBe(1 + retries);
      expect(report.chunks.retries).toBe(retries);
      expect(report).toMatchObject({ total: 1, new: 0, failed: 1 });
    },
  );
});

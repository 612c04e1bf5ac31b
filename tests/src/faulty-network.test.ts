/**
 * 20,000 items and 100,000 annotations through a proxy that fails 10% of requests with
 * 500/503/429, drops 5% of connections mid-request and answers 1% after the client gave up.
 * The server ends with exactly the expected data, and the report's counts are right.
 */
import { NucleusClient } from "@nucleus/core";
import { Uploader } from "@nucleus/upload";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { contents, KEY, startServer } from "./support.js";

let env: Awaited<ReturnType<typeof startServer>>;
let proxy: FaultProxy;
let flaky: NucleusClient;

beforeAll(async () => {
  env = await startServer();
  proxy = await startFaultProxy(new URL(env.server.url).origin, {
    errorRate: 0.1,
    dropRate: 0.05,
    delayRate: 0.01,
    delayMs: 700,
  });
  flaky = new NucleusClient({
    apiKey: KEY,
    endpoint: `${proxy.url}/v1/nucleus`,
    maxRetries: 0,
    timeout: 400,
  });
});
afterAll(async () => {
  await proxy.close();
  await env.stop();
});

const ITEMS = 20_000;
const PER_ITEM = 5;

describe("uploads through a faulty network", () => {
  let datasetId: string;

  it("append 20,000 items: none missing, none duplicated, counts right", { timeout: 120_000 }, async () => {
    datasetId = (await env.client.createDataset("faulty")).id;
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      imageUrl: `s3://bucket/${i}.jpg`,
      referenceId: `item_${i}`,
    }));
    const uploader = new Uploader(flaky, {
      concurrency: 4,
      retries: { retries: 30, baseDelayMs: 5, maxDelayMs: 50 },
    });
    const report = await uploader.append(datasetId, items);
    expect(report).toMatchObject({ total: ITEMS, new: ITEMS, updated: 0, ignored: 0, failed: 0 });
    expect(report.chunks.sent).toBe(ITEMS / 20);
    expect(report.chunks.retries).toBeGreaterThan(50);
    const { refs } = await contents(env.client, datasetId);
    expect(refs).toHaveLength(ITEMS);
    expect(new Set(refs).size).toBe(ITEMS);
    expect(proxy.counts.dropped).toBeGreaterThan(10);
    expect(proxy.counts.delayed).toBeGreaterThan(0);
  });

  it("annotate 100,000 boxes: none missing, none duplicated, counts right", {
    timeout: 120_000,
  }, async () => {
    function* boxes() {
      for (let i = 0; i < ITEMS; i += 1) {
        for (let k = 0; k < PER_ITEM; k += 1) {
          yield {
            type: "box" as const,
            label: "thing",
            referenceId: `item_${i}`,
            annotationId: `a${k}`,
            geometry: { x: k, y: k, width: 5, height: 5 },
          };
        }
      }
    }
    const uploader = new Uploader(flaky, {
      concurrency: 4,
      batchSize: 1_000,
      retries: { retries: 30, baseDelayMs: 5, maxDelayMs: 50 },
    });
    const report = await uploader.annotate(datasetId, boxes());
    expect(report).toMatchObject({
      total: ITEMS * PER_ITEM,
      processed: ITEMS * PER_ITEM,
      ignored: 0,
      failed: 0,
    });
    const { boxes: count, boxIds } = await contents(env.client, datasetId);
    expect(count).toBe(ITEMS * PER_ITEM);
    expect(boxIds.size).toBe(ITEMS * PER_ITEM);
  });

  it("reports what failed, with index, reference id and reason, and uploads the rest", async () => {
    const uploader = new Uploader(flaky, {
      concurrency: 2,
      retries: { retries: 30, baseDelayMs: 5, maxDelayMs: 50 },
    });
    const report = await uploader.annotate(datasetId, [
      {
        type: "box",
        label: "ok",
        referenceId: "item_1",
        annotationId: "extra",
        geometry: { x: 0, y: 0, width: 1, height: 1 },
      },
      { type: "box", label: "bad", referenceId: "item_2", geometry: { x: 0, y: 0, width: -1, height: 1 } },
      {
        type: "box",
        label: "ghost",
        referenceId: "no_such_item",
        geometry: { x: 0, y: 0, width: 1, height: 1 },
      },
    ]);
    expect(report.processed).toBe(1);
    expect(report.failed).toBe(2);
    expect(report.failures).toEqual([
      {
        index: 1,
        referenceId: "item_2",
        reason: '(reference_id "item_2"): geometry.width must be >= 0, got -1',
      },
      {
        index: 2,
        referenceId: "no_such_item",
        reason: 'Item with reference id "no_such_item" doesn\'t exist.',
      },
    ]);
  });
});

/**
 * Whole listings through `@nucleus/core` on a real server: in Node the client sends its requests
 * with the `http` module, and what it lists is what the same client lists through `fetch`. Also
 * how that transport fails: timeouts, dropped connections, bodies cut short, aborts; and that it
 * reads a compressed body a proxy may send.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  NotFoundError,
  NucleusClient,
} from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { KEY, startServer } from "./support.js";

const ITEMS = 2_500;

let env: Awaited<ReturnType<typeof startServer>>;
let datasetId: string;
/** The same client through the global `fetch`. */
let viaFetch: NucleusClient;

beforeAll(async () => {
  env = await startServer();
  viaFetch = new NucleusClient({ apiKey: KEY, endpoint: env.server.url, fetch: globalThis.fetch });
  const dataset = await env.client.createDataset("listings");
  datasetId = dataset.id;
  const refs = Array.from({ length: ITEMS }, (_, i) => `img_${i}`);
  await dataset.append(
    refs.map((ref, i) => ({ referenceId: ref, imageUrl: `s3://bucket/${ref}.jpg`, metadata: { index: i } })),
  );
  await dataset.annotate(
    refs.map((ref, i) => ({
      type: "box" as const,
      label: i % 2 ? "car" : "person",
      referenceId: ref,
      annotationId: `b_${i}`,
      geometry: { x: i % 100, y: 2, width: 3, height: 4 },
    })),
  );
});
afterAll(async () => {
  await env.stop();
});

/** A proxy in front of the server that hands each response to `answer` instead of passing it on. */
async function startProxy(
  answer: (
    status: number,
    headers: Record<string, unknown>,
    body: Buffer,
    res: import("node:http").ServerResponse,
  ) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(env.server.url);
  const server: Server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () =>
          answer(response.statusCode ?? 502, response.headers, Buffer.concat(parts), res),
        );
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("listings through the http module", () => {
  it("lists every item in upload order, page by page, as fetch does", async () => {
    const refs = (items: { referenceId?: string }[]) => items.map((item) => item.referenceId);
    const all = await env.client.getDataset(datasetId).items().toArray({ limit: Number.POSITIVE_INFINITY });
    expect(refs(all)).toEqual(Array.from({ length: ITEMS }, (_, i) => `img_${i}`));
    const paged = await env.client
      .getDataset(datasetId)
      .items({ pageSize: 700 })
      .toArray({ limit: Infinity });
    expect(paged).toEqual(all);
    const fetched = await viaFetch
      .getDataset(datasetId)
      .items({ pageSize: 700 })
      .toArray({ limit: Infinity });
    expect(fetched).toEqual(all);
    expect(all[3]).toMatchObject({
      referenceId: "img_3",
      originalImageUrl: "s3://bucket/img_3.jpg",
      metadata: { index: 3 },
    });
  });

  it("exports every row with its box, as fetch does", async () => {
    const rows = await env.client
      .getDataset(datasetId)
      .export({ pageSize: 600 })
      .toArray({ limit: Infinity });
    expect(rows).toHaveLength(ITEMS);
    expect(rows[7]?.box).toEqual([
      expect.objectContaining({
        label: "car",
        referenceId: "img_7",
        annotationId: "b_7",
        geometry: { x: 7, y: 2, width: 3, height: 4 },
      }),
    ]);
    const fetched = await viaFetch
      .getDataset(datasetId)
      .export({ pageSize: 600 })
      .toArray({ limit: Infinity });
    expect(fetched).toEqual(rows);
  });

  it("reads a gzip-compressed body", async () => {
    const proxy = await startProxy((status, headers, body, res) => {
      const { "content-length": _, "transfer-encoding": __, ...rest } = headers;
      res.writeHead(status, { ...(rest as Record<string, string>), "content-encoding": "gzip" });
      res.end(gzipSync(body));
    });
    try {
      const client = new NucleusClient({ apiKey: KEY, endpoint: proxy.url });
      const items = await client.getDataset(datasetId).items({ pageSize: 1_000 }).toArray({ limit: 1_500 });
      expect(items.map((item) => item.referenceId)).toEqual(
        Array.from({ length: 1_500 }, (_, i) => `img_${i}`),
      );
    } finally {
      await proxy.close();
    }
  });

  it("fails a body cut short rather than reading part of it", async () => {
    const proxy = await startProxy((status, headers, body, res) => {
      const { "transfer-encoding": _, ...rest } = headers;
      res.writeHead(status, { ...(rest as Record<string, string>), "content-length": String(body.length) });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
    });
    try {
      const client = new NucleusClient({ apiKey: KEY, endpoint: proxy.url, maxRetries: 0 });
      await expect(
        client.getDataset(datasetId).items({ pageSize: 1_000 }).toArray({ limit: 10 }),
      ).rejects.toThrow(/closed before the response's end|aborted/);
    } finally {
      await proxy.close();
    }
  });

  it("names an API error, a timeout, a dropped connection and an abort", async () => {
    await expect(env.client.getDataset("ds_unknown").info()).rejects.toBeInstanceOf(NotFoundError);
    let proxy: FaultProxy = await startFaultProxy(new URL(env.server.url).origin, {
      errorRate: 0,
      dropRate: 0,
      delayRate: 1,
      delayMs: 1_000,
    });
    try {
      const endpoint = `${proxy.url}/v1/nucleus`;
      const slow = new NucleusClient({ apiKey: KEY, endpoint, timeout: 200, maxRetries: 0 });
      await expect(slow.getDataset(datasetId).info()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const patient = new NucleusClient({ apiKey: KEY, endpoint, maxRetries: 0 });
      await expect(patient.getDataset(datasetId).info({ signal: controller.signal })).rejects.toBeInstanceOf(
        APIUserAbortError,
      );
    } finally {
      await proxy.close();
    }
    proxy = await startFaultProxy(new URL(env.server.url).origin, {
      errorRate: 0,
      dropRate: 1,
      delayRate: 0,
      delayMs: 0,
    });
    try {
      const dropped = new NucleusClient({ apiKey: KEY, endpoint: `${proxy.url}/v1/nucleus`, maxRetries: 1 });
      const failure = await dropped
        .getDataset(datasetId)
        .info()
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(APIConnectionError);
      expect(failure).not.toBeInstanceOf(APIConnectionTimeoutError);
      // A read is safe to repeat: it was sent twice.
      expect(proxy.counts.requests).toBe(2);
    } finally {
      await proxy.close();
    }
  });
});

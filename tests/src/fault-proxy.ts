/**
 * A fault-injecting HTTP proxy on loopback for upload tests: it fails some requests with 500,
 * 503 or 429, drops some connections (before or after the server applied the request), and
 * answers some only after the client has given up.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How often each fault happens (fractions of requests). */
export interface Faults {
  errorRate: number;
  dropRate: number;
  delayRate: number;
  delayMs: number;
}

/** A running proxy: its base URL and what it did. */
export interface FaultProxy {
  url: string;
  counts: {
    requests: number;
    forwarded: number;
    errors: number;
    dropped: number;
    delayed: number;
    byPath: Map<string, number>;
  };
  close(): Promise<void>;
}

function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts a proxy in front of `upstream` (an origin such as `http://127.0.0.1:1234`). */
export async function startFaultProxy(upstream: string, faults: Faults, seed = 1): Promise<FaultProxy> {
  const random = seeded(seed);
  const target = new URL(upstream);
  const counts: FaultProxy["counts"] = {
    requests: 0,
    forwarded: 0,
    errors: 0,
    dropped: 0,
    delayed: 0,
    byPath: new Map(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      counts.requests += 1;
      const body = Buffer.concat(chunks);
      const roll = random();
      const forward = (
        onDone: (status: number, headers: Record<string, unknown>, payload: Buffer) => void,
      ) => {
        counts.forwarded += 1;
        const path = (req.url ?? "/").split("?")[0] as string;
        counts.byPath.set(path, (counts.byPath.get(path) ?? 0) + 1);
        const upstreamRequest = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (upstreamResponse) => {
            const parts: Buffer[] = [];
            upstreamResponse.on("data", (part: Buffer) => parts.push(part));
            upstreamResponse.on("end", () =>
              onDone(upstreamResponse.statusCode ?? 502, upstreamResponse.headers, Buffer.concat(parts)),
            );
          },
        );
        upstreamRequest.on("error", () => res.destroy());
        upstreamRequest.end(body);
      };
      const reply = (status: number, headers: Record<string, unknown>, payload: Buffer) => {
        if (res.destroyed) return;
        res.writeHead(status, headers as Record<string, string>);
        res.end(payload);
      };
      if (roll < faults.errorRate) {
        counts.errors += 1;
        const status = [500, 503, 429][Math.floor(random() * 3)] as number;
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (status === 429) headers["retry-after"] = "0";
        res.writeHead(status, headers);
        res.end(JSON.stringify({ error: "injected fault" }));
      } else if (roll < faults.errorRate + faults.dropRate) {
        counts.dropped += 1;
        // Half the drops happen after the server applied the request: only the answer is lost.
        if (random() < 0.5) forward(() => res.socket?.destroy());
        else res.socket?.destroy();
      } else if (roll < faults.errorRate + faults.dropRate + faults.delayRate) {
        counts.delayed += 1;
        setTimeout(() => forward(reply), faults.delayMs);
      } else {
        forward(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `nu` against a server listening on this machine sends through the SDK's own transport (Node's
 * `http` module), not through `fetch`, which is kept for the in-process fallback of a data folder
 * without a server: `fetch` costs about twice the client CPU a response.
 */
import { createServer as createProxy, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let session: NuSession;
let proxy: Server;
let proxyUrl: string;
/** Each request's `sec-fetch-mode` header, which `fetch` sets and Node's `http` module does not. */
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  session = await startNuSession("transport-key");
  const target = new URL(session.server.url);
  // A pass-through in front of the real server, on loopback, that notes how each request was sent.
  proxy = createProxy((req, res) => {
    seen.push(req.headers["sec-fetch-mode"] as string | undefined);
    const out = forward(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    req.pipe(out);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
});
afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await session.stop();
});

describe("nu and a local server", () => {
  it("sends with Node's http module when a server listens at the local endpoint", async () => {
    const env = { ...session.env, NUCLEUS_ENDPOINT: proxyUrl };
    const created = await session.nu(["datasets", "create", "transport", "--json"], { env });
    expect(created.code, created.stderr).toBe(0);
    const listed = await session.nu(["datasets", "list", "--json"], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("transport");
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((mode) => mode !== undefined)).toEqual([]);
  });
});

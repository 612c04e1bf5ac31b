/**
 * The Node transport's replies, against a loopback HTTP server: a body is read once, and a reply
 * kept after its body was read does not keep the body's text alive (a listing's pages are larger
 * than V8's large-object threshold, and each one kept past a garbage collection stays in the heap
 * until a full one).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendNative } from "./node-http.js";
import type { NativeReply } from "./platform.js";

/** A body of about 600 KB: well past the 128 KB from which V8 keeps a string as a large object. */
const BODY = JSON.stringify({ data: Array.from({ length: 20_000 }, (_, i) => ({ id: `row_${i}`, n: i })) });

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = () => sendNative(url, { method: "GET", headers: {}, signal: new AbortController().signal });

/** Bytes of large objects in the heap after a full collection. */
function largeObjectBytes(gc: () => void): number {
  gc();
  gc();
  return getHeapSpaceStatistics()
    .filter((space) => space.space_name.endsWith("large_object_space"))
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

describe("Node transport replies", () => {
  it("give their body once, as fetch's Response does", async () => {
    const reply = await get();
    expect(JSON.parse(await reply.text())).toEqual(JSON.parse(BODY));
    await expect(reply.text()).rejects.toThrow(/already read/);
  });

  it("do not keep a body's text once it was read", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const kept: NativeReply[] = [];
    // Warmed up first: the connection and the code paths allocate once.
    JSON.parse(await (await get()).text());
    const before = largeObjectBytes(gc);
    for (let i = 0; i < 8; i += 1) {
      const reply = await get();
      expect(JSON.parse(await reply.text()).data).toHaveLength(20_000);
      // A caller (or a connection's listeners) may hold a reply for a while.
      kept.push(reply);
    }
    const grown = largeObjectBytes(gc) - before;
    expect(kept).toHaveLength(8);
    // Eight kept texts would be 8 x 600 KB; less than one may stay with a connection's buffers.
    expect(grown).toBeLessThan(BODY.length);
  });
});

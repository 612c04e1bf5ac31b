/** Helpers for this package's tests: a real server on loopback with a temporary data folder. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  listen,
  type OpenServerOptions,
  openServer,
  type RunningNucleusServer,
  type ServerParts,
} from "./server.js";
import { newSchema, testDatabaseUrl, withSchema } from "./store/postgres/testing.js";

/** A backend a test server runs on: its name, and the options that pick it (fresh storage each call). */
export interface TestBackend {
  name: string;
  options(): Partial<OpenServerOptions>;
}

/** The secret test servers on PostgreSQL share. */
export const TEST_SECRET = "5e".repeat(32);

/**
 * The backends suites that run on each go through: SQLite in the data folder always, and
 * PostgreSQL (a schema of its own per server) when the test run has a database.
 */
export function testBackends(): TestBackend[] {
  const url = testDatabaseUrl();
  return [
    { name: "SQLite", options: () => ({}) },
    ...(url === null
      ? []
      : [
          {
            name: "PostgreSQL",
            options: () => ({ database: withSchema(url, newSchema("srv")), secret: TEST_SECRET }),
          },
        ]),
  ];
}

/** The API key every test server accepts, and a second tenant's key. */
export const KEY = "test_key";
export const OTHER_KEY = "other_key";

/** A running server with its data folder, removed by `stop`. */
export interface TestServer extends RunningNucleusServer, ServerParts {
  dataDir: string;
  /** What the server logged (errors only). */
  logs: string[];
  stop(): Promise<void>;
  /** Calls the API as `key` (default {@link KEY}); `body` is sent as JSON unless it is FormData or a string. */
  call(
    method: string,
    route: string,
    options?: CallOptions,
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
}

/** Options of {@link TestServer.call}. */
export interface CallOptions {
  body?: unknown;
  key?: string | null;
  headers?: Record<string, string>;
}

/** Starts a server on an ephemeral port over a fresh data folder (or the one given). */
export async function startTestServer(
  dataDir?: string,
  options: Partial<Omit<OpenServerOptions, "dataDir" | "apiKeys">> = {},
): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "nucleus-server-"));
  const logs: string[] = [];
  const server = await listen(
    openServer({ dataDir: dir, apiKeys: [KEY, OTHER_KEY], log: (l) => logs.push(l), ...options }),
    { port: 0 },
  );
  return {
    ...server,
    dataDir: dir,
    logs,
    async stop() {
      await server.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
    async call(method, route, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? KEY : options.key;
      if (key !== null) headers.authorization = `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
      let bytes: Buffer | undefined;
      if (options.body instanceof FormData) {
        // Let the platform encode the form, then send it with our own client (GET bodies included).
        const encoded = new Response(options.body);
        headers["content-type"] = encoded.headers.get("content-type") as string;
        bytes = Buffer.from(await encoded.arrayBuffer());
      } else if (typeof options.body === "string") bytes = Buffer.from(options.body);
      else if (options.body !== undefined) {
        bytes = Buffer.from(JSON.stringify(options.body));
        headers["content-type"] ??= "application/json";
      }
      if (bytes) headers["content-length"] = String(bytes.byteLength);
      const response = await rawRequest(method, `${server.url}/${route}`, headers, bytes);
      let parsed: unknown = response.text;
      try {
        parsed = JSON.parse(response.text);
      } catch {
        // leave as text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
  };
}

/** An HTTP request with node:http, which (unlike fetch) sends a body on GET like the Python client. */
export function rawRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === "string") responseHeaders.set(name, value);
        }
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString("utf8"),
          headers: responseHeaders,
        });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** One recorded request of the official Python client. */
export interface WireRecord {
  seq: number;
  step: string;
  method: string;
  route: string;
  query: Record<string, string[]>;
  headers: [string, string][];
  body_kind: "empty" | "json" | "multipart" | "ndjson";
  body: unknown;
  response: { status: number; body: unknown };
}

/** The official client's recorded README flow, in order. */
export function loadWireLog(): WireRecord[] {
  const path = fileURLToPath(new URL("../../../fixtures/spec/python-client-wire.jsonl", import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as WireRecord);
}

/** The smallest valid PNG: a 1x1 grey pixel. */
export const TINY_PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c6360000000020001e221bc330000000049454e44ae426082",
  "hex",
);

/** Builds `count` remote items `prefix0`, `prefix1`, ... */
export function remoteItems(count: number, prefix = "img_", metadata: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) => ({
    reference_id: `${prefix}${i}`,
    image_url: `https://example.invalid/${prefix}${i}.jpg`,
    metadata: { index: i, ...metadata },
  }));
}

/** Creates a dataset and returns its id. */
export async function createDataset(server: TestServer, name = "test", key?: string): Promise<string> {
  const response = await server.call("POST", "dataset/create", { body: { name }, ...(key ? { key } : {}) });
  if (response.status !== 200) throw new Error(`create dataset: ${JSON.stringify(response.body)}`);
  return (response.body as { dataset_id: string }).dataset_id;
}

/** A seeded generator of numbers in [0, 1) (mulberry32): tests draw the same data every run. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

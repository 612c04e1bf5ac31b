/**
 * Large bodies cannot exhaust the server's memory: bodies are read only after authentication,
 * within each route's limit, and NDJSON payloads stream to disk. The server runs as the built
 * binary in a child process, whose peak resident memory (VmHWM) is read from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY, rawRequest } from "./test-support.js";

const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const MB = 1024 * 1024;
const auth = { authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}` };

let child: ChildProcess;
let url: string;
let dataDir: string;

/** The child's peak resident memory so far, in bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return Number(match?.[1] ?? 0) * 1024;
}

/**
 * Sends a body of `total` bytes (declared when `declare` is set, chunked otherwise) in 1 MiB
 * chunks, as fast as the server takes them, and stops once the server answers.
 */
function send(
  method: string,
  path: string,
  options: { total: number; declare: boolean; headers?: Record<string, string>; chunk?: Buffer },
): Promise<{ status: number; sent: number; body: string }> {
  const chunk = options.chunk ?? Buffer.alloc(MB, 0x20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string> = { ...options.headers };
    if (options.declare) headers["content-length"] = String(options.total);
    const req = request(`${url}/${path}`, { method, headers }, (response) => {
      answered = true;
      let body = "";
      response.on("data", (part: Buffer) => {
        body += part.toString();
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, sent, body }));
      response.on("error", reject);
    });
    // The server may close the connection once it has answered without reading the rest.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < options.total) {
        const part = chunk.subarray(0, Math.min(chunk.length, options.total - sent));
        sent += part.length;
        if (!req.write(part)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

beforeAll(async () => {
  if (!existsSync(binary)) throw new Error("build the server first (pnpm build)");
  dataDir = mkdtempSync(join(tmpdir(), "nucleus-memory-"));
  child = spawn(process.execPath, [binary, "--data", dataDir, "--port", "0", "--api-key", KEY, "--quiet"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  // Warm up every path the tests take, so that what they measure is the bodies alone.
  await rawRequest(
    "POST",
    `${url}/dataset/create`,
    { ...auth, "content-type": "application/json" },
    Buffer.from('{"name":"warm"}'),
  );
}, 30_000);

afterAll(() => {
  child?.kill("SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("memory under large bodies", () => {
  it("answers six parallel 510 MB bodies without a key with a 401, reading none of them", {
    timeout: 30_000,
  }, async () => {
    const before = peakRss();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        send("POST", "dataset/create", {
          total: 510 * MB,
          // Half declare their length, half are chunked (which no length check can refuse).
          declare: i % 2 === 0,
          headers: { "content-type": "application/json" },
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      // Refused long before the bodies could have been sent.
      expect(answer.sent).toBeLessThan(200 * MB);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(peakRss() - before).toBeLessThan(64 * MB);
  });

  it("answers a chunked 300 MB PUT to a made-up upload token with a 404 without reading it", {
    timeout: 30_000,
  }, async () => {
    const before = peakRss();
    const answer = await send("PUT", "__upload/not-a-token", { total: 300 * MB, declare: false });
    expect(answer.status).toBe(404);
    expect(peakRss() - before).toBeLessThan(64 * MB);
  });

  it("streams a chunked 200 MB NDJSON payload to disk", { timeout: 60_000 }, async () => {
    const created = await rawRequest(
      "POST",
      `${url}/dataset/create`,
      { ...auth, "content-type": "application/json" },
      Buffer.from('{"name":"big"}'),
    );
    const datasetId = (JSON.parse(created.text) as { dataset_id: string }).dataset_id;
    const signed = await rawRequest("GET", `${url}/dataset/${datasetId}/signedUrl/big-upload`, auth);
    const token = (JSON.parse(signed.text) as { signed_url: string }).signed_url.split("/__upload/")[1];
    const line = `${JSON.stringify({ reference_id: "x", image_url: "https://example.invalid/x.jpg" })}\n`;
    const chunk = Buffer.from(line.repeat(Math.floor(MB / line.length)));
    const before = peakRss();
    const answer = await send("PUT", `__upload/${token}`, { total: 200 * MB, declare: false, chunk });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ size: 200 * MB });
    expect(peakRss() - before).toBeLessThan(100 * MB);
  });

  it("refuses a chunked JSON body past its route's limit as soon as it passes it", {
    timeout: 60_000,
  }, async () => {
    const before = peakRss();
    const answer = await send("POST", "dataset/ds_x/append", {
      total: 300 * MB,
      declare: false,
      headers: { ...auth, "content-type": "application/json" },
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/larger than 67108864 bytes/);
    expect(answer.sent).toBeLessThan(200 * MB);
    // The 64 MiB read before the refusal, and no more.
    expect(peakRss() - before).toBeLessThan(160 * MB);
  });
});

/**
 * An upload job killed with `kill -9` part-way resumes after the last chunk it applied and
 * reports counts of what it applied itself: every row new, none ignored. The server runs as the
 * built binary in a child process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { KEY, rawRequest, remoteItems } from "./test-support.js";

const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const auth = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-accounting-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [binary, "--data", dataDir, "--port", "0", "--api-key", KEY, "--quiet", "--job-lease-seconds", "1"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url };
}

async function call(url: string, method: string, route: string, body?: unknown) {
  const response = await rawRequest(
    method,
    `${url}/${route}`,
    auth,
    body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  );
  return JSON.parse(response.text) as Record<string, unknown>;
}

describe("upload job accounting", () => {
  it("counts a job resumed after kill -9 from what it applied itself", { timeout: 120_000 }, async () => {
    const TOTAL = 60_000;
    const first = await start();
    const ds = (await call(first.url, "POST", "dataset/create", { name: "resumed" })).dataset_id as string;
    const signed = (await call(first.url, "GET", `dataset/${ds}/signedUrl/big`)).signed_url as string;
    const payload = Buffer.from(
      remoteItems(TOTAL)
        .map((item) => JSON.stringify(item))
        .join("\n"),
    );
    expect((await rawRequest("PUT", signed, {}, payload)).status).toBe(200);
    const jobId = (await call(first.url, "POST", `dataset/${ds}/append?async=1`, { requestId: "big" }))
      .job_id as string;

    // Killed once part of the payload is in, before all of it is.
    let done = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      done = (await call(first.url, "GET", `job/${jobId}`)).completed_steps as number;
      if (done > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(TOTAL);

    const second = await start();
    try {
      let status: Record<string, unknown> = {};
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
        status = await call(second.url, "GET", `job/${jobId}`);
        if (status.status !== "Running") break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status.status).toBe("Completed");
      expect(status.message).toEqual({
        item_upload: { total: TOTAL, new: TOTAL, updated: 0, ignored: 0, errored: 0 },
      });
      expect(await call(second.url, "GET", `dataset/${ds}/size`)).toEqual({ count: TOTAL });
    } finally {
      second.child.kill("SIGKILL");
    }
  });
});

/**
 * Kill the uploading process halfway, rerun it with its journal: the server ends with exactly
 * the expected items, chunks acknowledged before the kill are not sent again, and the rerun's
 * report counts the whole upload.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { contents, KEY, startServer } from "./support.js";

const child = fileURLToPath(new URL("./fixtures/upload-child.mjs", import.meta.url));
const COUNT = 4_000;
const CHUNKS = COUNT / 20;

let env: Awaited<ReturnType<typeof startServer>>;
let proxy: FaultProxy;
beforeAll(async () => {
  env = await startServer();
  // A counting proxy with no faults: it tells which chunks the rerun sends.
  proxy = await startFaultProxy(new URL(env.server.url).origin, {
    errorRate: 0,
    dropRate: 0,
    delayRate: 0,
    delayMs: 0,
  });
});
afterAll(async () => {
  await proxy.close();
  await env.stop();
});

function acknowledged(journal: string): number[] {
  if (!existsSync(journal)) return [];
  return readFileSync(journal, "utf8")
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      try {
        return [(JSON.parse(line) as { chunk: number }).chunk];
      } catch {
        return [];
      }
    });
}

describe("resuming an upload", () => {
  it("after kill -9, sends only what was not acknowledged and ends exact", { timeout: 120_000 }, async () => {
    const datasetId = (await env.client.createDataset("resume")).id;
    const journal = join(env.dir, "upload.journal");
    const args = [child, "append", `${proxy.url}/v1/nucleus`, KEY, datasetId, journal, String(COUNT)];

    const first = spawn(process.execPath, args, { stdio: "ignore" });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (acknowledged(journal).length >= CHUNKS / 3) {
          clearInterval(timer);
          first.kill("SIGKILL");
          resolve();
        }
      }, 2);
      first.once("exit", () => {
        clearInterval(timer);
        reject(new Error("the upload finished before it could be killed"));
      });
    });
    await new Promise((resolve) => first.once("exit", resolve));
    const done = new Set(acknowledged(journal));
    expect(done.size).toBeGreaterThan(0);
    expect(done.size).toBeLessThan(CHUNKS);

    const appendsBefore = proxy.counts.byPath.get(`/v1/nucleus/dataset/${datasetId}/append`) ?? 0;
    const output = await new Promise<string>((resolve, reject) => {
      const second = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      second.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      second.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`rerun exited ${code}`))));
    });
    const { report } = JSON.parse(output) as {
      report: { new: number; ignored: number; failed: number; chunks: { sent: number; skipped: number } };
    };
    const appendsInRerun =
      (proxy.counts.byPath.get(`/v1/nucleus/dataset/${datasetId}/append`) ?? 0) - appendsBefore;

    expect(report.chunks.skipped).toBe(done.size);
    expect(report.chunks.sent).toBe(CHUNKS - done.size);
    expect(appendsInRerun).toBe(CHUNKS - done.size);
    expect(report).toMatchObject({ new: COUNT, ignored: 0, failed: 0 });
    const { refs } = await contents(env.client, datasetId);
    expect(refs).toHaveLength(COUNT);
    expect(new Set(refs)).toEqual(new Set(Array.from({ length: COUNT }, (_, i) => `crash_${i}`)));
  });
});

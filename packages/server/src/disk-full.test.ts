/**
 * A full disk: requests get a 507 that says so and keep nothing (no temporary file is left), an
 * upload job stops saying exactly which lines it applied, and the server works again once there
 * is room. The data folder sits on a small tmpfs of its own (mounting needs root: skipped
 * without it).
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statfsSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, rawRequest, remoteItems, startTestServer, type TestServer } from "./test-support.js";

const root = mkdtempSync(join(tmpdir(), "nucleus-full-"));
const mounted = (() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", root], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const filler = join(root, "filler");
let server: TestServer;

/** Fills the disk, leaving about `room` bytes free. */
function fill(room: number): void {
  const free = () => {
    const stats = statfsSync(root);
    return stats.bavail * stats.bsize;
  };
  const fd = openSync(filler, "a");
  const block = Buffer.alloc(4096, 1);
  try {
    while (free() > room) writeSync(fd, block);
  } catch {
    // full already
  } finally {
    closeSync(fd);
  }
}

/** Every temporary file left anywhere in the data folder. */
function temporaryFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".tmp"));
}

beforeAll(async () => {
  if (!mounted) return;
  const dataDir = join(root, "data");
  // Private, as the server makes its own (a looser folder is warned about).
  mkdirSync(dataDir, { mode: 0o700 });
  server = await startTestServer(dataDir);
});

afterAll(async () => {
  if (mounted) {
    await server?.stop();
    try {
      execFileSync("umount", [root]);
    } catch {
      // Something still holds a file there: detach it now, freed when let go.
      execFileSync("umount", ["-l", root]);
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!mounted)("a full disk", () => {
  it("answers writes with a 507 that says so, keeps nothing, and works again once there is room", async () => {
    const ds = await createDataset(server);
    fill(0);
    const response = await server.call("POST", `dataset/${ds}/append`, {
      body: { items: remoteItems(2_000) },
    });
    expect(response.status).toBe(507);
    expect((response.body as { error: string }).error).toMatch(
      /disk is full: nothing of this request was kept/,
    );

    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/full`)).body as { signed_url?: string };
    if (signed.signed_url) {
      const payload = Buffer.from(
        remoteItems(20_000)
          .map((item) => `${JSON.stringify(item)}\n`)
          .join(""),
      );
      const put = await rawRequest("PUT", signed.signed_url, {}, payload);
      expect(put.status).toBe(507);
    }
    expect(temporaryFiles(server.dataDir)).toEqual([]);

    rmSync(filler);
    const again = await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(2_000) } });
    expect(again.status).toBe(200);
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 2_000 });
  });

  it("stops an upload job that meets a full disk, saying exactly which lines were applied", async () => {
    const ds = await createDataset(server, "job");
    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/job`)).body as { signed_url: string };
    const lines = remoteItems(20_000, "job_", { pad: "x".repeat(200) }).map((item) => JSON.stringify(item));
    expect((await rawRequest("PUT", signed.signed_url, {}, Buffer.from(lines.join("\n")))).status).toBe(200);
    // Room for a few chunks of the job, not for all of them.
    fill(600 * 1024);
    const started = await server.call("POST", `dataset/${ds}/append?async=1`, { body: { requestId: "job" } });
    expect(started.status).toBe(200);
    await server.idle();
    rmSync(filler, { force: true });

    const jobId = (started.body as { job_id: string }).job_id;
    const status = (await server.call("GET", `job/${jobId}`)).body as {
      status: string;
      message: { final_error: string; item_upload: { new: number } };
      completed_steps: number;
    };
    expect(status.status).toBe("Errored_Server");
    const stated = /the first (\d+) entries \(payload lines 1-(\d+)\) were applied|no line was applied/.exec(
      status.message.final_error,
    );
    expect(stated, status.message.final_error).not.toBeNull();
    expect(status.message.final_error).toMatch(/disk is full/);
    const applied = Number(stated?.[1] ?? 0);
    expect(applied).toBeLessThan(20_000);
    expect(status.completed_steps).toBe(applied);
    expect(status.message.item_upload.new).toBe(applied);
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: applied });
    expect(temporaryFiles(server.dataDir)).toEqual([]);
  });
});

/**
 * What was acknowledged survives a kill -9, and concurrent writers neither lose nor duplicate.
 * The crash test runs the built server binary in a child process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createDataset, KEY, rawRequest, remoteItems, startTestServer } from "./test-support.js";

const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const auth = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [binary, "--data", dataDir, "--port", "0", "--api-key", KEY, "--quiet"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url };
}

async function post(url: string, route: string, body: unknown) {
  const response = await rawRequest("POST", `${url}/${route}`, auth, Buffer.from(JSON.stringify(body)));
  return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
}

describe("durability", () => {
  it("keeps every acknowledged item across a kill -9 in the middle of appending", {
    timeout: 60_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nucleus-crash-"));
    dirs.push(dataDir);
    const first = await startChild(dataDir);
    const ds = (await post(first.url, "dataset/create", { name: "crash" })).body.dataset_id as string;

    const acknowledged = new Set<string>();
    const sent = new Map<number, string[]>();
    let batch = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const id = batch++;
        const items = remoteItems(20, `b${id}_`);
        sent.set(
          id,
          items.map((item) => item.reference_id),
        );
        try {
          const response = await post(first.url, `dataset/${ds}/append`, { items });
          if (response.status === 200 && response.body.new_items === 20) {
            for (const item of items) acknowledged.add(item.reference_id);
          }
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const writers = [writer(), writer(), writer()];
    while (acknowledged.size < 2_000) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    first.child.kill("SIGKILL");
    await Promise.all(writers);

    const second = await startChild(dataDir);
    try {
      const present = new Set<string>();
      let token: string | null = null;
      do {
        const page = (
          await post(second.url, `dataset/${ds}/itemsPage`, { pageToken: token, pageSize: 5_000 })
        ).body as {
          items: { reference_id: string }[];
          nextPageToken: string | null;
        };
        for (const item of page.items) present.add(item.reference_id);
        token = page.nextPageToken;
      } while (token);
      for (const ref of acknowledged) expect(present.has(ref), ref).toBe(true);
      // Each batch applied whole or not at all.
      for (const refs of sent.values()) {
        const applied = refs.filter((ref) => present.has(ref)).length;
        expect([0, 20]).toContain(applied);
      }
      expect(acknowledged.size).toBeGreaterThanOrEqual(2_000);
    } finally {
      second.child.kill("SIGTERM");
    }
  });

  it("lets ten clients append overlapping items at once with no loss and no duplicates", {
    timeout: 30_000,
  }, async () => {
    const server = await startTestServer();
    try {
      const ds = await createDataset(server);
      const items = remoteItems(1_000, "shared_");
      const clients = Array.from({ length: 10 }, async (_, client) => {
        // Each client sends every item, in its own order.
        const order = [...items].sort(
          (a, b) => ((a.metadata.index * (client + 3)) % 1_009) - ((b.metadata.index * (client + 3)) % 1_009),
        );
        let created = 0;
        let ignored = 0;
        for (let i = 0; i < order.length; i += 50) {
          const response = await server.call("POST", `dataset/${ds}/append`, {
            body: { items: order.slice(i, i + 50) },
          });
          created += (response.body as { new_items: number }).new_items;
          ignored += (response.body as { ignored_items: number }).ignored_items;
        }
        return { created, ignored };
      });
      const results = await Promise.all(clients);
      expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(1_000);
      expect(results.reduce((sum, r) => sum + r.ignored, 0)).toBe(9_000);
      const all = (await server.call("GET", `dataset/${ds}/datasetItems`)).body as {
        dataset_items: { reference_id: string }[];
      };
      const refs = all.dataset_items.map((item) => item.reference_id);
      expect(refs).toHaveLength(1_000);
      expect(new Set(refs).size).toBe(1_000);
    } finally {
      await server.stop();
    }
  });

  it("lets two server processes on one data folder take overlapping appends at once, with no errors", {
    timeout: 60_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nucleus-two-"));
    dirs.push(dataDir);
    const first = await startChild(dataDir);
    const second = await startChild(dataDir);
    try {
      const ds = (await post(first.url, "dataset/create", { name: "shared" })).body.dataset_id as string;
      const items = remoteItems(600, "both_");
      const writers = [first.url, second.url, first.url, second.url].map(async (url, writer) => {
        const statuses: number[] = [];
        let created = 0;
        for (let i = 0; i < items.length; i += 20) {
          // Each writer sends every item, starting at its own offset.
          const start = (i + writer * 150) % items.length;
          const response = await post(url, `dataset/${ds}/append`, { items: items.slice(start, start + 20) });
          statuses.push(response.status);
          created += Number(response.body.new_items ?? 0);
        }
        return { statuses, created };
      });
      const results = await Promise.all(writers);
      for (const { statuses } of results) expect(new Set(statuses)).toEqual(new Set([200]));
      expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(600);
      const size = await rawRequest("GET", `${second.url}/dataset/${ds}/size`, auth);
      expect(JSON.parse(size.text)).toEqual({ count: 600 });
    } finally {
      first.child.kill("SIGTERM");
      second.child.kill("SIGTERM");
    }
  });
});

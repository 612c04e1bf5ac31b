/**
 * One-shot listings stream a page at a time: `datasetItems` of 100k items keeps the server's
 * peak RSS growth bounded, and its JSON is byte for byte what the whole list would give (the
 * same items, keys and order as the paged listing). The server runs as the built binary in a
 * child process, whose peak resident memory (VmHWM) is read from /proc; smaller listings (export,
 * slices, an empty dataset) run in process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { KEY, startTestServer, type TestServer } from "./test-support.js";

const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const MB = 1024 * 1024;
const ITEMS = 100_000;
const headers = {
  authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
  "content-type": "application/json",
};

let child: ChildProcess | undefined;
let dataDir: string | undefined;

/** Starts the built server over `dir`; resolves with its URL. */
async function startChild(dir: string): Promise<string> {
  const server = spawn(
    process.execPath,
    [binary, "--data", dir, "--port", "0", "--api-key", KEY, "--quiet"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  child = server;
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout as NodeJS.ReadableStream }).once("line", (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function stopChild(): Promise<void> {
  const server = child;
  child = undefined;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}

/** The child's peak resident memory so far, in bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${child?.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function post(url: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/${route}`, { method: "POST", headers, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

afterAll(async () => {
  await stopChild();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("datasetItems of 100k items", () => {
  it("streams with bounded server memory and the JSON of the whole list", { timeout: 120_000 }, async () => {
    if (!existsSync(binary)) throw new Error("build the server first (pnpm build)");
    dataDir = mkdtempSync(join(tmpdir(), "nucleus-listing-"));
    let url = await startChild(dataDir);
    const datasetId = (await post(url, "dataset/create", { name: "big" })).dataset_id as string;
    for (let i = 0; i < ITEMS; i += 10_000) {
      const items = Array.from({ length: 10_000 }, (_, j) => ({
        reference_id: `i_${i + j}`,
        image_url: `s3://listing/i_${i + j}.jpg`,
        metadata: { index: i + j, split: (i + j) % 10 ? "train" : "val" },
      }));
      await post(url, `dataset/${datasetId}/append`, { items });
    }
    // A fresh server, so that its peak RSS is the listing's and not the appends'.
    await stopChild();
    url = await startChild(dataDir);
    await post(url, `dataset/${datasetId}/itemsPage`, { pageSize: 10, pageToken: null });

    const before = peakRss();
    const response = await fetch(`${url}/dataset/${datasetId}/datasetItems`, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await response.text();
    const growth = peakRss() - before;
    // The whole list built in memory took about 150 MB here. A page at a time, read through the
    // listing connection (whose page cache is 2 MiB), it takes about 25 MB, mostly the JS heap.
    expect(growth).toBeLessThan(50 * MB);

    const paged: unknown[] = [];
    let pageToken: string | null = null;
    do {
      const page = await post(url, `dataset/${datasetId}/itemsPage`, { pageSize: 10_000, pageToken });
      paged.push(...(page.items as unknown[]));
      pageToken = page.nextPageToken as string | null;
    } while (pageToken !== null);
    expect(paged).toHaveLength(ITEMS);
    expect(text).toBe(JSON.stringify({ dataset_items: paged }));
  });
});

describe("streamed listings in process", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("gives the same objects as the paged routes for export, slice items and slice export", async () => {
    server = await startTestServer();
    const empty = await server.call("POST", "dataset/create", { body: { name: "empty" } });
    const emptyId = (empty.body as { dataset_id: string }).dataset_id;
    expect((await server.call("GET", `dataset/${emptyId}/datasetItems`)).body).toEqual({ dataset_items: [] });
    expect((await server.call("GET", `dataset/${emptyId}/exportForTraining`)).body).toEqual({
      exportedRows: [],
    });

    const created = await server.call("POST", "dataset/create", { body: { name: "small" } });
    const datasetId = (created.body as { dataset_id: string }).dataset_id;
    // More than one page of the stream (1,000 records), so pages join with commas.
    const refs = Array.from({ length: 2_345 }, (_, i) => `r_${i}`);
    await server.call("POST", `dataset/${datasetId}/append`, {
      body: { items: refs.map((ref) => ({ reference_id: ref, image_url: `s3://b/${ref}.jpg` })) },
    });
    await server.call("POST", `dataset/${datasetId}/annotate`, {
      body: {
        annotations: refs.map((ref, i) => ({
          type: "box",
          label: `c${i % 3}`,
          reference_id: ref,
          annotation_id: `a_${i}`,
          geometry: { x: i % 50, y: 1, width: 2, height: 3 },
        })),
      },
    });
    const page = await server.call("POST", `dataset/${datasetId}/exportForTrainingPage`, {
      body: { pageSize: 10_000, pageToken: null },
    });
    const rows = (page.body as { data: unknown[] }).data;
    expect(rows).toHaveLength(refs.length);
    expect((await server.call("GET", `dataset/${datasetId}/exportForTraining`)).body).toEqual({
      exportedRows: rows,
    });

    const sliceRefs = refs.filter((_, i) => i % 2 === 0);
    const slice = await server.call("POST", `dataset/${datasetId}/create_slice`, {
      body: { name: "even", reference_ids: sliceRefs },
    });
    const sliceId = (slice.body as { slice_id: string }).slice_id;
    const items = (await server.call("GET", `slice/${sliceId}`)).body as {
      items: { reference_id: string }[];
    };
    expect(items.items.map((item) => item.reference_id)).toEqual(sliceRefs);
    const exported = (await server.call("GET", `slice/${sliceId}/exportForTraining`)).body as {
      exportedRows: unknown[];
    };
    expect(exported.exportedRows).toEqual(rows.filter((_, i) => i % 2 === 0));
  });
});

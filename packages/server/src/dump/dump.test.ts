/**
 * The portable dump moves a dataset from SQLite to PostgreSQL and back: items, ground truth
 * (an uploaded mask too), a committed run with its predictions, a slice, and the files, which
 * the import copies into the target's media.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newSchema, testDatabaseUrl, withSchema } from "../store/postgres/testing.js";
import { createDataset, KEY, remoteItems, startTestServer, TEST_SECRET, TINY_PNG } from "../test-support.js";
import type { DumpLine } from "./format.js";
import { dumpDataset, loadDump } from "./tasks.js";

const url = testDatabaseUrl();

async function* each(lines: DumpLine[]): AsyncIterable<DumpLine> {
  yield* lines;
}

/** A dump without what differs from copy to copy: ids and the export time. */
function comparable(lines: DumpLine[]) {
  return lines.map((line) => {
    if (line.kind === "header") return { ...line, exportedAt: "", dataset: { ...line.dataset, id: "" } };
    if (line.kind === "model") return { ...line, model: { ...line.model, id: "" } };
    if (line.kind === "run") return { ...line, run: { ...line.run, id: "", modelId: "" } };
    if (line.kind === "prediction") return { ...line, runId: "" };
    if (line.kind === "slice") return { ...line, slice: { ...line.slice, id: "" } };
    return line;
  });
}

async function dumpOf(location: Parameters<typeof dumpDataset>[0], datasetId: string, secret?: string) {
  const lines: DumpLine[] = [];
  await dumpDataset(location, { apiKey: KEY, secret }, datasetId, (line) => {
    lines.push(JSON.parse(JSON.stringify(line)) as DumpLine);
  });
  return lines;
}

describe.skipIf(url === null)("nu db export and import", () => {
  it("move a dataset from SQLite to PostgreSQL and back, files included", { timeout: 60_000 }, async () => {
    const source = await startTestServer();
    const ds = await createDataset(source, "moving");
    const form = new FormData();
    form.append(
      "items",
      JSON.stringify([
        { reference_id: "local", image_url: "/data/local.png", metadata: { a: 1 }, update: false },
      ]),
    );
    form.append("image", new Blob([TINY_PNG], { type: "image/png" }), "%2Fdata%2Flocal.png");
    expect((await source.call("POST", `dataset/${ds}/append`, { body: form })).status).toBe(200);
    await source.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(30) } });
    const boxes = remoteItems(30).map((item, i) => ({
      type: "box",
      label: "car",
      reference_id: item.reference_id,
      annotation_id: `a${i}`,
      geometry: { x: i, y: 1, width: 5, height: 5 },
    }));
    await source.call("POST", `dataset/${ds}/annotate`, { body: { annotations: boxes } });
    await source.call("POST", "models/add", { body: { name: "m", reference_id: "m" } });
    const run = (
      (await source.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "m" } }))
        .body as { model_run_id: string }
    ).model_run_id;
    await source.call("POST", `modelRun/${run}/predict`, {
      body: { annotations: boxes.map((b) => ({ ...b, confidence: 0.7 })) },
    });
    await source.call("POST", `modelRun/${run}/commit`, { body: {} });
    await source.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "first", reference_ids: ["img_3", "img_1"] },
    });
    await source.idle();
    await source.close();

    const first = await dumpOf({ dataDir: source.dataDir }, ds);
    expect(first.filter((line) => line.kind === "item")).toHaveLength(31);
    expect(first.filter((line) => line.kind === "annotation")).toHaveLength(30);
    expect(first.filter((line) => line.kind === "prediction")).toHaveLength(30);
    expect(first.at(-1)).toMatchObject({ kind: "media", keys: [expect.stringMatching(/\.png$/)] });

    const database = withSchema(url as string, newSchema("dump"));
    const media = mkdtempSync(join(tmpdir(), "nucleus-dump-media-"));
    const loaded = await loadDump({ database, media }, { apiKey: KEY, secret: TEST_SECRET }, each(first), {
      copyMediaFrom: { dataDir: source.dataDir },
    });
    expect(loaded.counts).toMatchObject({
      items: 31,
      annotations: 30,
      runs: 1,
      predictions: 30,
      slices: 1,
      media: 1,
    });
    expect(loaded.missingMedia).toEqual([]);

    // A server on the database serves the moved dataset, its file included.
    const target = await startTestServer(undefined, { database, media, secret: TEST_SECRET });
    try {
      const item = (await target.call("GET", `dataset/${loaded.datasetId}/refloc/local`)).body as {
        item: { original_image_url: string; metadata: unknown };
      };
      expect(item.item.metadata).toEqual({ a: 1 });
      const bytes = Buffer.from(await (await fetch(item.item.original_image_url)).arrayBuffer());
      expect(bytes.equals(TINY_PNG)).toBe(true);
      const info = (await target.call("GET", `modelRun/${loaded.ids[run]}/info`)).body as { status: string };
      expect(info.status).toBe("Committed");
    } finally {
      await target.stop();
    }

    const second = await dumpOf({ database }, loaded.datasetId, TEST_SECRET);
    expect(comparable(second)).toEqual(comparable(first));
    const back = mkdtempSync(join(tmpdir(), "nucleus-dump-back-"));
    const home = await loadDump({ dataDir: back }, { apiKey: KEY }, each(second), {
      copyMediaFrom: { media },
    });
    const third = await dumpOf({ dataDir: back }, home.datasetId);
    expect(comparable(third)).toEqual(comparable(first));
  });
});

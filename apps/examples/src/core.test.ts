/**
 * @nucleus/core end to end: every operation against the real local server (loopback HTTP), on
 * SQLite on disk and on PostgreSQL, plus upsert semantics, pagination and errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthenticationError,
  type Dataset,
  NotFoundError,
  NucleusClient,
  PageIterator,
  ValidationError,
} from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";
import { localImages } from "./examples/support.js";
import { encodePng } from "./images.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-e2e-"));
let server: RunningNucleusServer;
let client: NucleusClient;

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(serverBackends())("on $name", (backend) => {
  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["core-key", "other-key"],
      port: 0,
      ...backend.options(),
    });
    client = new NucleusClient({ apiKey: "core-key", endpoint: server.url });
  });
  afterAll(async () => {
    await server.close();
  });

  async function datasetWith(refs: string[]): Promise<Dataset> {
    const dataset = await client.createDataset(`e2e-${Math.random().toString(36).slice(2)}`);
    await dataset.append(refs.map((ref) => ({ imageUrl: `s3://bucket/${ref}.jpg`, referenceId: ref })));
    return dataset;
  }

  describe("items", () => {
    it("upsert by reference id and page through 25,000 items", { timeout: 60_000 }, async () => {
      const dataset = await client.createDataset("big");
      const items = Array.from({ length: 25_000 }, (_, i) => ({
        imageUrl: `s3://bucket/${i}.jpg`,
        referenceId: `r${i}`,
        metadata: { i },
      }));
      const first = await dataset.append(items, { batchSize: 5_000 });
      expect(first).toEqual({
        datasetId: dataset.id,
        newItems: 25_000,
        updatedItems: 0,
        ignoredItems: 0,
        uploadErrors: 0,
      });
      const again = await dataset.append(items.slice(0, 10), { batchSize: 5_000 });
      expect(again.ignoredItems).toBe(10);
      const updated = await dataset.append([{ ...items[0], metadata: { i: -1 } } as (typeof items)[number]], {
        update: true,
      });
      expect(updated.updatedItems).toBe(1);
      expect((await dataset.refloc("r0")).item.metadata).toEqual({ i: -1 });

      let count = 0;
      let pages = 0;
      for await (const page of dataset.items({ pageSize: 2_000 }).pages()) {
        pages += 1;
        for (const item of page) {
          expect(item.referenceId).toBe(`r${count}`);
          count += 1;
        }
      }
      expect(count).toBe(25_000);
      expect(pages).toBe(13);
      expect(await dataset.items().toArray({ limit: 3 })).toHaveLength(3);
      expect(dataset.items()).toBeInstanceOf(PageIterator);
    });

    it("delete an item and read the export", async () => {
      const dataset = await datasetWith(["a", "b"]);
      await dataset.annotate([
        { type: "box", label: "car", referenceId: "b", geometry: { x: 1, y: 1, width: 2, height: 2 } },
      ]);
      await dataset.deleteItem("a");
      expect(await dataset.size()).toBe(1);
      const rows = await dataset.export().toArray({ limit: 10 });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.item.referenceId).toBe("b");
      expect(rows[0]?.box).toHaveLength(1);
      expect(rows[0]?.segmentation).toBeNull();
    });
  });

  describe("annotations and predictions", () => {
    it("ignore or replace by annotation id, and upload local masks", async () => {
      const dataset = await datasetWith(["img"]);
      const box = (x: number) => ({
        type: "box" as const,
        label: "car",
        referenceId: "img",
        annotationId: "b1",
        geometry: { x, y: 0, width: 5, height: 5 },
      });
      expect(await dataset.annotate([box(1)])).toMatchObject({ processed: 1, ignored: 0 });
      expect(await dataset.annotate([box(2)])).toMatchObject({ processed: 0, ignored: 1 });
      expect(await dataset.annotate([box(3)], { update: true })).toMatchObject({ processed: 1, ignored: 0 });
      expect((await dataset.refloc("img")).annotations.box?.[0]?.geometry.x).toBe(3);

      const maskFile = join(scratch, "mask.png");
      const png = encodePng(4, 4, (x) => (x < 2 ? 1 : 2));
      writeFileSync(maskFile, png);
      const masks = await dataset.annotate([
        {
          type: "mask",
          maskUrl: maskFile,
          referenceId: "img",
          annotations: [
            { label: "road", index: 1 },
            { label: "sky", index: 2 },
          ],
        },
      ]);
      expect(masks.processed).toBe(1);
      const stored = (await dataset.refloc("img")).annotations.segmentation?.[0];
      expect(stored?.annotations).toEqual([
        { label: "road", index: 1 },
        { label: "sky", index: 2 },
      ]);
      // The mask reads back as the caller named it; its bytes are served at maskMediaUrl.
      expect(stored?.maskUrl).toBe(maskFile);
      const served = Buffer.from(await (await fetch(stored?.maskMediaUrl as string)).arrayBuffer());
      expect(served.equals(png)).toBe(true);
    });

    it("report every invalid annotation before sending anything", async () => {
      const dataset = await datasetWith(["img"]);
      const bad = [
        {
          type: "box" as const,
          label: "ok",
          referenceId: "img",
          geometry: { x: 0, y: 0, width: 1, height: 1 },
        },
        {
          type: "box" as const,
          label: "bad",
          referenceId: "img_7",
          geometry: { x: 0, y: 0, width: -2, height: 1 },
        },
        { type: "polygon" as const, label: "bad", referenceId: "img", geometry: { vertices: [] } },
      ];
      const error = await dataset.annotate(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.text)).toEqual([
        'annotations[1] (reference_id "img_7"): geometry.width must be >= 0, got -2',
        'annotations[2] (reference_id "img"): geometry.vertices must have at least 3 entries',
      ]);
      expect((await dataset.refloc("img")).annotations).toEqual({});
    });

    it("refuse duplicate ids and local files in async uploads before sending", async () => {
      const dataset = await datasetWith(["img"]);
      await expect(
        dataset.append([
          { imageUrl: "s3://b/1.jpg", referenceId: "dup" },
          { imageUrl: "s3://b/2.jpg", referenceId: "dup" },
        ]),
      ).rejects.toThrow('items[1] (reference_id "dup"): reference_id repeats items[0]');
      await expect(
        dataset.append([{ imageUrl: "./local.png", referenceId: "x" }], { asynchronous: true }),
      ).rejects.toThrow(/image_url must be a remote URL/);
      expect(await dataset.size()).toBe(1);
    });

    it("upload predictions through a model and read them back", async () => {
      const dataset = await datasetWith(["img"]);
      const model = await client.addModel({ name: "m", referenceId: `m-${Date.now()}` });
      const result = await dataset.uploadPredictions(model, [
        {
          type: "box",
          label: "car",
          referenceId: "img",
          geometry: { x: 0, y: 0, width: 2, height: 2 },
          confidence: 0.5,
        },
      ]);
      expect(result.processed).toBe(1);
      expect(result.modelRunId).toMatch(/^run_/);
      const run = await client.getModelRun(result.modelRunId as string);
      expect(run.datasetId).toBe(dataset.id);
      expect((await run.refloc("img")).box?.[0]?.confidence).toBe(0.5);
      expect((await client.getModel(run.id)).id).toBe(model.id);
    });
  });

  describe("local files", () => {
    it("upload local images and serve them back", async () => {
      const dataset = await client.createDataset("local");
      const [file] = localImages(join(scratch, "local"), 1);
      await dataset.append([{ imageUrl: file as string, referenceId: "disk" }]);
      const { item } = await dataset.refloc("disk");
      expect(item.originalImageUrl).toMatch(/\/__media\//);
      expect((await fetch(item.originalImageUrl as string)).headers.get("content-type")).toBe("image/png");
    });
  });

  describe("errors", () => {
    it("a bad key is an AuthenticationError without the key in it", async () => {
      const bad = new NucleusClient({ apiKey: "wrong-key", endpoint: server.url });
      const error = await bad.listDatasets().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).not.toContain("wrong-key");
    });

    it("an unknown dataset is a NotFoundError, and another key's dataset too", async () => {
      await expect(client.getDataset("ds_00000000000000000000").info()).rejects.toThrow(NotFoundError);
      const mine = await datasetWith(["x"]);
      const other = new NucleusClient({ apiKey: "other-key", endpoint: server.url });
      await expect(other.getDataset(mine.id).info()).rejects.toThrow(/404 Dataset ds_\w+ not found/);
    });

    it("a committed run can be listed and jobs can be read by id", async () => {
      const dataset = await datasetWith(["a"]);
      const job = await dataset.append([{ imageUrl: "s3://b/z.jpg", referenceId: "z" }], {
        asynchronous: true,
      });
      await job.waitUntilDone({ pollInterval: 20 });
      const again = await client.getJob(job.id);
      expect(again.data?.jobType).toBe("uploadDatasetItems");
      expect((await again.info()).jobLastKnownStatus).toBe("Completed");
    });
  });
});

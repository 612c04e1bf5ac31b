/**
 * @nucleus/core end to end for the rest of the protocol: taxonomies and the categories checked
 * against them, autotags, tags of datasets, models and slices, exports and deduplication; against the real
 * local server on SQLite and on PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, type Dataset, NotFoundError, NucleusClient, ValidationError } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";
import { encodePng } from "./images.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-protocol-"));
let server: RunningNucleusServer;
let client: NucleusClient;

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(serverBackends())("on $name", (backend) => {
  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["protocol-key"],
      port: 0,
      ...backend.options(),
    });
    client = new NucleusClient({ apiKey: "protocol-key", endpoint: server.url });
  });
  afterAll(async () => {
    await server.close();
  });

  async function datasetWith(refs: string[]): Promise<Dataset> {
    const dataset = await client.createDataset(`protocol-${Math.random().toString(36).slice(2)}`);
    await dataset.append(refs.map((ref) => ({ imageUrl: `s3://bucket/${ref}.jpg`, referenceId: ref })));
    return dataset;
  }

  describe("taxonomies", () => {
    it("are created, updated, listed and deleted with the categories that name them", async () => {
      const dataset = await datasetWith(["a", "b"]);
      expect(await dataset.addTaxonomy("time of day [v1]", "category", ["day", "night"])).toBe(
        "Taxonomy created",
      );
      expect(await dataset.addTaxonomy("time of day [v1]", "category", ["dusk"])).toBe(
        "Taxonomy already exists",
      );
      expect(await dataset.addTaxonomy("time of day [v1]", "category", ["dusk"], { update: true })).toBe(
        "Taxonomy updated",
      );
      await dataset.addTaxonomy("flags", "multicategory", ["blurry", "dark"]);
      expect((await dataset.taxonomies()).map(({ name, type, labels }) => ({ name, type, labels }))).toEqual([
        { name: "time of day [v1]", type: "category", labels: ["day", "night", "dusk"] },
        { name: "flags", type: "multicategory", labels: ["blurry", "dark"] },
      ]);

      const result = await dataset.annotate([
        { type: "category", label: "dusk", referenceId: "a", taxonomyName: "time of day [v1]" },
        { type: "multicategory", labels: ["blurry", "dark"], referenceId: "a", taxonomyName: "flags" },
        { type: "category", label: "noon", referenceId: "b", taxonomyName: "time of day [v1]" },
      ]);
      expect(result.processed).toBe(2);
      expect(result.errors).toEqual([
        `Input validation failed: Taxonomy time of day [v1] does not exist in dataset ${dataset.id}, or label noon does not exist in the taxonomy time of day [v1].`,
      ]);
      expect(result.errorDetails).toEqual([
        { code: "taxonomy_mismatch", taxonomyName: "time of day [v1]", label: "noon" },
      ]);
      const { annotations } = await dataset.refloc("a");
      expect(annotations.category?.[0]?.label).toBe("dusk");
      expect(annotations.multicategory?.[0]?.labels).toEqual(["blurry", "dark"]);
      const [row] = await dataset.export().toArray({ limit: 1 });
      expect(row?.category.map((c: { label: string }) => c.label)).toEqual(["dusk"]);

      expect(await dataset.deleteTaxonomy("time of day [v1]")).toEqual({
        annotationsDeleted: 1,
        predictionsDeleted: 0,
      });
      expect(Object.keys((await dataset.refloc("a")).annotations)).toEqual(["multicategory"]);
      await expect(dataset.deleteTaxonomy("time of day [v1]")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuse a malformed taxonomy before sending it", async () => {
      const dataset = await datasetWith([]);
      await expect(dataset.addTaxonomy("t", "category", [])).rejects.toBeInstanceOf(ValidationError);
      expect(await dataset.taxonomies()).toEqual([]);
    });

    it("and the dataset lists no autotags", async () => {
      expect(await (await datasetWith([])).autotags()).toEqual([]);
    });
  });

  describe("tags", () => {
    it("of datasets, models and slices", async () => {
      const dataset = await datasetWith(["a"]);
      expect(await dataset.getTags()).toEqual([]);
      expect(await dataset.addTags(["golden", "v2"])).toEqual(["golden", "v2"]);
      expect(await dataset.removeTags(["v2", "absent"])).toEqual(["golden"]);
      expect((await dataset.info()).tags).toEqual(["golden"]);

      const model = await client.addModel({ name: "m", referenceId: `tags-${Date.now()}` });
      expect(await model.addTags(["prod", "prod"])).toEqual(["prod"]);
      const removal = await model.removeTags(["absent"]).catch((error: unknown) => error);
      expect(removal).toBeInstanceOf(APIError);
      expect((removal as APIError).status).toBe(400);
      expect((removal as APIError).message).toContain("Deleted 0 tags from model.");
      expect(await model.removeTags(["prod"])).toEqual([]);

      const slice = await dataset.createSlice("s", ["a"]);
      expect(await slice.addTags(["night"])).toEqual(["night"]);
      expect((await slice.info()).tags).toEqual(["night"]);
      expect(await slice.removeTags(["night"])).toEqual([]);
    });
  });

  describe("exports", () => {
    it("of predictions, raw items and class labels", async () => {
      const png = encodePng(3, 2, (x, y) => x * 40 + y);
      const file = join(scratch, `${backend.name}-local.png`);
      writeFileSync(file, png);
      const dataset = await datasetWith(["remote"]);
      await dataset.append([{ imageUrl: file, referenceId: "local" }]);
      await dataset.annotate([
        { type: "box", label: "car", referenceId: "remote", geometry: { x: 0, y: 0, width: 2, height: 2 } },
        {
          type: "polygon",
          label: "road",
          referenceId: "local",
          geometry: {
            vertices: [
              { x: 0, y: 0 },
              { x: 2, y: 0 },
              { x: 2, y: 1 },
            ],
          },
        },
      ]);
      const model = await client.addModel({ name: "m", referenceId: `exports-${Date.now()}` });
      await dataset.uploadPredictions(model, [
        {
          type: "box",
          label: "car",
          referenceId: "local",
          geometry: { x: 0, y: 0, width: 1, height: 1 },
          confidence: 0.7,
        },
      ]);
      const run = await model.createRun({
        name: "second",
        dataset,
        predictions: [
          {
            type: "box",
            label: "bus",
            referenceId: "remote",
            geometry: { x: 0, y: 0, width: 1, height: 1 },
            confidence: 0.2,
          },
        ],
      });

      const all = await dataset.exportPredictions(model);
      expect(all.box?.map((p) => [p.referenceId, p.label])).toEqual([
        ["remote", "bus"],
        ["local", "car"],
      ]);
      expect((await run.ungroupedExport()).box?.map((p) => p.label)).toEqual(["bus"]);
      expect(await dataset.classLabels()).toEqual(["car", "road"]);

      const slice = await dataset.createSlice("both", ["local", "remote"]);
      const rows = await slice.exportPredictions(model, { pageSize: 1 }).toArray({ limit: 10 });
      expect(
        rows.map((row) => [row.item.referenceId, row.box.map((b: { label: string }) => b.label)]),
      ).toEqual([
        ["local", ["car"]],
        ["remote", ["bus"]],
      ]);
      expect(await slice.classLabels()).toEqual(["car", "road"]);
      const raw = await slice.exportRawItems();
      expect(raw.map((item) => [item.refId, item.originalUrl])).toEqual([
        ["local", file],
        ["remote", "s3://bucket/remote.jpg"],
      ]);
      const served = Buffer.from(await (await fetch(raw[0]?.scaleUrl as string)).arrayBuffer());
      expect(served.equals(png)).toBe(true);
    });
  });

  describe("deduplication", () => {
    it("keeps the first of each group of look-alike images and reports those it cannot read", async () => {
      const image = encodePng(32, 32, (x, y) => (x * 7 + y * 3) % 256);
      const other = encodePng(32, 32, (x, y) => ((x - 16) * (y - 16)) & 255);
      const files = [
        ["first", image],
        ["copy", image],
        ["other", other],
      ] as const;
      for (const [name, bytes] of files) writeFileSync(join(scratch, `${backend.name}-${name}.png`), bytes);
      const dataset = await datasetWith(["remote"]);
      await dataset.append(
        files.map(([name]) => ({
          imageUrl: join(scratch, `${backend.name}-${name}.png`),
          referenceId: name,
        })),
      );
      const result = await dataset.deduplicate(0);
      expect(result.uniqueReferenceIds).toEqual(["remote", "first", "other"]);
      expect(result.stats).toEqual({ threshold: 0, originalCount: 4, deduplicatedCount: 3 });
      expect(result.unhashedItems?.map((u) => u.referenceId)).toEqual(["remote"]);
      const some = await dataset.deduplicate(64, { referenceIds: ["other", "copy"] });
      expect(some.uniqueReferenceIds).toEqual(["copy"]);
      await expect(dataset.deduplicate(65)).rejects.toBeInstanceOf(ValidationError);
      await expect(dataset.deduplicate(3, { itemIds: ["di_nonexistent"] })).rejects.toBeInstanceOf(APIError);
    });
  });
});

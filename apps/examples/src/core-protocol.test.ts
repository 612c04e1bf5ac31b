/**
 * @nucleus/core end to end for the rest of the protocol: taxonomies and the categories checked
 * against them, autotags, and tags of datasets, models and slices; against the real local server
 * on SQLite and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, type Dataset, NotFoundError, NucleusClient, ValidationError } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

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
});

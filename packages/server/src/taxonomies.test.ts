/**
 * Taxonomies, autotags and tags on the wire, with the bodies and paths the official Python client
 * sends (`Dataset.add_taxonomy`, `delete_taxonomy`, `get_tags`/`add_tags`/`remove_tags`,
 * `Model.add_tags`/`remove_tags`, `Slice.add_tags`, `list_autotags`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, remoteItems, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

type Groups = { annotations: Record<string, { label?: string; labels?: string[] }[]> };

async function datasetWithTaxonomy(): Promise<string> {
  const ds = await createDataset(server);
  await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(2) } });
  const created = await server.call("POST", `dataset/${ds}/add_taxonomy`, {
    body: { taxonomy_name: "[Pytest] taxonomy", type: "category", labels: ["day", "night"], update: false },
  });
  expect(created.body).toEqual({
    dataset_id: ds,
    taxonomy_name: "[Pytest] taxonomy",
    status: "Taxonomy created",
  });
  return ds;
}

const category = (ref: string, label: string, taxonomy: string | null = "[Pytest] taxonomy") => ({
  label,
  type: "category",
  geometry: {},
  reference_id: ref,
  metadata: {},
  track_reference_id: null,
  task_id: null,
  ...(taxonomy === null ? {} : { taxonomy_name: taxonomy }),
});

describe("taxonomies", () => {
  it("answer add_taxonomy with the protocol's three statuses, appending labels only on update", async () => {
    const ds = await datasetWithTaxonomy();
    const again = await server.call("POST", `dataset/${ds}/add_taxonomy`, {
      body: { taxonomy_name: "[Pytest] taxonomy", type: "category", labels: ["day", "dusk"], update: false },
    });
    expect(again.body).toMatchObject({ status: "Taxonomy already exists" });
    const updated = await server.call("POST", `dataset/${ds}/add_taxonomy`, {
      body: { taxonomy_name: "[Pytest] taxonomy", type: "category", labels: ["day", "dusk"], update: true },
    });
    expect(updated.body).toEqual({
      dataset_id: ds,
      taxonomy_name: "[Pytest] taxonomy",
      status: "Taxonomy updated",
    });
    const listed = (await server.call("GET", `ext/datasets/${ds}/taxonomies`)).body as {
      taxonomies: { name: string; type: string; labels: string[] }[];
    };
    expect(listed.taxonomies.map(({ name, type, labels }) => ({ name, type, labels }))).toEqual([
      { name: "[Pytest] taxonomy", type: "category", labels: ["day", "night", "dusk"] },
    ]);
  });

  it("check categories and multicategories against their taxonomy, in the protocol's words", async () => {
    const ds = await datasetWithTaxonomy();
    await server.call("POST", `dataset/${ds}/add_taxonomy`, {
      body: { taxonomy_name: "flags", type: "multicategory", labels: ["blurry", "dark"], update: false },
    });
    const response = await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        update: false,
        annotations: [
          category("img_0", "day"),
          category("img_1", "noon"),
          category("img_1", "day", "missing"),
          category("img_1", "day", null),
          {
            ...category("img_0", "", "flags"),
            type: "multicategory",
            label: undefined,
            labels: ["blurry", "dark"],
          },
          {
            ...category("img_1", "", "flags"),
            type: "multicategory",
            label: undefined,
            labels: ["blurry", "wet"],
          },
          category("img_1", "blurry", "flags"),
        ],
      },
    });
    expect(response.status).toBe(200);
    const body = response.body as {
      annotations_processed: number;
      errors: string[];
      error_details: unknown[];
    };
    expect(body.annotations_processed).toBe(3);
    expect(body.errors).toEqual([
      `Input validation failed: Taxonomy [Pytest] taxonomy does not exist in dataset ${ds}, or label noon does not exist in the taxonomy [Pytest] taxonomy.`,
      `Input validation failed: Taxonomy missing does not exist in dataset ${ds}, or label day does not exist in the taxonomy missing.`,
      `Input validation failed: Taxonomy flags does not exist in dataset ${ds}, or label wet does not exist in the taxonomy flags.`,
      expect.stringMatching(/^Input validation failed: Taxonomy flags in dataset .* is of the other kind/),
    ]);
    expect(body.error_details[0]).toEqual({
      code: "taxonomy_mismatch",
      taxonomy_name: "[Pytest] taxonomy",
      label: "noon",
    });
    const first = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups;
    expect(first.annotations.category?.map((c) => c.label)).toEqual(["day"]);
    expect(first.annotations.multicategory?.[0]?.labels).toEqual(["blurry", "dark"]);
    const second = (await server.call("GET", `dataset/${ds}/refloc/img_1`)).body as Groups;
    expect(Object.keys(second.annotations)).toEqual(["category"]);
    const exported = (await server.call("GET", `dataset/${ds}/exportForTraining`)).body as {
      exportedRows: { category: unknown[]; multicategory: unknown[] }[];
    };
    expect(exported.exportedRows.map((row) => [row.category.length, row.multicategory.length])).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  it("check category predictions, and fail the entry of an async upload that does not fit", async () => {
    const ds = await datasetWithTaxonomy();
    await server.call("POST", "models/add", { body: { name: "m", reference_id: "tax-model", metadata: {} } });
    const model = (
      (await server.call("GET", "models/")).body as { models: { id: string; ref_id: string }[] }
    ).models.find((m) => m.ref_id === "tax-model");
    const predicted = await server.call("POST", `dataset/${ds}/model/${model?.id}/uploadPredictions`, {
      body: {
        update: false,
        annotations: [{ ...category("img_0", "day"), confidence: 0.9 }, category("img_1", "x")],
      },
    });
    expect(predicted.body).toMatchObject({ predictions_processed: 1 });
    expect((predicted.body as { errors: string[] }).errors[0]).toMatch(
      /label x does not exist in the taxonomy/,
    );

    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/tax1`)).body as { signed_url: string };
    const lines = [category("img_0", "night"), category("img_1", "noon")].map((l) => JSON.stringify(l));
    expect((await fetch(signed.signed_url, { method: "PUT", body: lines.join("\n") })).status).toBe(200);
    const job = (
      await server.call("POST", `dataset/${ds}/annotate?async=1`, {
        body: { requestId: "tax1", update: true },
      })
    ).body as { job_id: string };
    await server.jobs.idle();
    const errors = (await server.call("GET", `job/${job.job_id}/errors`)).body as string[];
    expect(errors).toEqual([
      expect.stringMatching(/label noon does not exist in the taxonomy \[Pytest\] taxonomy/),
    ]);
    const item = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups;
    expect(item.annotations.category?.[0]?.label).toBe("night");
  });

  it("delete a taxonomy named with brackets and spaces, with its annotations and predictions", async () => {
    const ds = await datasetWithTaxonomy();
    await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        annotations: [category("img_0", "day"), category("img_1", "night"), category("img_1", "free", null)],
      },
    });
    // requests sends the name as typed, with only the space escaped.
    const deleted = await server.call("DELETE", `dataset/${ds}/taxonomy/[Pytest]%20taxonomy`, { body: {} });
    expect(deleted.body).toEqual({
      dataset_id: ds,
      taxonomy_name: "[Pytest] taxonomy",
      status: "Taxonomy successfully deleted",
      annotations_deleted: 2,
      predictions_deleted: 0,
    });
    expect(((await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups).annotations).toEqual({});
    const left = ((await server.call("GET", `dataset/${ds}/refloc/img_1`)).body as Groups).annotations;
    expect(left.category?.map((c) => c.label)).toEqual(["free"]);
    expect(
      (await server.call("DELETE", `dataset/${ds}/taxonomy/[Pytest]%20taxonomy`, { body: {} })).status,
    ).toBe(404);
  });

  it("refuse a malformed taxonomy with a 400 naming the field, and write nothing", async () => {
    const ds = await createDataset(server);
    for (const [body, field] of [
      [{ taxonomy_name: "t", type: "color", labels: ["a"] }, "type"],
      [{ taxonomy_name: "t", type: "category", labels: [] }, "labels"],
      [{ taxonomy_name: "", type: "category", labels: ["a"] }, "taxonomy_name"],
      [{ taxonomy_name: "t", type: "category", labels: ["a", 3] }, "labels[1]"],
    ] as const) {
      const response = await server.call("POST", `dataset/${ds}/add_taxonomy`, { body });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toContain(field);
    }
    await server.call("POST", `dataset/${ds}/add_taxonomy`, {
      body: { taxonomy_name: "t", type: "category", labels: ["a"] },
    });
    const kind = await server.call("POST", `dataset/${ds}/add_taxonomy`, {
      body: { taxonomy_name: "t", type: "multicategory", labels: ["b"], update: true },
    });
    expect(kind.status).toBe(400);
    expect((kind.body as { error: string }).error).toMatch(/^type: /);
    const listed = (await server.call("GET", `ext/datasets/${ds}/taxonomies`)).body as {
      taxonomies: { labels: string[] }[];
    };
    expect(listed.taxonomies.map((t) => t.labels)).toEqual([["a"]]);
    expect(
      (
        await server.call("POST", "dataset/ds_missing/add_taxonomy", {
          body: { taxonomy_name: "t", type: "category", labels: ["a"] },
        })
      ).status,
    ).toBe(404);
  });
});

describe("autotags", () => {
  it("list none on a new dataset, and refresh no unknown autotag", async () => {
    const ds = await createDataset(server);
    expect((await server.call("GET", `${ds}/list_autotags`)).body).toEqual({ autotags: [] });
    expect((await server.call("GET", "ds_missing/list_autotags")).status).toBe(404);
    const refresh = await server.call("POST", "autotag/tag_1", { body: {} });
    expect(refresh.status).toBe(404);
    expect((refresh.body as { error: string }).error).toMatch(/Autotag tag_1 not found/);
  });
});

describe("tags", () => {
  it("of a dataset: empty at first, added and removed idempotently, listed by info", async () => {
    const ds = await createDataset(server);
    expect((await server.call("GET", `dataset/${ds}/tags`)).body).toEqual({ tags: [] });
    expect((await server.call("POST", `dataset/${ds}/tags`, { body: { tags: ["a", "b"] } })).body).toEqual({
      tags: ["a", "b"],
    });
    expect((await server.call("POST", `dataset/${ds}/tags`, { body: { tags: ["b", "c"] } })).body).toEqual({
      tags: ["a", "b", "c"],
    });
    expect((await server.call("DELETE", `dataset/${ds}/tags`, { body: { tags: ["a", "zz"] } })).body).toEqual(
      {
        tags: ["b", "c"],
      },
    );
    expect(((await server.call("GET", `dataset/${ds}/info`)).body as { tags: string[] }).tags).toEqual([
      "b",
      "c",
    ]);
    const bare = await server.call("POST", `dataset/${ds}/tags`, { body: { tags: "a" } });
    expect(bare.status).toBe(400);
    expect((bare.body as { error: string }).error).toContain("tags");
    expect((await server.call("GET", `dataset/${ds}/tags`, { key: "other_key" })).status).toBe(404);
  });

  it("of a model: the protocol's 400 when none of the tags to remove is there", async () => {
    const { model_id: id } = (
      await server.call("POST", "models/add", {
        body: { name: "m", reference_id: "tagged", metadata: {}, tags: ["prod"] },
      })
    ).body as { model_id: string };
    expect((await server.call("POST", `model/${id}/tag`, { body: { tags: ["v2"] } })).body).toEqual({
      model_id: id,
      tags: ["prod", "v2"],
    });
    const missing = await server.call("DELETE", `model/${id}/tag`, { body: { tags: ["nope"] } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: "Deleted 0 tags from model. The specified tag(s) were not found.",
    });
    expect(
      (await server.call("DELETE", `model/${id}/tag`, { body: { tags: ["prod", "nope"] } })).body,
    ).toMatchObject({
      tags: ["v2"],
    });
    const listed = (await server.call("GET", "models/")).body as { models: { id: string; tags: string[] }[] };
    expect(listed.models.find((m) => m.id === id)?.tags).toEqual(["v2"]);
    expect((await server.call("POST", "model/prj_missing/tag", { body: { tags: ["x"] } })).status).toBe(404);
  });

  it("of a slice: added with slice_tags and shown by slice info", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const { slice_id: id } = (
      await server.call("POST", `dataset/${ds}/create_slice`, {
        body: { name: "s", reference_ids: ["img_0"] },
      })
    ).body as { slice_id: string };
    expect(
      (await server.call("POST", `slice/${id}/tag`, { body: { slice_tags: ["night", "rain"] } })).body,
    ).toEqual({
      slice_id: id,
      tags: ["night", "rain"],
    });
    expect((await server.call("DELETE", `slice/${id}/tag`, { body: { slice_tags: ["rain"] } })).body).toEqual(
      {
        slice_id: id,
        tags: ["night"],
      },
    );
    expect(((await server.call("GET", `slice/${id}/info`)).body as { tags: string[] }).tags).toEqual([
      "night",
    ]);
    expect((await server.call("POST", `slice/${id}/tag`, { body: { tags: ["x"] } })).status).toBe(400);
  });
});

/** The contract adapter: routes registered from the table, requests validated before handlers run. */
import { PayloadValidationError, routes } from "@nucleus/schemas";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Env } from "./context.js";
import { route } from "./contract.js";

/** A router with the server's error envelope for validation errors. */
function router() {
  const app = new Hono<Env>({ strict: true });
  app.onError((error, c) =>
    error instanceof PayloadValidationError
      ? c.json({ error: error.message, issues: error.issues.map((i) => i.text) }, 400)
      : c.json({ error: String(error) }, 500),
  );
  return app;
}

const post = (body: unknown, type = "application/json") => ({
  method: "POST",
  headers: { "content-type": type },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("route", () => {
  it("serves the contract's method and path, with decoded parameters", async () => {
    const app = router();
    route(app, routes.itemByReference, ({ params }) => ({
      item: { id: "di_1", reference_id: params.referenceId, metadata: {} },
      annotations: {},
    }));
    const response = await app.request("/dataset/ds_1/refloc/folder%2Fimg%203");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      item: { id: "di_1", reference_id: "folder/img 3", metadata: {} },
      annotations: {},
    });
    expect((await app.request("/dataset/ds_1/refloc/x", { method: "POST" })).status).toBe(404);
  });

  it("serves a trailing-slash route with and without its slash", async () => {
    const app = router();
    route(app, routes.listModels, () => ({ models: [] }));
    expect((await app.request("/models/")).status).toBe(200);
    expect((await app.request("/models")).status).toBe(200);
  });

  it("validates the JSON body before the handler runs, naming every problem", async () => {
    const app = router();
    let ran = false;
    route(app, routes.createDataset, ({ body }) => {
      ran = true;
      return { dataset_id: "ds_1", name: body.name };
    });
    const bad = await app.request("/dataset/create", post({ name: "", is_scene: "yes" }));
    expect(bad.status).toBe(400);
    const { issues } = (await bad.json()) as { issues: string[] };
    expect(issues).toHaveLength(2);
    expect(ran).toBe(false);
    const good = await app.request("/dataset/create", post({ name: "street scenes" }));
    expect(await good.json()).toEqual({ dataset_id: "ds_1", name: "street scenes" });
  });

  it("validates and converts the query", async () => {
    const app = router();
    const seen: unknown[] = [];
    route(app, routes.evaluationCharts, ({ query }) => {
      seen.push(query.iouThreshold);
      throw new PayloadValidationError([]);
    });
    await app.request("/evaluationsV2/ev_1/charts?iouThreshold=0.75");
    expect(seen).toEqual([0.75]);
    const bad = await app.request("/evaluationsV2/ev_1/charts?iouThreshold=2");
    expect(bad.status).toBe(400);
    expect(seen).toHaveLength(1);
  });

  it("sends the ?async=1 form of a route to its own handler", async () => {
    const app = router();
    const job = {
      job_id: "job_1",
      job_last_known_status: "Queued",
      job_type: "uploadDatasetItems",
      job_creation_time: "now",
    } as const;
    route(app, routes.appendItemsAsync, ({ body }) => ({ ...job, job_id: body.requestId }));
    route(app, routes.appendItems, ({ params }) => ({
      dataset_id: params.datasetId,
      new_items: 0,
      updated_items: 0,
      ignored_items: 0,
      upload_errors: 0,
    }));
    const plain = await app.request("/dataset/ds_1/append", post({ items: [] }));
    expect(await plain.json()).toMatchObject({ dataset_id: "ds_1" });
    const queued = await app.request("/dataset/ds_1/append?async=1", post({ requestId: "r1" }));
    expect(await queued.json()).toMatchObject({ job_id: "r1" });
  });

  it("hands a multipart request its form, validating JSON parts by the contract", async () => {
    const app = router();
    route(app, routes.appendItems, async ({ form, params }) => {
      const items = (await form?.part("items")) ?? [];
      return {
        dataset_id: params.datasetId,
        new_items: items.length,
        updated_items: 0,
        ignored_items: form?.files("image").length ?? 0,
        upload_errors: 0,
      };
    });
    const form = new FormData();
    form.append("items", JSON.stringify([{ reference_id: "a", image_url: "a.png", metadata: {} }]));
    form.append("image", new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }), "a.png");
    const response = await app.request("/dataset/ds_1/append", { method: "POST", body: form });
    expect(await response.json()).toMatchObject({ new_items: 1, ignored_items: 1 });

    const bad = new FormData();
    bad.append("items", JSON.stringify([{ image_url: "a.png" }]));
    expect((await app.request("/dataset/ds_1/append", { method: "POST", body: bad })).status).toBe(400);
  });
});

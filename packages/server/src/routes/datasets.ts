import { CreateDatasetRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Env } from "../http/context.js";
import { notFound } from "../http/errors.js";
import { param, requireDataset } from "../http/lookup.js";
import { datasetInfo, sliceJson } from "../http/present.js";

/** Dataset routes: create, list, info and properties, delete. */
export function datasetRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/create", async (c) => {
    const body = await readBody(c, CreateDatasetRequest);
    const row = c.get("services").store.createDataset(c.get("tenant"), {
      name: body.name,
      isScene: body.is_scene ?? false,
      usePrivacyMode: body.use_privacy_mode ?? false,
      annotationMetadataSchema: body.annotation_metadata_schema,
      itemMetadataSchema: body.item_metadata_schema,
    });
    return c.json({ dataset_id: row.id, name: row.name });
  });

  // The official client lists with a trailing slash; the bare form is served alike, not redirected.
  app.on("GET", ["/dataset/", "/dataset"], (c) => {
    const rows = c.get("services").store.listDatasets(c.get("tenant"));
    return c.json({ dataset_ids: rows.map((r) => r.id), dataset_names: rows.map((r) => r.name) });
  });

  app.get("/dataset/details", (c) => {
    const rows = c.get("services").store.listDatasets(c.get("tenant"));
    return c.json(rows.map((r) => ({ id: r.id, name: r.name, is_public: false })));
  });

  app.get("/dataset/:datasetId/info", (c) => {
    const { store } = c.get("services");
    const dataset = requireDataset(c, param(c, "datasetId"));
    const runs = store.runsOfDataset(dataset.id).map((r) => r.id);
    const slices = store.listSlices(c.get("tenant"), dataset.id).map((s) => s.id);
    return c.json(datasetInfo(dataset, store.countItems(dataset.id), runs, slices));
  });

  app.get("/dataset/:datasetId/name", (c) => c.json({ name: requireDataset(c, param(c, "datasetId")).name }));
  app.get("/dataset/:datasetId/size", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    return c.json({ count: c.get("services").store.countItems(dataset.id) });
  });
  app.get("/dataset/:datasetId/is_scene", (c) =>
    c.json({ is_scene: requireDataset(c, param(c, "datasetId")).is_scene === 1 }),
  );
  app.get("/dataset/:datasetId/use_privacy_mode", (c) =>
    c.json({ use_privacy_mode: requireDataset(c, param(c, "datasetId")).use_privacy_mode === 1 }),
  );
  app.get("/dataset/:datasetId/model_runs", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    return c.json(
      c
        .get("services")
        .store.runsOfDataset(dataset.id)
        .map((r) => r.id),
    );
  });
  app.get("/dataset/:datasetId/slices", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const name = c.req.query("name");
    const slices = c.get("services").store.listSlices(c.get("tenant"), dataset.id);
    return c.json(slices.filter((s) => name === undefined || s.name === name).map(sliceJson));
  });

  app.delete("/dataset/:datasetId", (c) => {
    const id = param(c, "datasetId");
    if (!c.get("services").store.deleteDataset(c.get("tenant"), id)) throw notFound("Dataset", id);
    return c.json({ message: "Beginning dataset deletion..." });
  });

  return app;
}

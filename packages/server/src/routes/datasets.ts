import { CreateDatasetRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Env } from "../http/context.js";
import { notFound } from "../http/errors.js";
import { param, requireDataset } from "../http/lookup.js";
import { datasetDetailsWire, datasetInfoWire, datasetListWire } from "../presenters/datasets.js";
import { sliceWire } from "../presenters/slices.js";

/** Dataset routes: create, list, info and properties, delete. */
export function datasetRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/create", async (c) => {
    const body = await readBody(c, CreateDatasetRequest);
    const dataset = await c.get("services").store.datasets.create(c.get("tenant"), {
      name: body.name,
      isScene: body.is_scene ?? false,
      usePrivacyMode: body.use_privacy_mode ?? false,
      annotationMetadataSchema: body.annotation_metadata_schema,
      itemMetadataSchema: body.item_metadata_schema,
    });
    return c.json({ dataset_id: dataset.id, name: dataset.name });
  });

  // The official client lists with a trailing slash; the bare form is served alike, not redirected.
  app.on("GET", ["/dataset/", "/dataset"], async (c) =>
    c.json(datasetListWire(await c.get("services").store.datasets.list(c.get("tenant")))),
  );

  app.get("/dataset/details", async (c) =>
    c.json((await c.get("services").store.datasets.list(c.get("tenant"))).map(datasetDetailsWire)),
  );

  app.get("/dataset/:datasetId/info", async (c) => {
    const { store } = c.get("services");
    const tenant = c.get("tenant");
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const [length, runs, slices] = await Promise.all([
      store.items.count(dataset.id),
      store.runs.list(tenant, { datasetId: dataset.id }),
      store.slices.list(tenant, { datasetId: dataset.id }),
    ]);
    return c.json(
      datasetInfoWire(dataset, { length, runIds: runs.map((r) => r.id), sliceIds: slices.map((s) => s.id) }),
    );
  });

  app.get("/dataset/:datasetId/name", async (c) =>
    c.json({ name: (await requireDataset(c, param(c, "datasetId"))).name }),
  );
  app.get("/dataset/:datasetId/size", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    return c.json({ count: await c.get("services").store.items.count(dataset.id) });
  });
  app.get("/dataset/:datasetId/is_scene", async (c) =>
    c.json({ is_scene: (await requireDataset(c, param(c, "datasetId"))).isScene }),
  );
  app.get("/dataset/:datasetId/use_privacy_mode", async (c) =>
    c.json({ use_privacy_mode: (await requireDataset(c, param(c, "datasetId"))).usePrivacyMode }),
  );
  app.get("/dataset/:datasetId/model_runs", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const runs = await c.get("services").store.runs.list(c.get("tenant"), { datasetId: dataset.id });
    return c.json(runs.map((r) => r.id));
  });
  app.get("/dataset/:datasetId/slices", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const name = c.req.query("name");
    const slices = await c.get("services").store.slices.list(c.get("tenant"), { datasetId: dataset.id });
    return c.json(slices.filter((s) => name === undefined || s.name === name).map(sliceWire));
  });

  app.delete("/dataset/:datasetId", async (c) => {
    const id = param(c, "datasetId");
    if (!(await c.get("services").store.datasets.delete(c.get("tenant"), id))) throw notFound("Dataset", id);
    return c.json({ message: "Beginning dataset deletion..." });
  });

  return app;
}

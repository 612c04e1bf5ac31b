import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { notFound } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import { inferredSchema } from "../presenters/curation.js";
import { datasetDetailsWire, datasetInfoWire, datasetListWire } from "../presenters/datasets.js";
import { sliceWire } from "../presenters/slices.js";
import { metadataSchemasOf } from "../services/metadata-schema.js";

/** Dataset routes: create, list, info and properties, delete. */
export function datasetRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.createDataset, async ({ body }, c) => {
    const dataset = await c.get("services").store.datasets.create(c.get("tenant"), {
      name: body.name,
      isScene: body.is_scene ?? false,
      usePrivacyMode: body.use_privacy_mode ?? false,
      annotationMetadataSchema: body.annotation_metadata_schema,
      itemMetadataSchema: body.item_metadata_schema,
    });
    return { dataset_id: dataset.id, name: dataset.name };
  });

  // The official client lists with a trailing slash; the bare form is served alike, not redirected.
  route(app, routes.listDatasetIds, async (_, c) =>
    datasetListWire(await c.get("services").store.datasets.list(c.get("tenant"))),
  );
  route(app, routes.listDatasets, async (_, c) =>
    (await c.get("services").store.datasets.list(c.get("tenant"))).map(datasetDetailsWire),
  );

  route(app, routes.datasetInfo, async ({ params }, c) => {
    const { store } = c.get("services");
    const tenant = c.get("tenant");
    const dataset = await requireDataset(c, params.datasetId);
    const [length, runs, slices, keys] = await Promise.all([
      store.items.count(dataset.id),
      store.runs.list(tenant, { datasetId: dataset.id }),
      store.slices.list(tenant, { datasetId: dataset.id }),
      metadataSchemasOf(store).keys(dataset.id),
    ]);
    // The schema given at creation, completed with the kinds the items' metadata has.
    const itemMetadataSchema =
      keys.length > 0 ? inferredSchema(keys, dataset.itemMetadataSchema) : dataset.itemMetadataSchema;
    return datasetInfoWire(
      { ...dataset, itemMetadataSchema },
      { length, runIds: runs.map((r) => r.id), sliceIds: slices.map((s) => s.id) },
    );
  });

  route(app, routes.datasetName, async ({ params }, c) => ({
    name: (await requireDataset(c, params.datasetId)).name,
  }));
  route(app, routes.datasetSize, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return { count: await c.get("services").store.items.count(dataset.id) };
  });
  route(app, routes.datasetIsScene, async ({ params }, c) => ({
    is_scene: (await requireDataset(c, params.datasetId)).isScene,
  }));
  route(app, routes.datasetPrivacyMode, async ({ params }, c) => ({
    use_privacy_mode: (await requireDataset(c, params.datasetId)).usePrivacyMode,
  }));
  route(app, routes.datasetModelRuns, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const runs = await c.get("services").store.runs.list(c.get("tenant"), { datasetId: dataset.id });
    return runs.map((r) => r.id);
  });
  route(app, routes.datasetSlices, async ({ params, query }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const slices = await c.get("services").store.slices.list(c.get("tenant"), { datasetId: dataset.id });
    return slices.filter((s) => query.name === undefined || s.name === query.name).map(sliceWire);
  });

  route(app, routes.deleteDataset, async ({ params }, c) => {
    const { store } = c.get("services");
    // The dataset's files that no other dataset holds are removed with it.
    const deleted = await c
      .get("mediaAccess")
      .deleteDataset(params.datasetId, () => store.datasets.delete(c.get("tenant"), params.datasetId));
    if (!deleted) throw notFound("Dataset", params.datasetId);
    // Its vector index files go with it.
    const { objects, vectors } = c.get("services");
    await objects.drop(params.datasetId);
    await vectors.drop(params.datasetId);
    return { message: "Beginning dataset deletion..." };
  });

  return app;
}

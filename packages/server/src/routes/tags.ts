import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { HttpError, notFound } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";

/** Tags of datasets, models and slices. */
export function tagRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.datasetTags, async ({ params }, c) => ({
    tags: (await requireDataset(c, params.datasetId)).tags,
  }));

  route(app, routes.addDatasetTags, async ({ params, body }, c) => {
    const change = await c
      .get("services")
      .store.tags.add("dataset", c.get("tenant"), params.datasetId, body.tags);
    if (!change) throw notFound("Dataset", params.datasetId);
    return { tags: change.tags };
  });

  route(app, routes.removeDatasetTags, async ({ params, body }, c) => {
    const change = await c
      .get("services")
      .store.tags.remove("dataset", c.get("tenant"), params.datasetId, body.tags);
    if (!change) throw notFound("Dataset", params.datasetId);
    return { tags: change.tags };
  });

  route(app, routes.addModelTags, async ({ params, body }, c) => {
    const change = await c
      .get("services")
      .store.tags.add("model", c.get("tenant"), params.modelId, body.tags);
    if (!change) throw notFound("Model", params.modelId);
    return { model_id: params.modelId, tags: change.tags };
  });

  route(app, routes.removeModelTags, async ({ params, body }, c) => {
    const change = await c
      .get("services")
      .store.tags.remove("model", c.get("tenant"), params.modelId, body.tags);
    if (!change) throw notFound("Model", params.modelId);
    // The protocol's answer when none of the tags was on the model.
    if (change.changed === 0)
      throw new HttpError(400, "Deleted 0 tags from model. The specified tag(s) were not found.");
    return {
      model_id: params.modelId,
      tags: change.tags,
      message: `Deleted ${change.changed} tags from model.`,
    };
  });

  route(app, routes.addSliceTags, async ({ params, body }, c) => {
    const change = await c
      .get("services")
      .store.tags.add("slice", c.get("tenant"), params.sliceId, body.slice_tags);
    if (!change) throw notFound("Slice", params.sliceId);
    return { slice_id: params.sliceId, tags: change.tags };
  });

  route(app, routes.removeSliceTags, async ({ params, body }, c) => {
    const change = await c
      .get("services")
      .store.tags.remove("slice", c.get("tenant"), params.sliceId, body.slice_tags);
    if (!change) throw notFound("Slice", params.sliceId);
    return { slice_id: params.sliceId, tags: change.tags };
  });

  return app;
}

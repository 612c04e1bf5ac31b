import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import { protocolAutotag } from "../services/autotag/present.js";
import type { TaxonomyRecord } from "../store/index.js";

const STATUS = {
  created: "Taxonomy created",
  exists: "Taxonomy already exists",
  updated: "Taxonomy updated",
} as const;

/** A taxonomy as clients read it. */
function taxonomyWire(taxonomy: TaxonomyRecord) {
  return {
    name: taxonomy.name,
    type: taxonomy.type,
    labels: taxonomy.labels,
    created_at: taxonomy.createdAt,
  };
}

/** Taxonomies of a dataset, and the list of its autotags. */
export function taxonomyRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.addTaxonomy, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const update = body.update ?? false;
    if (update) {
      // Labels are appended to a taxonomy; its kind cannot change under its annotations.
      const existing = (await store.taxonomies.list(dataset.id)).find((t) => t.name === body.taxonomy_name);
      if (existing && existing.type !== body.type) {
        throw badRequest(
          `type: taxonomy ${JSON.stringify(body.taxonomy_name)} of dataset ${dataset.id} is a ${existing.type} taxonomy, got ${JSON.stringify(body.type)}`,
        );
      }
    }
    const result = await store.taxonomies.add(
      dataset.id,
      { name: body.taxonomy_name, type: body.type, labels: body.labels },
      { update },
    );
    return { dataset_id: dataset.id, taxonomy_name: body.taxonomy_name, status: STATUS[result.status] };
  });

  route(app, routes.deleteTaxonomy, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const deleted = await c.get("services").store.taxonomies.delete(dataset.id, params.taxonomyName);
    if (!deleted)
      throw notFound("Taxonomy", `${JSON.stringify(params.taxonomyName)} of dataset ${dataset.id}`);
    return {
      dataset_id: dataset.id,
      taxonomy_name: params.taxonomyName,
      status: "Taxonomy successfully deleted" as const,
      annotations_deleted: deleted.annotations,
      predictions_deleted: deleted.predictions,
    };
  });

  route(app, routes.listTaxonomies, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return { taxonomies: (await c.get("services").store.taxonomies.list(dataset.id)).map(taxonomyWire) };
  });

  route(app, routes.listAutotags, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return { autotags: (await c.get("services").store.autotags.list(dataset.id)).map(protocolAutotag) };
  });

  return app;
}

import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { mediaUrlOf, requireDataset, requireRun, requireSlice } from "../http/lookup.js";
import {
  curationItemWire,
  facetsWire,
  metadataSchemaWire,
  metricsWire,
  reviewWire,
} from "../presenters/curation.js";
import { DEFAULT_IOU, matchSetsOf } from "../services/match-sets.js";
import { metadataSchemasOf } from "../services/metadata-schema.js";
import { type DatasetRecord, type ItemScope, unknownItem, unknownReference } from "../store/index.js";
import { MAX_PAGE } from "./items.js";
import { runOf } from "./queries.js";

/** Items named by a request, read a page at a time: by reference id, item id, or an item query. */
async function* namedItems(
  c: Ctx,
  dataset: DatasetRecord,
  by: {
    reference_ids?: string[] | null | undefined;
    item_ids?: string[] | null | undefined;
    query?: string | null | undefined;
    model_run_id?: string | null | undefined;
  },
): AsyncGenerator<string[]> {
  const { store } = c.get("services");
  if (by.reference_ids) {
    const ids: string[] = [];
    const missing: string[] = [];
    for (const ref of new Set(by.reference_ids)) {
      const item = await store.items.find(dataset.id, { referenceId: ref });
      if (item) ids.push(item.id);
      else missing.push(ref);
    }
    if (missing.length > 0) throw unknownReference(dataset.id, missing);
    yield ids;
    return;
  }
  if (by.item_ids) {
    yield [...new Set(by.item_ids)];
    return;
  }
  const run = await runOf(c, dataset, by.model_run_id);
  let cursor: string | null = null;
  do {
    const page = await store.queries.items(
      dataset.id,
      { text: by.query ?? "", runId: run?.id },
      { cursor, limit: MAX_PAGE },
    );
    yield page.records.map((item) => item.id);
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/**
 * This server's own routes for curation (counts, facets, the metadata schema, query checks,
 * tags, reviews, slices from a query, evaluations of a subset), under `ext/` so that the
 * protocol's namespace stays Scale's.
 */
export function curationRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.countItems, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const run = await runOf(c, dataset, body.model_run_id);
    return {
      count: await c
        .get("services")
        .store.queries.count(dataset.id, { text: body.query ?? "", runId: run?.id }),
    };
  });

  route(app, routes.facets, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const run = await runOf(c, dataset, body.model_run_id);
    const facets = await c.get("services").store.queries.facets(
      dataset.id,
      { text: body.query ?? "", runId: run?.id },
      {
        metadataKeys: body.metadata_keys ?? undefined,
        bins: body.bins ?? 10,
        topValues: body.top_values ?? 20,
      },
    );
    return facetsWire(facets);
  });

  route(app, routes.metadataSchema, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const keys = await metadataSchemasOf(c.get("services").store).keys(dataset.id);
    return metadataSchemaWire(keys, dataset.itemMetadataSchema);
  });

  route(app, routes.checkQuery, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const fields = await c
      .get("services")
      .store.queries.check(dataset.id, { text: body.query, scope: body.scope ?? "item" });
    return { fields: fields.map((f) => ({ ...f })) };
  });

  route(app, routes.curationItemsPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const run = await runOf(c, dataset, body.model_run_id);
    const { store } = c.get("services");
    const page = await store.queries.items(
      dataset.id,
      { text: body.query ?? "", runId: run?.id },
      { cursor: body.pageToken, limit: Math.min(body.pageSize, MAX_PAGE) },
    );
    const tags = await store.curation.tagsOf(
      dataset.id,
      page.records.map((item) => item.id),
    );
    const url = mediaUrlOf(c);
    return {
      items: page.records.map((item) => curationItemWire(item, tags.get(item.id) ?? [], url)),
      nextPageToken: page.nextCursor,
    };
  });

  route(app, routes.tagItems, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    let items = 0;
    let changed = 0;
    for await (const ids of namedItems(c, dataset, body)) {
      if (ids.length === 0) continue;
      items += ids.length;
      changed += await store.curation.tag(dataset.id, ids, {
        add: body.add ?? [],
        remove: body.remove ?? [],
      });
    }
    return { items, changed };
  });

  route(app, routes.listTags, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const tags = await c.get("services").store.curation.tags(dataset.id);
    return { tags: tags.map((t) => ({ ...t })) };
  });

  route(app, routes.reviewItems, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    // Who reviews: the name given, else the key's tenant (never the key).
    const reviewer = body.reviewer ?? `key:${c.get("tenant").slice(0, 12)}`;
    const reviews = [];
    const missingRefs: string[] = [];
    for (const review of body.reviews) {
      const item = review.reference_id
        ? await store.items.find(dataset.id, { referenceId: review.reference_id })
        : await store.items.get(dataset.id, review.item_id as string);
      if (!item) {
        if (review.reference_id) missingRefs.push(review.reference_id);
        else throw unknownItem(dataset.id, [review.item_id as string]);
        continue;
      }
      if (review.annotation_id) {
        const label = await store.labels.find(
          { kind: "annotations", datasetId: dataset.id },
          { itemId: item.id, annotationId: review.annotation_id },
        );
        if (!label)
          throw notFound("Annotation", `${review.annotation_id} on item ${JSON.stringify(item.referenceId)}`);
      }
      reviews.push({
        itemId: item.id,
        annotationId: review.annotation_id ?? null,
        status: review.status,
        reviewer,
        comment: review.comment ?? null,
      });
    }
    if (missingRefs.length > 0) throw unknownReference(dataset.id, missingRefs);
    const recorded = await store.curation.review(dataset.id, reviews);
    return { reviews: recorded.map(reviewWire) };
  });

  route(app, routes.itemReviews, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const item = await store.items.find(dataset.id, { referenceId: params.referenceId });
    if (!item) throw notFound("Item", `with reference id ${JSON.stringify(params.referenceId)}`);
    return { reviews: (await store.curation.reviewsOf(dataset.id, [item.id])).map(reviewWire) };
  });

  route(app, routes.createQuerySlice, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const run = await runOf(c, dataset, body.model_run_id);
    const dynamic = body.dynamic ?? false;
    const slice = await c.get("services").store.curation.createQuerySlice(c.get("tenant"), {
      datasetId: dataset.id,
      name: body.name,
      query: { query: body.query, runId: run?.id ?? null, dynamic },
    });
    return { slice_id: slice.id, dynamic, query: body.query };
  });

  route(app, routes.subsetEvaluation, async ({ params, body }, c) => {
    const run = await requireRun(c, params.runId);
    const dataset = await requireDataset(c, run.datasetId);
    const { store } = c.get("services");
    let items: ItemScope | undefined;
    if (body.slice_id) {
      const slice = await requireSlice(c, body.slice_id);
      if (slice.datasetId !== dataset.id)
        throw badRequest(
          `slice ${slice.id} is a slice of dataset ${slice.datasetId}, not of run ${run.id}'s`,
        );
      items = { sliceId: slice.id };
    } else if (body.query) items = { query: { text: body.query, runId: run.id } };
    const sets = matchSetsOf(store);
    const evaluation = await sets.latest(c.get("tenant"), run.id);
    if (!evaluation) {
      throw badRequest(
        `Model run ${run.id} has no evaluation yet: commit it (POST modelRun/${run.id}/commit) to match its predictions`,
      );
    }
    const iouThreshold = body.iou_threshold ?? DEFAULT_IOU;
    const summary = await sets.summary(evaluation, iouThreshold, items ? { items } : {});
    return {
      evaluation_id: evaluation.id,
      model_run_id: run.id,
      iou_threshold: iouThreshold,
      items: summary.items,
      metrics: metricsWire(summary.metrics),
      charts: summary.charts as never,
    };
  });

  return app;
}

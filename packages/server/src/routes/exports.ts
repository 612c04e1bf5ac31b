import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { mediaUrlOf, requireDataset, requireModel, requireRun, requireSlice } from "../http/lookup.js";
import { mapPages, steppedPage } from "../http/pages.js";
import { STREAM_PAGE, streamedList } from "../http/stream-json.js";
import { exportRowsWire } from "../presenters/items.js";
import { predictionGroupsWire } from "../presenters/labels.js";
import type { ItemRecord, LabelRecord, LabelTarget, Page, PageRequest } from "../store/index.js";
import { exportRows, MAX_PAGE } from "./items.js";

/** Items read per store call while a whole export is gathered. */
const PAGE = 1_000;

/** Every page of a paged list, in order. */
async function* pagesOf(read: (request: PageRequest) => Promise<Page<ItemRecord>>) {
  let cursor: string | null = null;
  do {
    const page = await read({ cursor, limit: PAGE });
    yield page.records;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** The labels of targets on a list of items, in item order (then target order, then upload order). */
async function labelsOn(c: Ctx, targets: readonly LabelTarget[], items: readonly ItemRecord[]) {
  const { store } = c.get("services");
  const ids = items.map((item) => item.id);
  const labels: LabelRecord[] = [];
  for (const target of targets)
    for (const label of await store.listings.labels(target, ids)) labels.push(label);
  if (targets.length < 2) return labels;
  const position = new Map(ids.map((id, i) => [id, i]));
  // A stable sort keeps each item's labels in target and upload order.
  return labels.sort((a, b) => (position.get(a.itemId) ?? 0) - (position.get(b.itemId) ?? 0));
}

/** The runs of a model on a dataset, as label targets. */
async function modelTargets(c: Ctx, datasetId: string, modelId: string): Promise<LabelTarget[]> {
  const runs = await c.get("services").store.runs.list(c.get("tenant"), { datasetId });
  return runs
    .filter((run) => run.modelId === modelId)
    .map((run) => ({ kind: "predictions", datasetId, runId: run.id }));
}

/** The labels a stored label carries: its label, a multicategory's labels, a mask's segment labels. */
function labelTexts(payload: Record<string, unknown>): string[] {
  const texts: string[] = [];
  if (typeof payload.label === "string") texts.push(payload.label);
  if (Array.isArray(payload.labels))
    for (const text of payload.labels) if (typeof text === "string") texts.push(text);
  if (Array.isArray(payload.annotations)) {
    for (const segment of payload.annotations) {
      const text = (segment as { label?: unknown } | null)?.label;
      if (typeof text === "string") texts.push(text);
    }
  }
  return texts;
}

/** The distinct ground-truth labels of the items of some pages, sorted. */
async function classLabels(c: Ctx, datasetId: string, pages: AsyncIterable<ItemRecord[]>) {
  const seen = new Set<string>();
  for await (const items of pages) {
    for (const label of await labelsOn(c, [{ kind: "annotations", datasetId }], items)) {
      for (const text of labelTexts(label.payload as Record<string, unknown>)) seen.add(text);
    }
  }
  return { data: [...seen].sort() };
}

/** Prediction exports, raw item exports, slice export pages and class labels. */
export function exportRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.exportModelPredictions, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const model = await requireModel(c, params.modelId);
    const targets = await modelTargets(c, dataset.id, model.id);
    const { store } = c.get("services");
    const labels: LabelRecord[] = [];
    if (targets.length > 0) {
      for await (const items of pagesOf((request) => store.listings.items(dataset.id, request)))
        for (const label of await labelsOn(c, targets, items)) labels.push(label);
    }
    return predictionGroupsWire(labels, mediaUrlOf(c));
  });

  route(app, routes.modelRunUngrouped, async ({ params }, c) => {
    const run = await requireRun(c, params.runId);
    const target: LabelTarget = { kind: "predictions", datasetId: run.datasetId, runId: run.id };
    const { store } = c.get("services");
    const labels: LabelRecord[] = [];
    for await (const items of pagesOf((request) => store.listings.items(run.datasetId, request)))
      for (const label of await labelsOn(c, [target], items)) labels.push(label);
    return predictionGroupsWire(labels, mediaUrlOf(c));
  });

  route(app, routes.slicePredictionExport, async ({ params }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const model = await requireModel(c, params.modelId);
    const targets = await modelTargets(c, slice.datasetId, model.id);
    const { store } = c.get("services");
    const rows: ReturnType<typeof exportRowsWire> = [];
    for await (const items of pagesOf((request) => store.listings.sliceItems(slice.id, request))) {
      for (const row of exportRowsWire(items, await labelsOn(c, targets, items), mediaUrlOf(c)))
        rows.push(row);
    }
    return { exportedRows: rows };
  });

  route(app, routes.slicePredictionExportPage, async ({ params, body }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const model = await requireModel(c, params.modelId);
    const targets = await modelTargets(c, slice.datasetId, model.id);
    const page = await c.get("services").store.listings.sliceItems(slice.id, {
      cursor: body.pageToken,
      limit: Math.min(body.pageSize, MAX_PAGE),
    });
    return {
      data: exportRowsWire(page.records, await labelsOn(c, targets, page.records), mediaUrlOf(c)),
      nextPageToken: page.nextCursor,
    };
  });

  route(app, routes.sliceExportPage, async ({ params, body }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const { store } = c.get("services");
    const page = await steppedPage(
      (cursor, limit) => store.listings.sliceItems(slice.id, { cursor, limit }),
      body.pageToken,
      Math.min(body.pageSize, MAX_PAGE),
      STREAM_PAGE,
    );
    return streamedList(
      "data",
      () => mapPages(page.pages(), (items) => exportRows(c, slice.datasetId, items)),
      () => ({ nextPageToken: page.nextCursor() }),
    );
  });

  route(app, routes.exportRawItems, async ({ params }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const { store } = c.get("services");
    const url = mediaUrlOf(c);
    const raw = [];
    for await (const items of pagesOf((request) => store.listings.sliceItems(slice.id, request))) {
      for (const item of items) {
        raw.push({
          id: item.id,
          ref_id: item.referenceId,
          metadata: item.metadata,
          original_url: item.imageUrl,
          scale_url: item.mediaKey ? url(item.mediaKey) : item.imageUrl,
        });
      }
    }
    return { raw_dataset_items: raw };
  });

  route(app, routes.datasetClassLabels, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    return classLabels(
      c,
      dataset.id,
      pagesOf((request) => store.listings.items(dataset.id, request)),
    );
  });

  route(app, routes.sliceClassLabels, async ({ params }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const { store } = c.get("services");
    return classLabels(
      c,
      slice.datasetId,
      pagesOf((request) => store.listings.sliceItems(slice.id, request)),
    );
  });

  return app;
}

import { CreateSliceRequest, PageRequest, SliceAppendRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { badRequest, notFound } from "../http/errors.js";
import { decodeCursor, mediaUrlOf, param, requireDataset, requireSlice } from "../http/lookup.js";
import { itemJson, sliceJson } from "../http/present.js";
import { exportRows, pageOf } from "./items.js";

/** Slices: named subsets of a dataset's items. */
export function sliceRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/:datasetId/create_slice", async (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, CreateSliceRequest);
    const itemIds = body.dataset_item_ids?.length
      ? resolveItemIds(c, dataset.id, body.dataset_item_ids)
      : resolveReferences(c, dataset.id, body.reference_ids ?? []);
    if (itemIds.length === 0 && !body.allow_empty) {
      throw badRequest(
        "A slice needs reference_ids or dataset_item_ids; pass allow_empty to create an empty one",
      );
    }
    const slice = c.get("services").store.createSlice(c.get("tenant"), dataset.id, body.name, itemIds);
    return c.json({ slice_id: slice.id });
  });

  app.on("GET", ["/slice/", "/slice"], (c) =>
    c.json(c.get("services").store.listSlices(c.get("tenant")).map(sliceJson)),
  );

  app.get("/slice/:sliceId/info", (c) => {
    const slice = requireSlice(c, param(c, "sliceId"));
    return c.json({ ...sliceJson(slice), slice_id: slice.id, tags: JSON.parse(slice.tags) as string[] });
  });

  app.get("/slice/:sliceId", (c) => {
    const slice = requireSlice(c, param(c, "sliceId"));
    const rows = c.get("services").store.sliceItemsPage(slice.id, 0, Number.MAX_SAFE_INTEGER);
    const url = mediaUrlOf(c);
    return c.json({ items: rows.map((row) => itemJson(row, url)) });
  });

  app.post("/slice/:sliceId/itemsPage", async (c) => {
    const slice = requireSlice(c, param(c, "sliceId"));
    const page = await readBody(c, PageRequest);
    const size = Math.min(page.pageSize, 10_000);
    const fetched = c.get("services").store.sliceItemsPage(slice.id, decodeCursor(page.pageToken), size + 1);
    const { rows, nextPageToken } = pageOf(fetched, size, (row) => row.slice_seq);
    const url = mediaUrlOf(c);
    return c.json({ items: rows.map((row) => itemJson(row, url)), nextPageToken });
  });

  app.post("/slice/:sliceId/append", async (c) => {
    const slice = requireSlice(c, param(c, "sliceId"));
    const body = await readBody(c, SliceAppendRequest);
    if (body.dataset_id !== undefined && body.dataset_id !== slice.dataset_id) {
      throw badRequest(`Slice ${slice.id} belongs to dataset ${slice.dataset_id}, not ${body.dataset_id}`);
    }
    const { store } = c.get("services");
    const itemIds = resolveReferences(c, slice.dataset_id, body.reference_ids);
    const added = new Set(store.addToSlice(slice.id, itemIds));
    const newRefs = body.reference_ids.filter((_, i) => added.has(itemIds[i] as string));
    return c.json({ slice_id: slice.id, new_items: [...new Set(newRefs)] });
  });

  app.get("/slice/:sliceId/exportForTraining", (c) => {
    const slice = requireSlice(c, param(c, "sliceId"));
    const rows = c.get("services").store.sliceItemsPage(slice.id, 0, Number.MAX_SAFE_INTEGER);
    return c.json({ exportedRows: exportRows(c, { id: slice.dataset_id }, rows) });
  });

  app.delete("/slice/:sliceId", (c) => {
    const id = param(c, "sliceId");
    if (!c.get("services").store.deleteSlice(c.get("tenant"), id)) throw notFound("Slice", id);
    return c.json({});
  });

  return app;
}

/** Item ids of reference ids; unknown ones are a 400 naming each, and nothing is written. */
function resolveReferences(c: Ctx, datasetId: string, referenceIds: string[]): string[] {
  const { store } = c.get("services");
  const missing: string[] = [];
  const ids = referenceIds.map((ref) => {
    const item = store.itemByReference(datasetId, ref);
    if (!item) missing.push(ref);
    return item?.id ?? "";
  });
  if (missing.length > 0) {
    throw badRequest(
      `reference_ids: no item in dataset ${datasetId} has reference id ${missing.map((r) => JSON.stringify(r)).join(", ")}`,
    );
  }
  return ids;
}

function resolveItemIds(c: Ctx, datasetId: string, itemIds: string[]): string[] {
  const { store } = c.get("services");
  const missing = itemIds.filter((id) => !store.itemById(datasetId, id));
  if (missing.length > 0)
    throw badRequest(`dataset_item_ids: no item in dataset ${datasetId} has id ${missing.join(", ")}`);
  return itemIds;
}

import { CreateSliceRequest, PageRequest, SliceAppendRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Env } from "../http/context.js";
import { badRequest, notFound } from "../http/errors.js";
import { mediaUrlOf, param, requireDataset, requireSlice } from "../http/lookup.js";
import { itemWire } from "../presenters/items.js";
import { sliceInfoWire, sliceWire } from "../presenters/slices.js";
import type { SliceMembers } from "../store/index.js";
import { exportRows, MAX_PAGE } from "./items.js";

/** Slices: named subsets of a dataset's items. */
export function sliceRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/:datasetId/create_slice", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, CreateSliceRequest);
    const members: SliceMembers = body.dataset_item_ids?.length
      ? { itemIds: body.dataset_item_ids }
      : { referenceIds: body.reference_ids ?? [] };
    const given = "itemIds" in members ? members.itemIds : members.referenceIds;
    if (given.length === 0 && !body.allow_empty) {
      throw badRequest(
        "A slice needs reference_ids or dataset_item_ids; pass allow_empty to create an empty one",
      );
    }
    const slice = await c
      .get("services")
      .store.slices.create(c.get("tenant"), { datasetId: dataset.id, name: body.name, members });
    return c.json({ slice_id: slice.id });
  });

  app.on("GET", ["/slice/", "/slice"], async (c) =>
    c.json((await c.get("services").store.slices.list(c.get("tenant"))).map(sliceWire)),
  );

  app.get("/slice/:sliceId/info", async (c) =>
    c.json(sliceInfoWire(await requireSlice(c, param(c, "sliceId")))),
  );

  app.get("/slice/:sliceId", async (c) => {
    const slice = await requireSlice(c, param(c, "sliceId"));
    const { records } = await c.get("services").store.slices.items(slice.id, {});
    const url = mediaUrlOf(c);
    return c.json({ items: records.map((item) => itemWire(item, url)) });
  });

  app.post("/slice/:sliceId/itemsPage", async (c) => {
    const slice = await requireSlice(c, param(c, "sliceId"));
    const request = await readBody(c, PageRequest);
    const page = await c.get("services").store.slices.items(slice.id, {
      cursor: request.pageToken,
      limit: Math.min(request.pageSize, MAX_PAGE),
    });
    const url = mediaUrlOf(c);
    return c.json({ items: page.records.map((item) => itemWire(item, url)), nextPageToken: page.nextCursor });
  });

  app.post("/slice/:sliceId/append", async (c) => {
    const slice = await requireSlice(c, param(c, "sliceId"));
    const body = await readBody(c, SliceAppendRequest);
    if (body.dataset_id !== undefined && body.dataset_id !== slice.datasetId) {
      throw badRequest(`Slice ${slice.id} belongs to dataset ${slice.datasetId}, not ${body.dataset_id}`);
    }
    const added = await c.get("services").store.slices.append(slice, body.reference_ids);
    return c.json({ slice_id: slice.id, new_items: added });
  });

  app.get("/slice/:sliceId/exportForTraining", async (c) => {
    const slice = await requireSlice(c, param(c, "sliceId"));
    const { records } = await c.get("services").store.slices.items(slice.id, {});
    return c.json({ exportedRows: await exportRows(c, slice.datasetId, records) });
  });

  app.delete("/slice/:sliceId", async (c) => {
    const id = param(c, "sliceId");
    if (!(await c.get("services").store.slices.delete(c.get("tenant"), id))) throw notFound("Slice", id);
    return c.json({});
  });

  return app;
}

import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { mediaUrlOf, requireDataset, requireSlice } from "../http/lookup.js";
import { mapPages, pagesOf, steppedPage } from "../http/pages.js";
import { STREAM_PAGE, streamedList } from "../http/stream-json.js";
import { itemWire } from "../presenters/items.js";
import { sliceInfoWire, sliceWire } from "../presenters/slices.js";
import type { SliceMembers } from "../store/index.js";
import { exportRows, MAX_PAGE } from "./items.js";
import { objectSliceEntries, objectSliceIds, rawJsonRows, sceneSliceEntries } from "./object-slices.js";
import { requireOneKind, sceneSliceItems } from "./scene-slices.js";

/** Slices: named subsets of a dataset's items. */
export function sliceRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.createSlice, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    requireOneKind(body);
    if (body.object_ids?.length) {
      const { store } = c.get("services");
      const ids = await objectSliceIds(store, dataset.id, body.object_ids);
      const slice = await store.transaction(async (tx) => {
        const created = await tx.slices.create(c.get("tenant"), {
          datasetId: dataset.id,
          name: body.name,
          members: { itemIds: [] },
          type: "object",
        });
        await tx.sliceObjects.add(created.id, ids);
        return created;
      });
      return { slice_id: slice.id };
    }
    const scenes = body.scene_ids?.length ? body.scene_ids : undefined;
    const members: SliceMembers = scenes
      ? { itemIds: await sceneSliceItems(c.get("services").store, dataset.id, scenes) }
      : body.dataset_item_ids?.length
        ? { itemIds: body.dataset_item_ids }
        : { referenceIds: body.reference_ids ?? [] };
    const given = "itemIds" in members ? members.itemIds : members.referenceIds;
    if (given.length === 0 && !scenes && !body.allow_empty) {
      throw badRequest(
        "A slice needs reference_ids, dataset_item_ids or scene_ids; pass allow_empty to create an empty one",
      );
    }
    const slice = await c.get("services").store.slices.create(c.get("tenant"), {
      datasetId: dataset.id,
      name: body.name,
      members,
      type: scenes ? "scene" : undefined,
    });
    return { slice_id: slice.id };
  });

  route(app, routes.listSlices, async (_, c) =>
    (await c.get("services").store.slices.list(c.get("tenant"))).map(sliceWire),
  );

  route(app, routes.sliceInfo, async ({ params }, c) => sliceInfoWire(await requireSlice(c, params.sliceId)));

  route(app, routes.sliceItems, async ({ params }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    // The official client reads each entry by its id's prefix: objects and scenes, not frames.
    if (slice.type === "object") return { items: await objectSliceEntries(c, slice) } as never;
    if (slice.type === "scene") return { items: await sceneSliceEntries(c, slice) } as never;
    const { store } = c.get("services");
    const url = mediaUrlOf(c);
    return streamedList("items", () =>
      mapPages(
        pagesOf((cursor) => store.listings.sliceItems(slice.id, { cursor, limit: STREAM_PAGE })),
        (items) => items.map((item) => itemWire(item, url)),
      ),
    );
  });

  route(app, routes.sliceItemsPage, async ({ params, body }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const { store } = c.get("services");
    const page = await steppedPage(
      (cursor, limit) => store.listings.sliceItems(slice.id, { cursor, limit }),
      body.pageToken,
      Math.min(body.pageSize, MAX_PAGE),
      STREAM_PAGE,
    );
    const url = mediaUrlOf(c);
    return streamedList(
      "items",
      () => mapPages(page.pages(), (items) => items.map((item) => itemWire(item, url))),
      () => ({ nextPageToken: page.nextCursor() }),
    );
  });

  route(app, routes.sliceAppend, async ({ params, body }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    if (body.dataset_id !== undefined && body.dataset_id !== slice.datasetId) {
      throw badRequest(`Slice ${slice.id} belongs to dataset ${slice.datasetId}, not ${body.dataset_id}`);
    }
    const added = await c.get("services").store.slices.append(slice, body.reference_ids);
    return { slice_id: slice.id, new_items: added };
  });

  route(app, routes.sliceExport, async ({ params }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const { store } = c.get("services");
    return streamedList("exportedRows", () =>
      mapPages(
        pagesOf((cursor) => store.listings.sliceItems(slice.id, { cursor, limit: STREAM_PAGE })),
        (items) => exportRows(c, slice.datasetId, items),
      ),
    );
  });

  route(app, routes.sliceExportRawJson, async ({ params }, c) =>
    rawJsonRows(c, await requireSlice(c, params.sliceId)),
  );

  route(app, routes.deleteSlice, async ({ params }, c) => {
    if (!(await c.get("services").store.slices.delete(c.get("tenant"), params.sliceId)))
      throw notFound("Slice", params.sliceId);
    return {};
  });

  return app;
}

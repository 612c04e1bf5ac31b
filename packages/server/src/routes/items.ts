import {
  AppendItemsRequest,
  imageSize,
  MultipartItemsPart,
  PageRequest,
  UpdateMetadataRequest,
} from "@nucleus/schemas";
import { Hono } from "hono";
import { type FilePart, isMultipart, readBody, readMultipart, validate } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { badRequest, notFound } from "../http/errors.js";
import { once } from "../http/idempotency.js";
import { indexParam, mediaUrlOf, param, requireDataset } from "../http/lookup.js";
import { exportRowsWire, itemWire } from "../presenters/items.js";
import { labelGroupsWire } from "../presenters/labels.js";
import type { DatasetRecord, ItemRecord, NewItem } from "../store/index.js";
import { startAsyncUpload } from "./uploads.js";

/** The largest page a paged route serves. */
export const MAX_PAGE = 10_000;

/** Item routes: append (JSON, multipart, async), reads by position/reference/id, pages, exports. */
export function itemRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/:datasetId/append", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    if (c.req.query("async") === "1") return startAsyncUpload(c, dataset, "uploadDatasetItems");
    let items: NewItem[];
    let update = false;
    if (isMultipart(c)) {
      items = await readLocalItems(c);
    } else {
      const body = await readBody(c, AppendItemsRequest);
      items = body.items;
      update = body.update ?? false;
    }
    return c.json(
      await once(c, async (stores) => {
        const counts = await stores.items.upsert(dataset.id, items, { update });
        return {
          dataset_id: dataset.id,
          new_items: counts.newItems,
          updated_items: counts.updatedItems,
          ignored_items: counts.ignoredItems,
          upload_errors: 0,
        };
      }),
    );
  });

  app.get("/dataset/:datasetId/datasetItems", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const { records } = await c.get("services").store.items.page(dataset.id, {});
    const url = mediaUrlOf(c);
    return c.json({ dataset_items: records.map((item) => itemWire(item, url)) });
  });

  app.post("/dataset/:datasetId/itemsPage", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const request = await readBody(c, PageRequest);
    const page = await c.get("services").store.items.page(dataset.id, {
      cursor: request.pageToken,
      limit: Math.min(request.pageSize, MAX_PAGE),
    });
    const url = mediaUrlOf(c);
    return c.json({ items: page.records.map((item) => itemWire(item, url)), nextPageToken: page.nextCursor });
  });

  /** One item with its ground truth, or a 404 naming how it was asked for. */
  const single = async (c: Ctx, dataset: DatasetRecord, item: ItemRecord | undefined, what: string) => {
    if (!item) throw notFound("Item", what);
    const url = mediaUrlOf(c);
    const labels = await c
      .get("services")
      .store.labels.list({ kind: "annotations", datasetId: dataset.id }, [item.id]);
    return c.json({ item: itemWire(item, url), annotations: labelGroupsWire(labels, url) });
  };

  app.get("/dataset/:datasetId/refloc/:referenceId", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const ref = param(c, "referenceId");
    const item = await c.get("services").store.items.find(dataset.id, { referenceId: ref });
    return single(c, dataset, item, `with reference id ${JSON.stringify(ref)}`);
  });
  app.get("/dataset/:datasetId/iloc/:index", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const index = indexParam(c, "index");
    const item = await c.get("services").store.items.find(dataset.id, { index });
    return single(c, dataset, item, `at index ${index}`);
  });
  app.get("/dataset/:datasetId/loc/:itemId", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const id = param(c, "itemId");
    return single(c, dataset, await c.get("services").store.items.get(dataset.id, id), id);
  });

  app.delete("/dataset/:datasetId/refloc/:referenceId", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const ref = param(c, "referenceId");
    if (!(await c.get("services").store.items.delete(dataset.id, ref)))
      throw notFound("Item", `with reference id ${JSON.stringify(ref)}`);
    return c.json({});
  });

  app.post("/dataset/:datasetId/metadata", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, UpdateMetadataRequest);
    if (body.level !== "item") throw badRequest('level must be "item": this dataset has no scenes');
    const missing = await c.get("services").store.items.mergeMetadata(
      dataset.id,
      body.metadata.map((update) => ({ referenceId: update.reference_id, metadata: update.metadata })),
    );
    return c.json({
      dataset_id: dataset.id,
      updated: body.metadata.length - missing.length,
      missing_reference_ids: missing,
    });
  });

  app.get("/dataset/:datasetId/exportForTraining", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const { records } = await c.get("services").store.items.page(dataset.id, {});
    return c.json({ exportedRows: await exportRows(c, dataset.id, records) });
  });

  app.post("/dataset/:datasetId/exportForTrainingPage", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const request = await readBody(c, PageRequest);
    const page = await c.get("services").store.items.page(dataset.id, {
      cursor: request.pageToken,
      limit: Math.min(request.pageSize, MAX_PAGE),
    });
    return c.json({ data: await exportRows(c, dataset.id, page.records), nextPageToken: page.nextCursor });
  });

  app.get("/dataset/:datasetId/groundTruth/loc/:referenceId/:annotationId", async (c) => {
    const dataset = await requireDataset(c, param(c, "datasetId"));
    const { store } = c.get("services");
    const ref = param(c, "referenceId");
    const annotationId = param(c, "annotationId");
    const item = await store.items.find(dataset.id, { referenceId: ref });
    const label =
      item &&
      (await store.labels.find(
        { kind: "annotations", datasetId: dataset.id },
        { itemId: item.id, annotationId },
      ));
    if (!label) throw notFound("Annotation", `${annotationId} on item ${JSON.stringify(ref)}`);
    return c.json(labelGroupsWire([label], mediaUrlOf(c))[label.group]?.[0]);
  });

  return app;
}

/** Export rows of some items of a dataset: each with its ground truth, grouped by type. */
export async function exportRows(c: Ctx, datasetId: string, items: readonly ItemRecord[]) {
  const labels = await c.get("services").store.labels.list(
    { kind: "annotations", datasetId },
    items.map((item) => item.id),
  );
  return exportRowsWire(items, labels, mediaUrlOf(c));
}

/** A multipart append: the `items` JSON part, and one `image` file per item, in order. */
async function readLocalItems(c: Ctx): Promise<NewItem[]> {
  const form = await readMultipart(c);
  const items = validate(MultipartItemsPart, await form.json("items"), "items");
  const images = form.files("image");
  if (images.length !== items.length) {
    throw badRequest(
      `The multipart body has ${items.length} items but ${images.length} image parts: send one image per item, in order`,
    );
  }
  const { media } = c.get("services");
  return Promise.all(
    items.map(async (item, i) => {
      const file = images[i] as FilePart;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const key = media.put(bytes, safeFileName(file.name || item.image_url));
      return { ...item, ...sizeOf(item, bytes), media_key: key };
    }),
  );
}

/**
 * The item's own width and height, else those of the image's header: a local file's size is
 * known here for free, and exports (COCO, YOLO) need it.
 */
function sizeOf(item: { width?: number; height?: number }, bytes: Uint8Array) {
  if (item.width && item.height) return {};
  const size = imageSize(bytes);
  return size ? { width: item.width ?? size.width, height: item.height ?? size.height } : {};
}

/** Only the extension of a client's file name is used; the rest may be a path or percent-encoded. */
function safeFileName(name: string): string {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // keep the raw name
  }
  return decoded.split(/[\\/]/).pop() ?? "";
}

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
import { decodeCursor, indexParam, mediaUrlOf, param, requireDataset } from "../http/lookup.js";
import { exportRow, groupLabels, itemJson } from "../http/present.js";
import type { DatasetRow, ItemInput, ItemRow, LabelRow } from "../store/types.js";
import { startAsyncUpload } from "./uploads.js";

const MAX_PAGE = 10_000;

/** Item routes: append (JSON, multipart, async), reads by position/reference/id, pages, exports. */
export function itemRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.post("/dataset/:datasetId/append", async (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    if (c.req.query("async") === "1") return startAsyncUpload(c, dataset, "uploadDatasetItems");
    const { store } = c.get("services");
    let items: ItemInput[];
    let update = false;
    if (isMultipart(c)) {
      items = await readLocalItems(c);
    } else {
      const body = await readBody(c, AppendItemsRequest);
      items = body.items;
      update = body.update ?? false;
    }
    return c.json(
      once(c, () => {
        const counts = store.upsertItems(dataset.id, items, update);
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

  app.get("/dataset/:datasetId/datasetItems", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const rows = c.get("services").store.itemsPage(dataset.id, 0, Number.MAX_SAFE_INTEGER);
    const url = mediaUrlOf(c);
    return c.json({ dataset_items: rows.map((row) => itemJson(row, url)) });
  });

  app.post("/dataset/:datasetId/itemsPage", async (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const page = await readBody(c, PageRequest);
    const size = Math.min(page.pageSize, MAX_PAGE);
    const fetched = c.get("services").store.itemsPage(dataset.id, decodeCursor(page.pageToken), size + 1);
    const { rows, nextPageToken } = pageOf(fetched, size, (row) => row.seq);
    const url = mediaUrlOf(c);
    return c.json({ items: rows.map((row) => itemJson(row, url)), nextPageToken });
  });

  const single = (c: Ctx, dataset: DatasetRow, item: ItemRow | undefined, what: string) => {
    if (!item) throw notFound("Item", what);
    const url = mediaUrlOf(c);
    const labels = c
      .get("services")
      .store.labelsOfItems({ kind: "annotations", datasetId: dataset.id }, [item.id]);
    return c.json({ item: itemJson(item, url), annotations: groupLabels(labels, url) });
  };

  app.get("/dataset/:datasetId/refloc/:referenceId", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const ref = param(c, "referenceId");
    return single(
      c,
      dataset,
      c.get("services").store.itemByReference(dataset.id, ref),
      `with reference id ${JSON.stringify(ref)}`,
    );
  });
  app.get("/dataset/:datasetId/iloc/:index", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const index = indexParam(c, "index");
    return single(c, dataset, c.get("services").store.itemByIndex(dataset.id, index), `at index ${index}`);
  });
  app.get("/dataset/:datasetId/loc/:itemId", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const id = param(c, "itemId");
    return single(c, dataset, c.get("services").store.itemById(dataset.id, id), id);
  });

  app.delete("/dataset/:datasetId/refloc/:referenceId", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const ref = param(c, "referenceId");
    if (!c.get("services").store.deleteItem(dataset.id, ref))
      throw notFound("Item", `with reference id ${JSON.stringify(ref)}`);
    return c.json({});
  });

  app.post("/dataset/:datasetId/metadata", async (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const body = await readBody(c, UpdateMetadataRequest);
    if (body.level !== "item") throw badRequest('level must be "item": this dataset has no scenes');
    const missing = c.get("services").store.mergeItemMetadata(dataset.id, body.metadata);
    return c.json({
      dataset_id: dataset.id,
      updated: body.metadata.length - missing.length,
      missing_reference_ids: missing,
    });
  });

  app.get("/dataset/:datasetId/exportForTraining", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const rows = c.get("services").store.itemsPage(dataset.id, 0, Number.MAX_SAFE_INTEGER);
    return c.json({ exportedRows: exportRows(c, dataset, rows) });
  });

  app.post("/dataset/:datasetId/exportForTrainingPage", async (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const page = await readBody(c, PageRequest);
    const size = Math.min(page.pageSize, MAX_PAGE);
    const fetched = c.get("services").store.itemsPage(dataset.id, decodeCursor(page.pageToken), size + 1);
    const { rows, nextPageToken } = pageOf(fetched, size, (row) => row.seq);
    return c.json({ data: exportRows(c, dataset, rows), nextPageToken });
  });

  app.get("/dataset/:datasetId/groundTruth/loc/:referenceId/:annotationId", (c) => {
    const dataset = requireDataset(c, param(c, "datasetId"));
    const { store } = c.get("services");
    const ref = param(c, "referenceId");
    const item = store.itemByReference(dataset.id, ref);
    const label =
      item &&
      store.labelByAnnotationId(
        { kind: "annotations", datasetId: dataset.id },
        item.id,
        param(c, "annotationId"),
      );
    if (!label) throw notFound("Annotation", `${param(c, "annotationId")} on item ${JSON.stringify(ref)}`);
    return c.json(groupLabels([label], mediaUrlOf(c))[label.kind]?.[0]);
  });

  return app;
}

/**
 * Cuts a page from rows fetched with one extra: the token is the last position served, or null
 * when nothing follows.
 */
export function pageOf<T>(
  rows: T[],
  pageSize: number,
  position: (row: T) => number,
): { rows: T[]; nextPageToken: string | null } {
  if (rows.length <= pageSize) return { rows, nextPageToken: null };
  const page = rows.slice(0, pageSize);
  return { rows: page, nextPageToken: String(position(page[page.length - 1] as T)) };
}

/** Export rows of some items of a dataset: each with its ground truth, grouped by type. */
export function exportRows(c: Ctx, dataset: Pick<DatasetRow, "id">, rows: ItemRow[]) {
  const labels = c.get("services").store.labelsOfItems(
    { kind: "annotations", datasetId: dataset.id },
    rows.map((r) => r.id),
  );
  const byItem = new Map<string, LabelRow[]>();
  for (const label of labels) {
    const group = byItem.get(label.item_id);
    if (group) group.push(label);
    else byItem.set(label.item_id, [label]);
  }
  const url = mediaUrlOf(c);
  return rows.map((row) => exportRow(row, byItem.get(row.id) ?? [], url));
}

/** A multipart append: the `items` JSON part, and one `image` file per item, in order. */
async function readLocalItems(c: Ctx): Promise<ItemInput[]> {
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

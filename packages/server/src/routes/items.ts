import { imageSize, type MultipartItemsPart, routes, type WireOf } from "@nucleus/schemas";
import { Hono } from "hono";
import type { FilePart } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, notFound } from "../http/errors.js";
import { once } from "../http/idempotency.js";
import { indexOf, mediaUrlOf, requireDataset } from "../http/lookup.js";
import { mapPages, pagesOf, steppedPage } from "../http/pages.js";
import { STREAM_PAGE, streamedList } from "../http/stream-json.js";
import { exportRowsWire, itemWire } from "../presenters/items.js";
import { labelGroupsWire, labelWire } from "../presenters/labels.js";
import { ItemVectorError, planItemVectors } from "../services/item-vectors.js";
import type { DatasetRecord, ItemRecord, NewItem } from "../store/index.js";
import { startAsyncUpload } from "./uploads.js";

/** One item of a multipart append's `items` part. */
type MultipartItem = WireOf<typeof MultipartItemsPart>[number];

/** The largest page a paged route serves. */
export const MAX_PAGE = 10_000;

/** Item routes: append (JSON, multipart, async), reads by position/reference/id, pages, exports. */
export function itemRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.appendItemsAsync, async ({ params, body }, c) =>
    startAsyncUpload(c, await requireDataset(c, params.datasetId), "uploadDatasetItems", body),
  );

  route(app, routes.appendItems, async ({ params, body, form }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const items = form ? await readLocalItems(c, await form.part("items"), form.files("image")) : body.items;
    const update = body?.update ?? false;
    const files = items.flatMap((item) => {
      const key = (item as NewItem).media_key;
      return typeof key === "string" ? [key] : [];
    });
    return once(c, async (stores) => {
      // The dataset holds its files from here on: only its tenant may read them, until it is deleted.
      await c.get("mediaAccess").retain(stores, c.get("tenant"), dataset.id, files);
      const storeVectors = await planItemVectors(stores, dataset.id, items, update).catch((error) => {
        throw error instanceof ItemVectorError ? badRequest(error.message) : error;
      });
      const counts = await stores.items.upsert(dataset.id, items, { update });
      await storeVectors?.();
      return {
        dataset_id: dataset.id,
        new_items: counts.newItems,
        updated_items: counts.updatedItems,
        ignored_items: counts.ignoredItems,
        upload_errors: 0,
      };
    });
  });

  // Every item of a dataset, however many: streamed a page at a time.
  route(app, routes.datasetItems, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const url = mediaUrlOf(c);
    return streamedList("dataset_items", () =>
      mapPages(
        pagesOf((cursor) => store.listings.items(dataset.id, { cursor, limit: STREAM_PAGE })),
        (items) => items.map((item) => itemWire(item, url)),
      ),
    );
  });

  // Pages are read and sent a step at a time (a page of 10,000 is never whole in memory).
  route(app, routes.itemsPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const page = await steppedPage(
      (cursor, limit) => store.listings.items(dataset.id, { cursor, limit }),
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

  /** One item with its ground truth, or a 404 naming how it was asked for. */
  const single = async (c: Ctx, dataset: DatasetRecord, item: ItemRecord | undefined, what: string) => {
    if (!item) throw notFound("Item", what);
    const url = mediaUrlOf(c);
    const labels = await c
      .get("services")
      .store.labels.list({ kind: "annotations", datasetId: dataset.id }, [item.id]);
    return { item: itemWire(item, url), annotations: labelGroupsWire(labels, url) };
  };

  route(app, routes.itemByReference, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const ref = params.referenceId;
    const item = await c.get("services").store.items.find(dataset.id, { referenceId: ref });
    return single(c, dataset, item, `with reference id ${JSON.stringify(ref)}`);
  });
  route(app, routes.itemByIndex, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const index = indexOf("index", params.index);
    const item = await c.get("services").store.items.find(dataset.id, { index });
    return single(c, dataset, item, `at index ${index}`);
  });
  route(app, routes.itemById, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const item = await c.get("services").store.items.get(dataset.id, params.itemId);
    return single(c, dataset, item, params.itemId);
  });

  route(app, routes.deleteItem, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    if (!(await c.get("services").store.items.delete(dataset.id, params.referenceId)))
      throw notFound("Item", `with reference id ${JSON.stringify(params.referenceId)}`);
    return {};
  });

  route(app, routes.updateMetadata, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    if (body.level === "scene" && !dataset.isScene)
      throw badRequest(
        `level must be "item": dataset ${dataset.id} holds no scenes (it was not created with is_scene)`,
      );
    const { store } = c.get("services");
    const updates = body.metadata.map((update) => ({
      referenceId: update.reference_id,
      metadata: update.metadata,
    }));
    // Scene metadata is merged into scenes; item metadata into items.
    const missing =
      body.level === "scene"
        ? await store.scenes.mergeMetadata(dataset.id, updates)
        : await store.items.mergeMetadata(dataset.id, updates);
    return {
      dataset_id: dataset.id,
      updated: body.metadata.length - missing.length,
      missing_reference_ids: missing,
    };
  });

  route(app, routes.export, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    return streamedList("exportedRows", () =>
      mapPages(
        pagesOf((cursor) => store.listings.items(dataset.id, { cursor, limit: STREAM_PAGE })),
        (items) => exportRows(c, dataset.id, items),
      ),
    );
  });

  route(app, routes.exportPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const page = await steppedPage(
      (cursor, limit) => store.listings.items(dataset.id, { cursor, limit }),
      body.pageToken,
      Math.min(body.pageSize, MAX_PAGE),
      STREAM_PAGE,
    );
    return streamedList(
      "data",
      () => mapPages(page.pages(), (items) => exportRows(c, dataset.id, items)),
      () => ({ nextPageToken: page.nextCursor() }),
    );
  });

  route(app, routes.annotationById, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const { referenceId: ref, annotationId } = params;
    const item = await store.items.find(dataset.id, { referenceId: ref });
    const label =
      item &&
      (await store.labels.find(
        { kind: "annotations", datasetId: dataset.id },
        { itemId: item.id, annotationId },
      ));
    if (!label) throw notFound("Annotation", `${annotationId} on item ${JSON.stringify(ref)}`);
    return labelWire(label, mediaUrlOf(c));
  });

  return app;
}

/** Export rows of some items of a dataset: each with its ground truth, grouped by type. */
export async function exportRows(c: Ctx, datasetId: string, items: readonly ItemRecord[]) {
  const labels = await c.get("services").store.listings.labels(
    { kind: "annotations", datasetId },
    items.map((item) => item.id),
  );
  return exportRowsWire(items, labels, mediaUrlOf(c));
}

/** A multipart append: the `items` JSON part, and one `image` file per item, in order. */
async function readLocalItems(
  c: Ctx,
  items: readonly MultipartItem[],
  images: readonly FilePart[],
): Promise<NewItem[]> {
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

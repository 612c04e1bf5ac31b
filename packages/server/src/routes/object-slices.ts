/**
 * Object and scene slices as the official client reads them: `GET slice/{id}` lists an object
 * slice's annotations and predictions (ids `ann_…`, `pred_…`) and a scene slice's scenes
 * (`scn_…`), since `Slice.items` picks each entry's class by its id prefix; and
 * `GET slice/{id}/export_raw_json`, one row per object (or item) with the item it is on.
 */
import type { JsonObject, SliceRawJsonResponse, WireOf } from "@nucleus/schemas";
import type { Ctx } from "../http/context.js";
import { badRequest } from "../http/errors.js";
import { mediaUrlOf } from "../http/lookup.js";
import { itemWire } from "../presenters/items.js";
import { labelWire } from "../presenters/labels.js";
import type { EntityStores, ItemRecord, SliceObjectRecord, SliceRecord } from "../store/index.js";
import { sliceItems, testMembers } from "../validate/members.js";
import { sceneDetails } from "./scenes.js";

/** Objects read per store call. */
const PAGE = 1_000;

/**
 * The server ids of an object slice's annotations and predictions, in the order given and without
 * repeats; ids that name no annotation or prediction of the dataset are refused all together.
 */
export async function objectSliceIds(
  stores: EntityStores,
  datasetId: string,
  objectIds: readonly string[],
): Promise<string[]> {
  const ids = [...new Set(objectIds)];
  const found = await stores.sliceObjects.resolve(datasetId, ids);
  const unknown = ids.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw badRequest(
      `object_ids: ${unknown
        .slice(0, 5)
        .map((id) => JSON.stringify(id))
        .join(", ")} name no annotation or prediction of dataset ${datasetId}`,
    );
  }
  return ids;
}

/** Every object of an object slice that is still stored, in order. */
async function allObjects(stores: EntityStores, slice: SliceRecord): Promise<SliceObjectRecord[]> {
  const objects: SliceObjectRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await stores.sliceObjects.page(slice.id, slice.datasetId, { cursor, limit: PAGE });
    objects.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return objects;
}

/** An object as the protocol lists it: its label with its server id and its item's reference id. */
function objectWire(c: Ctx, object: SliceObjectRecord, item: ItemRecord | undefined): JsonObject {
  const wire = labelWire(object, mediaUrlOf(c)) as JsonObject;
  if (item) wire.reference_id = item.referenceId;
  if (object.runId) wire.model_run_id = object.runId;
  return wire;
}

/** The items objects are on, by id. */
async function itemsOf(stores: EntityStores, datasetId: string, objects: readonly SliceObjectRecord[]) {
  const items = new Map<string, ItemRecord>();
  for (const id of new Set(objects.map((o) => o.itemId))) {
    const item = await stores.items.get(datasetId, id);
    if (item) items.set(id, item);
  }
  return items;
}

/** `GET slice/{id}` of an object slice: its annotations and predictions. */
export async function objectSliceEntries(c: Ctx, slice: SliceRecord): Promise<JsonObject[]> {
  const { store } = c.get("services");
  const objects = await allObjects(store, slice);
  const items = await itemsOf(store, slice.datasetId, objects);
  return objects.map((object) => objectWire(c, object, items.get(object.itemId)));
}

/** `GET slice/{id}` of a scene slice: the scenes its items are frames of, with their frames. */
export async function sceneSliceEntries(c: Ctx, slice: SliceRecord): Promise<JsonObject[]> {
  const { store } = c.get("services");
  const { scenes } = await testMembers(store, { sliceId: slice.id, datasetId: slice.datasetId });
  const entries: JsonObject[] = [];
  for (const scene of scenes) entries.push((await sceneDetails(store, c, scene)) as JsonObject);
  return entries;
}

/**
 * `GET slice/{id}/export_raw_json`: for an object slice, `{item, annotation}` or
 * `{item, prediction}` per object; for a scene slice, `{item, scene}` per frame item; otherwise
 * `{item}` per item.
 */
export async function rawJsonRows(c: Ctx, slice: SliceRecord): Promise<WireOf<typeof SliceRawJsonResponse>> {
  const { store } = c.get("services");
  const url = mediaUrlOf(c);
  if (slice.type === "object") {
    const objects = await allObjects(store, slice);
    const items = await itemsOf(store, slice.datasetId, objects);
    return objects.flatMap((object) => {
      const item = items.get(object.itemId);
      if (!item) return [];
      const key = object.kind === "annotation" ? "annotation" : "prediction";
      return [{ item: itemWire(item, url), [key]: { ...objectWire(c, object, item), id: object.id } }];
    });
  }
  const items = await sliceItems(store, slice.id);
  if (slice.type !== "scene") return items.map((item) => ({ item: itemWire(item, url) }));
  const rows: WireOf<typeof SliceRawJsonResponse> = [];
  for (const item of items) {
    const scene = await store.scenes.find(slice.datasetId, { itemReferenceId: item.referenceId });
    rows.push({
      item: itemWire(item, url),
      ...(scene
        ? { scene: { id: scene.id, reference_id: scene.referenceId, metadata: scene.metadata } }
        : {}),
    });
  }
  return rows;
}

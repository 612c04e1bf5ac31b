import { badRequest } from "../http/errors.js";
import type { EntityStores } from "../store/index.js";

/** The ids a slice creation names, by kind; empty lists count as absent (the client sends `null` or `[]`). */
export interface SliceIdKinds {
  dataset_item_ids?: readonly string[] | null | undefined;
  scene_ids?: readonly string[] | null | undefined;
  object_ids?: readonly string[] | null | undefined;
}

/** Refuses a slice that names more than one kind of id. */
export function requireOneKind(body: SliceIdKinds): void {
  const named = (["dataset_item_ids", "scene_ids", "object_ids"] as const).filter(
    (key) => (body[key]?.length ?? 0) > 0,
  );
  if (named.length > 1)
    throw badRequest(`${named.join(", ")}: a slice holds one kind of id; send only one of these lists`);
}

/**
 * The frame items of the scenes a scene slice names, in the order given; scene ids of no scene of
 * the dataset are refused all together.
 */
export async function sceneSliceItems(
  stores: EntityStores,
  datasetId: string,
  sceneIds: readonly string[],
): Promise<string[]> {
  const scenes = new Map((await stores.scenes.list(datasetId)).map((scene) => [scene.id, scene]));
  const unknown = sceneIds.filter((id) => !scenes.has(id));
  if (unknown.length > 0)
    throw badRequest(
      `scene_ids: ${unknown
        .slice(0, 5)
        .map((id) => JSON.stringify(id))
        .join(", ")} name no scene of dataset ${datasetId}`,
    );
  const items: string[] = [];
  const seen = new Set<string>();
  for (const id of sceneIds) {
    for (const frame of await stores.scenes.frames(id)) {
      if (seen.has(frame.item.id)) continue;
      seen.add(frame.item.id);
      items.push(frame.item.id);
    }
  }
  return items;
}

/**
 * What a scenario test is about, at each level: the items of its slice, the scenes those items
 * are frames of, and the tracks their annotations follow. Results uploaded per scene or per track
 * name these by reference id.
 */
import type { EntityStores, ItemRecord, SceneRecord, TrackRecord } from "../store/index.js";

/** Items read from a slice per store call. */
const PAGE = 1_000;

/** The items, scenes and tracks of a scenario test's slice. */
export interface TestMembers {
  items: ItemRecord[];
  scenes: SceneRecord[];
  tracks: TrackRecord[];
}

/** The items of a slice, in slice order. */
export async function sliceItems(stores: EntityStores, sliceId: string): Promise<ItemRecord[]> {
  const items: ItemRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await stores.slices.items(sliceId, { cursor, limit: PAGE });
    items.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/**
 * The slice's items, the scenes with at least one frame among them (in upload order), and the
 * tracks named by the annotations of those items (by reference id).
 */
export async function testMembers(
  stores: EntityStores,
  test: { sliceId: string; datasetId: string },
): Promise<TestMembers> {
  const items = await sliceItems(stores, test.sliceId);
  const itemIds = new Set(items.map((item) => item.id));
  const scenes: SceneRecord[] = [];
  for (const scene of await stores.scenes.list(test.datasetId)) {
    const frames = await stores.scenes.frames(scene.id);
    if (frames.some((frame) => itemIds.has(frame.item.id))) scenes.push(scene);
  }
  const followed = new Set<string>();
  const target = { kind: "annotations", datasetId: test.datasetId } as const;
  for (let i = 0; i < items.length; i += PAGE) {
    const ids = items.slice(i, i + PAGE).map((item) => item.id);
    for (const label of await stores.labels.list(target, ids)) {
      const ref = (label.payload as { track_reference_id?: unknown }).track_reference_id;
      if (typeof ref === "string") followed.add(ref);
    }
  }
  const tracks =
    followed.size > 0
      ? (await stores.scenes.tracks(test.datasetId)).filter((track) => followed.has(track.referenceId))
      : [];
  return { items, scenes, tracks };
}

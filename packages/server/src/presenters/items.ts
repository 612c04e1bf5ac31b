import type { DatasetItemRecordWire } from "@nucleus/schemas";
import type { ItemRecord, LabelRecord } from "../store/index.js";
import { labelGroupsWire } from "./labels.js";
import type { MediaUrl } from "./media.js";

/**
 * A dataset item as clients read it (`DatasetItemRecordSchema`): the original location, or the
 * URL of the stored upload.
 */
export function itemWire(item: ItemRecord, mediaUrl: MediaUrl): DatasetItemRecordWire {
  const wire: DatasetItemRecordWire = {
    id: item.id,
    reference_id: item.referenceId,
    metadata: item.metadata,
  };
  // A point cloud is read back as one: the official client types an item by the key it finds.
  const url = item.mediaKey ? mediaUrl(item.mediaKey) : item.imageUrl;
  if (item.pointcloud) wire.pointcloud_url = url;
  else wire.original_image_url = url;
  if (item.width !== null) wire.width = item.width;
  if (item.height !== null) wire.height = item.height;
  if (item.embeddingInfo !== null) wire.embedding_info = item.embeddingInfo;
  return wire;
}

/**
 * The export row of one item (`ExportRowSchema`): every list key present, the segmentation as
 * one object or null.
 */
export function exportRowWire(item: ItemRecord, labels: readonly LabelRecord[], mediaUrl: MediaUrl) {
  const groups = labelGroupsWire(labels, mediaUrl);
  return {
    item: itemWire(item, mediaUrl),
    box: groups.box ?? [],
    polygon: groups.polygon ?? [],
    line: groups.line ?? [],
    keypoints: groups.keypoints ?? [],
    cuboid: groups.cuboid ?? [],
    category: groups.category ?? [],
    multicategory: groups.multicategory ?? [],
    segmentation: groups.segmentation?.[0] ?? null,
  };
}

/** Export rows of items, each with its own labels out of `labels` (those of all the items). */
export function exportRowsWire(
  items: readonly ItemRecord[],
  labels: readonly LabelRecord[],
  mediaUrl: MediaUrl,
) {
  const byItem = new Map<string, LabelRecord[]>();
  for (const label of labels) {
    const group = byItem.get(label.itemId);
    if (group) group.push(label);
    else byItem.set(label.itemId, [label]);
  }
  return items.map((item) => exportRowWire(item, byItem.get(item.id) ?? [], mediaUrl));
}

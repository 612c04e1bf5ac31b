/** A perceptual hash of an item's image, and the bytes it was computed from. */
export interface ItemHash {
  itemId: string;
  /** The media key or URL the hash was computed from: a hash is stale once the item's image changes. */
  source: string;
  /** 64 characters `0`/`1`, as the official client's `DatasetItem.phash`. */
  phash: string;
}

/** Perceptual hashes of items' images, kept on the item (they go with it). */
export interface ItemHashStore {
  /** The stored hashes of some items, by item id. */
  get(itemIds: readonly string[]): Promise<Map<string, ItemHash>>;
  /** Stores hashes, replacing an item's earlier one; hashes of items that no longer exist are dropped. */
  put(hashes: readonly ItemHash[]): Promise<void>;
}

/**
 * Item embeddings: one vector per item, all of a dataset's the same length, kept beside the item
 * (deleting the item deletes its vector) and read back in pages so that a search never holds
 * every vector of a dataset at once.
 */
import type { Page, PageRequest } from "./common.js";

/** A vector to store for an item. */
export interface NewEmbedding {
  itemId: string;
  vector: Float32Array;
}

/** A stored vector and its item's id. */
export interface ItemVector {
  itemId: string;
  vector: Float32Array;
}

/** A stored vector, with the item it belongs to. */
export interface EmbeddingRecord {
  itemId: string;
  referenceId: string;
  vector: Float32Array;
}

/**
 * A stored vector with its index key: a number the dataset's vectors take in the order they are
 * stored (a replaced vector takes a new one), so an index catches up by reading past its last key.
 */
export interface KeyedVector {
  key: number;
  itemId: string;
  vector: Float32Array;
}

/** The item a vector's index key names. */
export interface KeyedItem {
  itemId: string;
  referenceId: string;
}

/** Embeddings of each dataset's items. */
export interface EmbeddingStore {
  /** The length of the dataset's vectors, or null while it has none. */
  dimension(datasetId: string): Promise<number | null>;
  /** How many vectors the dataset holds. */
  count(datasetId: string): Promise<number>;
  /**
   * Stores vectors of the dataset's items, replacing an item's earlier one. The caller checks
   * lengths and items; vectors of items that are not the dataset's are dropped.
   */
  put(datasetId: string, embeddings: readonly NewEmbedding[]): Promise<number>;
  /** The ids of the dataset's items with these reference ids (unknown ones are left out). */
  itemIds(datasetId: string, referenceIds: readonly string[]): Promise<Map<string, string>>;
  /** The vectors of some items of the dataset, by item id (items without one are left out). */
  get(datasetId: string, itemIds: readonly string[]): Promise<Map<string, EmbeddingRecord>>;
  /** One page of the dataset's vectors, in item id order (without reference ids: a scan reads only vectors). */
  page(datasetId: string, request: PageRequest): Promise<Page<ItemVector>>;
  /** The largest index key the dataset's vectors were given (0 before any). */
  lastKey(datasetId: string): Promise<number>;
  /** Up to `limit` stored vectors with keys past `after`, in key order. */
  keyed(datasetId: string, after: number, limit: number): Promise<KeyedVector[]>;
  /** The items whose current vectors have these keys (keys of replaced or deleted vectors are left out). */
  byKeys(datasetId: string, keys: readonly number[]): Promise<Map<number, KeyedItem>>;
  /**
   * Stores uniqueness scores of the dataset's vectors, by index key: a key whose vector was
   * replaced or deleted since is skipped. A replaced vector loses its score.
   */
  setUniqueness(datasetId: string, scores: readonly { key: number; score: number }[]): Promise<number>;
  /**
   * Stores representativeness scores of the dataset's vectors, by index key: a key whose vector
   * was replaced or deleted since is skipped. A replaced vector loses its score.
   */
  setRepresentativeness(
    datasetId: string,
    scores: readonly { key: number; score: number }[],
  ): Promise<number>;
  /** Deletes the vectors of some items of the dataset, or all of them; answers how many went. */
  delete(datasetId: string, itemIds?: readonly string[]): Promise<number>;
}

/** The bytes a vector is stored as: float32, little-endian (the byte order of every host this runs on). */
export function vectorBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** A stored vector read back; copied when the bytes do not start on a 4-byte boundary. */
export function vectorOf(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer, 0, bytes.byteLength / 4);
}

/**
 * The protocol's way to send vectors: `embedding_info.embedding_vector` on an uploaded item. The
 * vector of an item an upload stores is kept as its embedding too, so that it can be searched
 * like one sent through the embeddings route.
 */
import type { EmbeddingStore, EntityStores, NewItem } from "../store/index.js";

/** A vector of an upload that cannot be kept: which item, and why. */
export class ItemVectorError extends Error {}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks the vectors of an upload's items before the items are written (their lengths against
 * each other and the dataset's, their numbers), and returns the step that stores them once the
 * items are written, or undefined when no item carries one. An item that exists already keeps its
 * vector unless the upload replaces the item. Throws {@link ItemVectorError} naming the item.
 */
export async function planItemVectors(
  stores: Pick<EntityStores, "embeddings">,
  datasetId: string,
  items: readonly NewItem[],
  update: boolean,
  /** Given, a bad vector is reported here and left out (its item is stored); else it throws. */
  skip?: (message: string) => void,
): Promise<(() => Promise<void>) | undefined> {
  const carrying = items.flatMap((item, index) => {
    const vector = (item.embedding_info as { embedding_vector?: unknown } | null | undefined)
      ?.embedding_vector;
    return Array.isArray(vector) ? [{ item, index, vector: vector as unknown[] }] : [];
  });
  if (carrying.length === 0) return undefined;
  const embeddings: EmbeddingStore = stores.embeddings;
  let dimension = await embeddings.dimension(datasetId);
  const refuse = (message: string) => {
    if (!skip) throw new ItemVectorError(message);
    skip(message);
  };
  const checked = carrying.filter(({ item, index, vector }) => {
    const where = `items[${index}] (reference_id ${JSON.stringify(item.reference_id)}).embedding_info.embedding_vector`;
    dimension ??= vector.length;
    if (vector.length !== dimension) {
      refuse(
        `${where}: has ${vector.length} numbers, but the dataset's vectors have ${dimension}; every vector of a dataset has one length`,
      );
      return false;
    }
    const bad = vector.findIndex(
      (x) => typeof x !== "number" || !Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX,
    );
    if (bad >= 0) {
      refuse(`${where}[${bad}]: ${String(vector[bad])} is not a finite 32-bit float`);
      return false;
    }
    return true;
  });
  if (checked.length === 0) return undefined;
  const existing = await embeddings.itemIds(
    datasetId,
    checked.map((c) => c.item.reference_id),
  );
  return async () => {
    // Item ids are known once the items are written; an existing item an upload ignores keeps its vector.
    // The last vector of a reference id an upload repeats wins, as the last item does.
    const last = new Map(checked.map((c) => [c.item.reference_id, c]));
    const kept = [...last.values()].filter(
      ({ item }) => (item.update ?? update) || !existing.has(item.reference_id),
    );
    const ids = await embeddings.itemIds(
      datasetId,
      kept.map((c) => c.item.reference_id),
    );
    await embeddings.put(
      datasetId,
      kept.flatMap(({ item, vector }) => {
        const itemId = ids.get(item.reference_id);
        return itemId ? [{ itemId, vector: Float32Array.from(vector as number[]) }] : [];
      }),
    );
  };
}

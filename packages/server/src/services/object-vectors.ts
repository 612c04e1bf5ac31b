/**
 * The protocol's object vectors: `embedding_vector` on box and polygon annotations and
 * predictions. They are checked before their labels are written: every object vector of a dataset
 * has one length (the first one stored sets it) and holds finite 32-bit floats.
 */
import { MAX_EMBEDDING_DIMENSION } from "@nucleus/schemas";
import type { EntityStores, LabelInput } from "../store/index.js";

const FLOAT32_MAX = 3.4028234663852886e38;

/** How a check names a label and what it does with a bad vector. */
export interface ObjectVectorCheck {
  /** Where a label is in the request, e.g. `annotations[3] (reference_id "img_1")`. */
  where(index: number, label: LabelInput): string;
  /**
   * Takes the message about a bad vector: a request throws it (nothing is written); an upload
   * job records it and keeps the label without its vector.
   */
  refuse(message: string): void;
}

/**
 * The labels with their object vectors checked: a bad vector is refused (see
 * {@link ObjectVectorCheck.refuse}) and, when refusing does not throw, left off its label.
 *
 * @example
 * ```ts
 * const labels = await checkObjectVectors(stores, datasetId, uploaded, {
 *   where: (i, label) => `annotations[${i}] (reference_id ${JSON.stringify(label.reference_id)})`,
 *   refuse: (message) => { throw badRequest(message); },
 * });
 * ```
 */
export async function checkObjectVectors(
  stores: Pick<EntityStores, "objectVectors">,
  datasetId: string,
  labels: readonly LabelInput[],
  check: ObjectVectorCheck,
): Promise<LabelInput[]> {
  const carrying = labels.some(
    (label) => (label.type === "box" || label.type === "polygon") && label.embedding_vector != null,
  );
  if (!carrying) return [...labels];
  const stored = await stores.objectVectors.dimension(datasetId);
  let dimension = stored;
  let first = "";
  return labels.map((label, index) => {
    if ((label.type !== "box" && label.type !== "polygon") || label.embedding_vector == null) return label;
    const vector = label.embedding_vector as unknown[];
    const where = `${check.where(index, label)}.embedding_vector`;
    const problem = problemOf(vector, dimension, stored === null ? first : null);
    if (problem === undefined) {
      if (dimension === null) {
        dimension = vector.length;
        first = check.where(index, label);
      }
      return label;
    }
    check.refuse(`${where}${problem}`);
    return { ...label, embedding_vector: null };
  });
}

/**
 * What is wrong with one vector (a suffix to its field's name), or undefined. `firstOfUpload`
 * names the upload's first vector when it, not a stored one, set the dimension.
 */
function problemOf(
  vector: readonly unknown[],
  dimension: number | null,
  firstOfUpload: string | null,
): string | undefined {
  if (vector.length === 0 || vector.length > MAX_EMBEDDING_DIMENSION)
    return `: must hold 1 to ${MAX_EMBEDDING_DIMENSION} numbers, not ${vector.length}`;
  if (dimension !== null && vector.length !== dimension) {
    const whose =
      firstOfUpload === null
        ? "the dataset's object vectors have"
        : `${firstOfUpload}.embedding_vector, the first of this upload, has`;
    return `: has ${vector.length} numbers, but ${whose} ${dimension}; every object vector of a dataset has one length`;
  }
  const bad = vector.findIndex(
    (x) => typeof x !== "number" || !Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX,
  );
  if (bad >= 0) return `[${bad}]: ${String(vector[bad])} is not a finite 32-bit float`;
  return undefined;
}

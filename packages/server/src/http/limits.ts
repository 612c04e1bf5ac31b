import type { RouteContract } from "@nucleus/schemas";

/** The body of a route that takes a few fields (names, options, a page request). */
export const SMALL_BODY_BYTES = 1024 * 1024;

/** The JSON body of a bulk route: parsed JSON costs several times its text in memory. */
export const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;

/** Routes whose JSON bodies carry lists of entries (items, labels, reference ids). */
const BULK_ROUTES = new Set([
  "appendItems",
  "annotate",
  "uploadPredictions",
  "predict",
  "updateMetadata",
  "createSlice",
  "sliceAppend",
  "deleteAnnotations",
  "uploadEmbeddings",
]);

/**
 * The largest body a route takes: a multipart upload up to `maxBodyBytes` (its files), a bulk
 * JSON list up to {@link MAX_JSON_BODY_BYTES}, anything else {@link SMALL_BODY_BYTES}; never more
 * than `maxBodyBytes`.
 */
export function bodyLimitOf(contract: RouteContract, multipart: boolean, maxBodyBytes: number): number {
  if (multipart && contract.multipart) return maxBodyBytes;
  if (BULK_ROUTES.has(contract.name)) return Math.min(maxBodyBytes, MAX_JSON_BODY_BYTES);
  return Math.min(maxBodyBytes, SMALL_BODY_BYTES);
}

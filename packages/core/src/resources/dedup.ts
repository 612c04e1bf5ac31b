/** Deduplication of a dataset's items by perceptual hash; `Dataset.deduplicate` delegates here. */
import { DeduplicationResult, routes } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { Job, type WaitOptions } from "./job.js";

export type { DeduplicationResult };

/**
 * Options of {@link Dataset.deduplicate}: which items (by reference id or item id; the whole
 * dataset by default), and how to wait for the job.
 *
 * @example
 * ```ts
 * import type { DeduplicateOptions } from "@nucleus/core";
 *
 * const options: DeduplicateOptions = { referenceIds: ["img_1", "img_2"] };
 * ```
 */
export interface DeduplicateOptions extends WaitOptions {
  referenceIds?: readonly string[];
  itemIds?: readonly string[];
}

/** @internal */
export async function deduplicate(
  api: Api,
  datasetId: string,
  threshold: number,
  options: DeduplicateOptions,
): Promise<DeduplicationResult> {
  const body = {
    threshold,
    ...(options.referenceIds ? { referenceIds: [...options.referenceIds] } : {}),
    ...(options.itemIds ? { datasetItemIds: [...options.itemIds] } : {}),
  };
  const started = await api.call(routes.deduplicate, { params: { datasetId }, body }, options as CallOptions);
  const status = await new Job(api, started.jobId, started).waitUntilDone(options);
  return DeduplicationResult.decode(status.message, "message");
}

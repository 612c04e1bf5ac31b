/** Deduplication: items whose images look alike, by a 64-bit perceptual hash. */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { Job } from "../jobs.js";

const ids = (what: string) =>
  z.array(z.string().min(1, { error: "must be a non-empty string" })).min(1, {
    error: `must list at least one ${what} (leave it out for the whole dataset)`,
  });

/** The wire schema of {@link DeduplicateRequest}. */
export const DeduplicateRequestSchema = z.looseObject({
  threshold: z
    .number({ error: "must be an integer from 0 to 64" })
    .int({ error: "must be an integer from 0 to 64" })
    .min(0, { error: "must be an integer from 0 to 64" })
    .max(64, { error: "must be an integer from 0 to 64" }),
  reference_ids: ids("reference id").nullish(),
  dataset_item_ids: ids("item id").nullish(),
});
/**
 * `POST dataset/{id}/deduplicate_async`: finds the items (of `reference_ids`, of
 * `dataset_item_ids`, or the whole dataset) whose perceptual hashes differ in at most
 * `threshold` of their 64 bits, and keeps the first of each group.
 *
 * @example
 * ```ts
 * import { DeduplicateRequest } from "@nucleus/schemas";
 *
 * DeduplicateRequest.encode({ threshold: 10, referenceIds: ["img_1", "img_2"] });
 * ```
 */
export const DeduplicateRequest = createCodec(DeduplicateRequestSchema);
/** Body of a deduplication request. */
export type DeduplicateRequest = Camelize<z.output<typeof DeduplicateRequestSchema>>;

/** The wire schema of {@link DeduplicationResult}. */
export const DeduplicationResultSchema = z.looseObject({
  unique_item_ids: z.array(z.string()),
  unique_reference_ids: z.array(z.string()),
  stats: z.looseObject({
    threshold: z.int(),
    original_count: z.int().min(0),
    deduplicated_count: z.int().min(0),
  }),
  unhashed_items: z
    .array(
      z.looseObject({
        dataset_item_id: z.string(),
        reference_id: z.string(),
        image_url: z.string(),
        error: z.string(),
      }),
    )
    .optional(),
});
/**
 * A deduplication job's result (its status `message`): the items kept, in upload order, and the
 * counts. Items whose image the server could not read are kept, and listed in `unhashed_items`
 * with the reason.
 *
 * @example
 * ```ts
 * import { DeduplicationResult } from "@nucleus/schemas";
 *
 * DeduplicationResult.decode({ unique_item_ids: [], unique_reference_ids: [], stats: { threshold: 0, original_count: 0, deduplicated_count: 0 } });
 * ```
 */
export const DeduplicationResult = createCodec(DeduplicationResultSchema);
/** The result of a deduplication. */
export type DeduplicationResult = Camelize<z.output<typeof DeduplicationResultSchema>>;

/**
 * The deduplication route.
 *
 * @example
 * ```ts
 * import { dedupRoutes } from "@nucleus/schemas";
 *
 * dedupRoutes.deduplicate.path; // "dataset/:datasetId/deduplicate_async"
 * ```
 */
export const dedupRoutes = defineRoutes({
  deduplicate: {
    method: "POST",
    path: "dataset/:datasetId/deduplicate_async",
    summary:
      "Starts a job that finds near-duplicate images (64-bit perceptual hash, `threshold` 0..64 bits apart); its message lists the items kept.",
    body: DeduplicateRequest,
    idempotent: true,
    response: Job,
  },
});

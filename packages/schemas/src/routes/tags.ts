/** Tags on datasets, models and slices (item tags are curation's, under `ext/`). */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";

const tagList = z.array(z.string().min(1, { error: "must be a non-empty string" }));

/** The wire schema of {@link TagsRequest}. */
export const TagsRequestSchema = z.looseObject({ tags: tagList });
/**
 * The tags to add to or remove from a dataset or a model.
 *
 * @example
 * ```ts
 * import { TagsRequest } from "@nucleus/schemas";
 *
 * TagsRequest.encode({ tags: ["golden", "v2"] });
 * ```
 */
export const TagsRequest = createCodec(TagsRequestSchema);
/** Body of a tag change. */
export type TagsRequest = Camelize<z.output<typeof TagsRequestSchema>>;

/** The wire schema of {@link TagsResponse}. */
export const TagsResponseSchema = z.looseObject({ tags: z.array(z.string()) });
/**
 * A dataset's tags after the call, in the order they were first added.
 *
 * @example
 * ```ts
 * import { TagsResponse } from "@nucleus/schemas";
 *
 * TagsResponse.decode({ tags: ["golden"] });
 * ```
 */
export const TagsResponse = createCodec(TagsResponseSchema);
/** A list of tags. */
export type TagsResponse = Camelize<z.output<typeof TagsResponseSchema>>;

/** The wire schema of {@link ModelTagsResponse}. */
export const ModelTagsResponseSchema = z.looseObject({
  model_id: z.string(),
  tags: z.array(z.string()),
  message: z.string().optional(),
});
/**
 * A model's tags after adding or removing some.
 *
 * @example
 * ```ts
 * import { ModelTagsResponse } from "@nucleus/schemas";
 *
 * ModelTagsResponse.decode({ model_id: "prj_1", tags: ["prod"] });
 * ```
 */
export const ModelTagsResponse = createCodec(ModelTagsResponseSchema);
/** Response of a model tag change. */
export type ModelTagsResponse = Camelize<z.output<typeof ModelTagsResponseSchema>>;

/** The wire schema of {@link SliceTagsRequest}. */
export const SliceTagsRequestSchema = z.looseObject({ slice_tags: tagList });
/**
 * The tags to add to (or remove from) a slice.
 *
 * @example
 * ```ts
 * import { SliceTagsRequest } from "@nucleus/schemas";
 *
 * SliceTagsRequest.encode({ sliceTags: ["night"] });
 * ```
 */
export const SliceTagsRequest = createCodec(SliceTagsRequestSchema);
/** Body of a slice tag change. */
export type SliceTagsRequest = Camelize<z.output<typeof SliceTagsRequestSchema>>;

/** The wire schema of {@link SliceTagsResponse}. */
export const SliceTagsResponseSchema = z.looseObject({ slice_id: z.string(), tags: z.array(z.string()) });
/**
 * A slice's tags after the change.
 *
 * @example
 * ```ts
 * import { SliceTagsResponse } from "@nucleus/schemas";
 *
 * SliceTagsResponse.decode({ slice_id: "slc_1", tags: ["night"] });
 * ```
 */
export const SliceTagsResponse = createCodec(SliceTagsResponseSchema);
/** Response of a slice tag change. */
export type SliceTagsResponse = Camelize<z.output<typeof SliceTagsResponseSchema>>;

/**
 * The tag routes of datasets, models and slices.
 *
 * @example
 * ```ts
 * import { tagRoutes } from "@nucleus/schemas";
 *
 * tagRoutes.addModelTags.path; // "model/:modelId/tag"
 * ```
 */
export const tagRoutes = defineRoutes({
  datasetTags: {
    method: "GET",
    path: "dataset/:datasetId/tags",
    summary: "The dataset's tags.",
    response: TagsResponse,
  },
  addDatasetTags: {
    method: "POST",
    path: "dataset/:datasetId/tags",
    summary: "Adds tags to the dataset (tags it has already are kept once); answers with all its tags.",
    body: TagsRequest,
    idempotent: true,
    response: TagsResponse,
  },
  removeDatasetTags: {
    method: "DELETE",
    path: "dataset/:datasetId/tags",
    summary: "Removes tags from the dataset (absent ones are ignored); answers with the tags left.",
    body: TagsRequest,
    response: TagsResponse,
  },
  addModelTags: {
    method: "POST",
    path: "model/:modelId/tag",
    summary: "Adds tags to a model.",
    body: TagsRequest,
    idempotent: true,
    response: ModelTagsResponse,
  },
  removeModelTags: {
    method: "DELETE",
    path: "model/:modelId/tag",
    summary: "Removes tags from a model; a 400 when none of them was on it.",
    body: TagsRequest,
    response: ModelTagsResponse,
  },
  addSliceTags: {
    method: "POST",
    path: "slice/:sliceId/tag",
    summary: "Adds tags to a slice; `slice/{id}/info` lists them.",
    body: SliceTagsRequest,
    idempotent: true,
    response: SliceTagsResponse,
  },
  removeSliceTags: {
    method: "DELETE",
    path: "slice/:sliceId/tag",
    summary: "Removes tags from a slice (absent ones are ignored).",
    body: SliceTagsRequest,
    localOnly: true,
    response: SliceTagsResponse,
  },
});

/**
 * Taxonomies of a dataset (the labels category and multicategory annotations may carry), its
 * autotags, and tags of datasets, models and slices. Dataset, model and slice methods delegate
 * here.
 */
import { routes, type Taxonomy, type TaxonomyType } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";

export type { Taxonomy, TaxonomyType };

/** What adding a taxonomy did, in the protocol's words. */
export type TaxonomyStatus = "Taxonomy created" | "Taxonomy already exists" | "Taxonomy updated";

/**
 * Options of {@link Dataset.addTaxonomy}.
 *
 * @example
 * ```ts
 * import type { AddTaxonomyOptions } from "@nucleus/core";
 *
 * const options: AddTaxonomyOptions = { update: true };
 * ```
 */
export interface AddTaxonomyOptions extends CallOptions {
  /** Append the labels an existing taxonomy of that name lacks (none is removed). */
  update?: boolean;
}

/** How many labels deleting a taxonomy took with it. */
export interface TaxonomyDeletion {
  annotationsDeleted: number;
  predictionsDeleted: number;
}

/**
 * An autotag of a dataset, as the protocol lists it.
 *
 * @example
 * ```ts
 * import type { Autotag } from "@nucleus/core";
 *
 * const tag: Autotag = { id: "tag_1", name: "rainy", status: "Completed", autotagLevel: "Image" };
 * ```
 */
export interface Autotag {
  id: string;
  name: string;
  status: string;
  autotagLevel: string;
}

/** @internal */
export async function addTaxonomy(
  api: Api,
  datasetId: string,
  name: string,
  type: TaxonomyType,
  labels: readonly string[],
  options: AddTaxonomyOptions,
): Promise<TaxonomyStatus> {
  const body = { taxonomyName: name, type, labels: [...labels], update: options.update ?? false };
  return (await api.call(routes.addTaxonomy, { params: { datasetId }, body }, options)).status;
}

/** @internal */
export async function deleteTaxonomy(
  api: Api,
  datasetId: string,
  name: string,
  options: CallOptions,
): Promise<TaxonomyDeletion> {
  const response = await api.call(
    routes.deleteTaxonomy,
    { params: { datasetId, taxonomyName: name }, body: {} },
    options,
  );
  return {
    annotationsDeleted: response.annotationsDeleted ?? 0,
    predictionsDeleted: response.predictionsDeleted ?? 0,
  };
}

/** @internal */
export async function listTaxonomies(api: Api, datasetId: string, options: CallOptions): Promise<Taxonomy[]> {
  return (await api.call(routes.listTaxonomies, { params: { datasetId } }, options)).taxonomies;
}

/** @internal */
export async function listAutotags(api: Api, datasetId: string, options: CallOptions): Promise<Autotag[]> {
  return (await api.call(routes.listAutotags, { params: { datasetId } }, options)).autotags;
}

/** The tags of a dataset, model or slice, as the server has them after a call. */
export type Tags = string[];

/** @internal */
export async function datasetTags(
  api: Api,
  datasetId: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
  options: CallOptions,
): Promise<Tags> {
  const params = { datasetId };
  if (change.add)
    return (await api.call(routes.addDatasetTags, { params, body: { tags: [...change.add] } }, options)).tags;
  if (change.remove)
    return (await api.call(routes.removeDatasetTags, { params, body: { tags: [...change.remove] } }, options))
      .tags;
  return (await api.call(routes.datasetTags, { params }, options)).tags;
}

/** @internal */
export async function modelTags(
  api: Api,
  modelId: string,
  change: { add: readonly string[] } | { remove: readonly string[] },
  options: CallOptions,
): Promise<Tags> {
  const params = { modelId };
  const response =
    "add" in change
      ? await api.call(routes.addModelTags, { params, body: { tags: [...change.add] } }, options)
      : await api.call(routes.removeModelTags, { params, body: { tags: [...change.remove] } }, options);
  return response.tags;
}

/** @internal */
export async function sliceTags(
  api: Api,
  sliceId: string,
  change: { add: readonly string[] } | { remove: readonly string[] },
  options: CallOptions,
): Promise<Tags> {
  const params = { sliceId };
  const response =
    "add" in change
      ? await api.call(routes.addSliceTags, { params, body: { sliceTags: [...change.add] } }, options)
      : await api.call(routes.removeSliceTags, { params, body: { sliceTags: [...change.remove] } }, options);
  return response.tags;
}

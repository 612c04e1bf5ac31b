/**
 * Taxonomies (the label sets that category and multicategory annotations are checked against)
 * and the list of a dataset's autotags.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { EmptyRequest } from "../requests.js";

/** The kind of a taxonomy: one label per item (`category`) or several (`multicategory`). */
export const TaxonomyTypeSchema = z.enum(["category", "multicategory"]);
/** The kind of a taxonomy. */
export type TaxonomyType = z.output<typeof TaxonomyTypeSchema>;

const labelText = z.string().min(1, { error: "must be a non-empty string" });

/** The wire schema of {@link AddTaxonomyRequest}. */
export const AddTaxonomyRequestSchema = z.looseObject({
  taxonomy_name: z.string().min(1, { error: "must be a non-empty string" }),
  type: TaxonomyTypeSchema,
  labels: z.array(labelText).min(1, { error: "must list at least one label" }),
  update: z.boolean().nullish(),
});
/**
 * `POST dataset/{id}/add_taxonomy`: creates a taxonomy; with `update`, appends labels to an
 * existing one (labels are never removed).
 *
 * @example
 * ```ts
 * import { AddTaxonomyRequest } from "@nucleus/schemas";
 *
 * AddTaxonomyRequest.encode({ taxonomyName: "weather", type: "category", labels: ["sunny", "rain"] });
 * ```
 */
export const AddTaxonomyRequest = createCodec(AddTaxonomyRequestSchema);
/** Body of an add-taxonomy request. */
export type AddTaxonomyRequest = Camelize<z.output<typeof AddTaxonomyRequestSchema>>;

/** The three outcomes of `add_taxonomy`, in the protocol's words. */
export const TaxonomyStatusSchema = z.enum([
  "Taxonomy created",
  "Taxonomy already exists",
  "Taxonomy updated",
]);

/** The wire schema of {@link AddTaxonomyResponse}. */
export const AddTaxonomyResponseSchema = z.looseObject({
  dataset_id: z.string(),
  taxonomy_name: z.string(),
  status: TaxonomyStatusSchema,
});
/**
 * What `add_taxonomy` did: `Taxonomy created`, `Taxonomy already exists` (nothing changed) or
 * `Taxonomy updated`.
 *
 * @example
 * ```ts
 * import { AddTaxonomyResponse } from "@nucleus/schemas";
 *
 * AddTaxonomyResponse.decode({ dataset_id: "ds_1", taxonomy_name: "weather", status: "Taxonomy created" });
 * ```
 */
export const AddTaxonomyResponse = createCodec(AddTaxonomyResponseSchema);
/** Response of add-taxonomy. */
export type AddTaxonomyResponse = Camelize<z.output<typeof AddTaxonomyResponseSchema>>;

/** The wire schema of {@link DeleteTaxonomyResponse}. */
export const DeleteTaxonomyResponseSchema = z.looseObject({
  dataset_id: z.string(),
  taxonomy_name: z.string(),
  status: z.literal("Taxonomy successfully deleted"),
  annotations_deleted: z.int().min(0).optional(),
  predictions_deleted: z.int().min(0).optional(),
});
/**
 * `DELETE dataset/{id}/taxonomy/{name}`: the taxonomy is gone with its annotations and
 * predictions (this server also says how many of each).
 *
 * @example
 * ```ts
 * import { DeleteTaxonomyResponse } from "@nucleus/schemas";
 *
 * DeleteTaxonomyResponse.decode({ dataset_id: "ds_1", taxonomy_name: "weather", status: "Taxonomy successfully deleted" });
 * ```
 */
export const DeleteTaxonomyResponse = createCodec(DeleteTaxonomyResponseSchema);
/** Response of delete-taxonomy. */
export type DeleteTaxonomyResponse = Camelize<z.output<typeof DeleteTaxonomyResponseSchema>>;

/** The wire schema of {@link Taxonomy}. */
export const TaxonomySchema = z.looseObject({
  name: z.string(),
  type: TaxonomyTypeSchema,
  labels: z.array(z.string()),
  created_at: z.string(),
});
/**
 * A taxonomy of a dataset: its name, kind and labels in the order they were added.
 *
 * @example
 * ```ts
 * import { Taxonomy } from "@nucleus/schemas";
 *
 * Taxonomy.decode({ name: "weather", type: "category", labels: ["sunny"], created_at: "2026-01-01T00:00:00.000Z" });
 * ```
 */
export const Taxonomy = createCodec(TaxonomySchema);
/** A taxonomy. */
export type Taxonomy = Camelize<z.output<typeof TaxonomySchema>>;

/** The wire schema of {@link TaxonomyListResponse}. */
export const TaxonomyListResponseSchema = z.looseObject({ taxonomies: z.array(TaxonomySchema) });
/**
 * Every taxonomy of a dataset, in creation order.
 *
 * @example
 * ```ts
 * import { TaxonomyListResponse } from "@nucleus/schemas";
 *
 * TaxonomyListResponse.decode({ taxonomies: [] });
 * ```
 */
export const TaxonomyListResponse = createCodec(TaxonomyListResponseSchema);
/** Response of the taxonomy list. */
export type TaxonomyListResponse = Camelize<z.output<typeof TaxonomyListResponseSchema>>;

/** The wire schema of {@link AutotagListResponse}. */
export const AutotagListResponseSchema = z.looseObject({
  autotags: z.array(
    z.looseObject({ id: z.string(), name: z.string(), status: z.string(), autotag_level: z.string() }),
  ),
});
/**
 * `GET {dataset_id}/list_autotags`: the dataset's autotags (`{id, name, status, autotag_level}`).
 *
 * @example
 * ```ts
 * import { AutotagListResponse } from "@nucleus/schemas";
 *
 * AutotagListResponse.decode({ autotags: [] });
 * ```
 */
export const AutotagListResponse = createCodec(AutotagListResponseSchema);
/** Response of the autotag list. */
export type AutotagListResponse = Camelize<z.output<typeof AutotagListResponseSchema>>;

/**
 * The taxonomy and autotag routes.
 *
 * @example
 * ```ts
 * import { taxonomyRoutes } from "@nucleus/schemas";
 *
 * taxonomyRoutes.addTaxonomy.path; // "dataset/:datasetId/add_taxonomy"
 * ```
 */
export const taxonomyRoutes = defineRoutes({
  addTaxonomy: {
    method: "POST",
    path: "dataset/:datasetId/add_taxonomy",
    summary:
      "Creates a category or multicategory taxonomy; with `update`, appends labels to an existing one.",
    body: AddTaxonomyRequest,
    idempotent: true,
    response: AddTaxonomyResponse,
  },
  deleteTaxonomy: {
    method: "DELETE",
    path: "dataset/:datasetId/taxonomy/:taxonomyName",
    summary: "Deletes a taxonomy with the annotations and predictions that use it.",
    body: EmptyRequest,
    response: DeleteTaxonomyResponse,
  },
  listTaxonomies: {
    method: "GET",
    path: "ext/datasets/:datasetId/taxonomies",
    summary: "Every taxonomy of the dataset: name, type and labels.",
    localOnly: true,
    response: TaxonomyListResponse,
  },
  listAutotags: {
    method: "GET",
    path: ":datasetId/list_autotags",
    summary: "The dataset's autotags (trained here on the item vectors: `ext/datasets/{id}/autotags`).",
    response: AutotagListResponse,
  },
});

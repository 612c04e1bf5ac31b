/** A taxonomy's kind: one label per item or several. */
export type TaxonomyKind = "category" | "multicategory";

/** A taxonomy of a dataset: the labels its category (or multicategory) annotations may carry. */
export interface TaxonomyRecord {
  datasetId: string;
  name: string;
  type: TaxonomyKind;
  /** In the order they were added. */
  labels: string[];
  /** ISO 8601. */
  createdAt: string;
}

/** What adding a taxonomy did, and the taxonomy as it stands after it. */
export interface TaxonomyAddResult {
  status: "created" | "exists" | "updated";
  taxonomy: TaxonomyRecord;
}

/** How many labels deleting a taxonomy took with it. */
export interface TaxonomyDeletion {
  annotations: number;
  predictions: number;
}

/** Taxonomies of each dataset, in creation order; they go with their dataset. */
export interface TaxonomyStore {
  /**
   * Creates a taxonomy. When one of that name exists, nothing changes (`exists`) unless
   * `update` is set: then the labels it lacks are appended (`updated`), none is removed and its
   * type stays.
   */
  add(
    datasetId: string,
    input: { name: string; type: TaxonomyKind; labels: readonly string[] },
    options: { update: boolean },
  ): Promise<TaxonomyAddResult>;
  /** The dataset's taxonomies, in creation order. */
  list(datasetId: string): Promise<TaxonomyRecord[]>;
  /**
   * Deletes a taxonomy with the category and multicategory annotations and predictions (of
   * every run on the dataset) that name it; undefined when there was none.
   */
  delete(datasetId: string, name: string): Promise<TaxonomyDeletion | undefined>;
}

/** The label identities (see `label-identity.ts`) of the categories and multicategories of a taxonomy. */
export function taxonomyKeys(name: string): [string, string] {
  return [`category:${name}`, `multicategory:${name}`];
}

/** Labels with new ones appended, once each, in the order given. */
export function unionLabels(current: readonly string[], added: readonly string[]): string[] {
  const labels = [...current];
  for (const label of added) if (!labels.includes(label)) labels.push(label);
  return labels;
}

/**
 * What the store refuses, as values. The store never words a message for clients: the HTTP
 * layer (`presenters/problems.ts`) turns each problem into the protocol's exact text and status,
 * so the wording lives in one place and callers can read the fields.
 */
export type StoreProblem =
  /** Reference ids that name no item of the dataset. */
  | { code: "unknownReference"; datasetId: string; referenceIds: string[] }
  /** Item ids that name no item of the dataset. */
  | { code: "unknownItem"; datasetId: string; itemIds: string[] }
  /** A page cursor this store did not issue. */
  | { code: "invalidCursor"; cursor: string }
  /**
   * A category or multicategory label its taxonomy does not allow: the taxonomy does not exist,
   * is of the other kind, or lacks the label.
   */
  | {
      code: "taxonomyMismatch";
      datasetId: string;
      taxonomyName: string;
      label: string;
      reason: "unknownTaxonomy" | "unknownLabel" | "wrongType";
    };

/** The code of a {@link StoreProblem}. */
export type StoreProblemCode = StoreProblem["code"];

/** A refused store call; `problem` says what was wrong, with the offending ids. */
export class StoreError extends Error {
  constructor(readonly problem: StoreProblem) {
    super(`${problem.code}: ${JSON.stringify(problem)}`);
    this.name = "StoreError";
  }
}

/** Reference ids that name no item of the dataset. */
export const unknownReference = (datasetId: string, referenceIds: string[]) =>
  new StoreError({ code: "unknownReference", datasetId, referenceIds });

/** Item ids that name no item of the dataset. */
export const unknownItem = (datasetId: string, itemIds: string[]) =>
  new StoreError({ code: "unknownItem", datasetId, itemIds });

/** A page cursor this store did not issue. */
export const invalidCursor = (cursor: string) => new StoreError({ code: "invalidCursor", cursor });

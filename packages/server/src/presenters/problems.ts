import type { StoreProblem } from "../store/index.js";

/** The HTTP status and body of a request the store refused. */
export interface ProblemResponse {
  status: 400;
  body: { error: string; code: string } & Record<string, unknown>;
}

/**
 * The answer to a request that failed on a store problem: the protocol's message in `error`,
 * and the problem's `code` and ids beside it for clients that read fields instead of text.
 */
export function problemResponse(problem: StoreProblem): ProblemResponse {
  switch (problem.code) {
    case "unknownReference":
      return {
        status: 400,
        body: {
          error: `reference_ids: no item in dataset ${problem.datasetId} has reference id ${problem.referenceIds.map((ref) => JSON.stringify(ref)).join(", ")}`,
          code: "unknown_reference",
          reference_ids: problem.referenceIds,
        },
      };
    case "unknownItem":
      return {
        status: 400,
        body: {
          error: `dataset_item_ids: no item in dataset ${problem.datasetId} has id ${problem.itemIds.join(", ")}`,
          code: "unknown_item",
          dataset_item_ids: problem.itemIds,
        },
      };
    case "invalidCursor":
      return {
        status: 400,
        body: {
          error: `pageToken ${JSON.stringify(problem.cursor)} is not a token this server issued`,
          code: "invalid_cursor",
        },
      };
    case "taxonomyMismatch":
      return {
        status: 400,
        body: {
          error: taxonomyMessage(problem),
          code: "taxonomy_mismatch",
          taxonomy_name: problem.taxonomyName,
          label: problem.label,
        },
      };
  }
}

/** The protocol's words for a label its taxonomy does not allow. */
function taxonomyMessage(problem: Extract<StoreProblem, { code: "taxonomyMismatch" }>): string {
  const { datasetId, taxonomyName: name, label } = problem;
  if (problem.reason === "wrongType") {
    return `Input validation failed: Taxonomy ${name} in dataset ${datasetId} is of the other kind (category or multicategory) than the label ${label} uploaded with it.`;
  }
  return `Input validation failed: Taxonomy ${name} does not exist in dataset ${datasetId}, or label ${label} does not exist in the taxonomy ${name}.`;
}

/**
 * The protocol's message for one refused entry of an upload (an `errors` string of an annotate
 * or predict response, or of a job's errors).
 */
export function refusalMessage(problem: StoreProblem): string {
  if (problem.code === "unknownReference") {
    return problem.referenceIds
      .map((ref) => `Item with reference id ${JSON.stringify(ref)} doesn't exist.`)
      .join(" ");
  }
  return problemResponse(problem).body.error;
}

/**
 * The structured form of one refused entry (an `error_details` entry): `code` in snake_case and
 * the id it is about, `reference_id` for `unknown_reference`.
 */
export function refusalDetailWire(problem: StoreProblem): { code: string } & Record<string, unknown> {
  switch (problem.code) {
    case "unknownReference":
      return problem.referenceIds.length === 1
        ? { code: "unknown_reference", reference_id: problem.referenceIds[0] }
        : { code: "unknown_reference", reference_ids: problem.referenceIds };
    case "unknownItem":
      return { code: "unknown_item", dataset_item_ids: problem.itemIds };
    case "invalidCursor":
      return { code: "invalid_cursor" };
    case "taxonomyMismatch":
      return { code: "taxonomy_mismatch", taxonomy_name: problem.taxonomyName, label: problem.label };
  }
}

import type { Command, Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";

/** The flags that choose items by a query, shared by the commands that take one. */
export const WHERE_FLAGS = {
  where: {
    type: "string",
    value: "QUERY",
    description: 'only items this query selects (`metadata.weather = "foggy" AND annotations.car >= 3`)',
  },
  run: {
    type: "string",
    value: "RUN_ID",
    description: "the model run that `predictions.*` in the query counts (default: every run)",
  },
} as const;

/** The dataset named by the first argument (an id or a name), resolved to its id. */
export function datasetOf(c: Context): Promise<string> {
  return resolveDatasetId(c.client(), c.arg(0, "dataset"));
}

const QUERY_DETAILS = `Queries use the Nucleus query language, e.g.
  metadata.weather = "foggy" AND annotations.car >= 3
  label = "car" AND area < 32 * 32 AND confidence > 0.5
  match_type = "FP" AND iou < 0.1 AND item.metadata.weather = "rainy"
A query that does not hold is refused with the position and what was expected.`;

/** `nu objects ...` and the curation verbs of `nu items ...`. */
export const curationCommands: Command[] = [
  {
    path: ["objects", "list"],
    summary: "list the annotations, predictions or match rows a query selects",
    usage: "<dataset>",
    flags: {
      where: {
        type: "string",
        value: "QUERY",
        description: 'an object query (`label = "car" AND iou < 0.1`)',
      },
      "patch-mode": {
        type: "string",
        value: "MODE",
        description:
          "ground_truth_only (default), predictions_only, iou (match rows), false_positive or false_negative",
      },
      run: {
        type: "string",
        value: "RUN_ID",
        description: "the model run (needed by every mode but ground truth)",
      },
      limit: { type: "integer", min: 1, description: "at most this many (default 100)" },
    },
    details: QUERY_DETAILS,
    async run(c) {
      const { listObjects } = await import("../actions/curation.js");
      await listObjects(c, await datasetOf(c));
    },
  },
  {
    path: ["items", "tag"],
    summary: "add or remove tags on items (by reference id, or those a query selects)",
    usage: "<dataset> [reference-id...]",
    flags: {
      add: { type: "string", multiple: true, value: "TAG", description: "a tag to add (repeat for several)" },
      remove: {
        type: "string",
        multiple: true,
        value: "TAG",
        description: "a tag to remove (repeat for several)",
      },
      ...WHERE_FLAGS,
    },
    async run(c) {
      const { tagItems } = await import("../actions/curation.js");
      await tagItems(c, await datasetOf(c));
    },
  },
  {
    path: ["items", "review"],
    summary: "accept, reject or ask to fix an item or one of its annotations",
    usage: "<dataset> <reference-id>",
    flags: {
      status: {
        type: "string",
        required: true,
        value: "STATUS",
        description: "accepted, rejected or needs_fix",
      },
      annotation: {
        type: "string",
        value: "ID",
        description: "the annotation id (the whole item when absent)",
      },
      comment: { type: "string", value: "TEXT", description: "why" },
      reviewer: { type: "string", value: "NAME", description: "who reviews (default: the key's tenant)" },
    },
    async run(c) {
      const { reviewItem } = await import("../actions/curation.js");
      await reviewItem(c, await datasetOf(c));
    },
  },
  {
    path: ["items", "facets"],
    summary: "describe the items of a query: count, labels, metadata values and histograms, tags",
    usage: "<dataset>",
    flags: {
      ...WHERE_FLAGS,
      key: { type: "string", multiple: true, value: "KEY", description: "only this metadata key (repeat)" },
      bins: { type: "integer", min: 1, max: 100, description: "buckets per histogram (default 10)" },
    },
    details: QUERY_DETAILS,
    async run(c) {
      const { showFacets } = await import("../actions/curation.js");
      await showFacets(c, await datasetOf(c));
    },
  },
];

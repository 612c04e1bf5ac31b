import type { Command } from "../command.js";

const DATASET_FLAG = {
  type: "string",
  required: true,
  value: "DATASET",
  description: "the dataset (an id or a name)",
} as const;

/**
 * `nu autotag ...`: autotags trained on the item vectors (create, refine in rounds, list, read
 * scores, slice, delete), and `nu embeddings map`: the dataset's 2-D map as CSV or JSON.
 */
export const autotagCommands: Command[] = [
  {
    path: ["autotag", "create"],
    summary: "train an autotag from example items and score every item",
    usage: "<name> <reference-id...>",
    flags: {
      dataset: DATASET_FLAG,
      negative: {
        type: "string",
        multiple: true,
        value: "REF",
        description: "an item that does not show the concept (repeat; random items stand in when none)",
      },
      "no-wait": { type: "boolean", description: "return once the training job started" },
    },
    details: `The reference ids after the name are items that show the concept. Training and scoring run
as a job on the server; queries then read the scores: --where "autotag.<name> > 0.5".
Example: nu autotag create rain img_12 img_40 img_77 --dataset street`,
    async run(c) {
      const { createAutotagCommand } = await import("../actions/autotags.js");
      await createAutotagCommand(c);
    },
  },
  {
    path: ["autotag", "refine"],
    summary: "one refinement round: accept or reject items, then train again",
    usage: "<name>",
    flags: {
      dataset: DATASET_FLAG,
      accept: {
        type: "string",
        multiple: true,
        value: "REF",
        description: "an item that shows the concept (repeat)",
      },
      reject: { type: "string", multiple: true, value: "REF", description: "an item that does not (repeat)" },
      "no-wait": { type: "boolean", description: "return once the training job started" },
    },
    details: `Look at the top items (nu autotag items NAME), then accept the right ones and reject the
wrong ones. Example: nu autotag refine rain --dataset street --accept img_3 --reject img_9`,
    async run(c) {
      const { refineAutotagCommand } = await import("../actions/autotags.js");
      await refineAutotagCommand(c);
    },
  },
  {
    path: ["autotag", "list"],
    summary: "the dataset's autotags with their examples, rounds and scored items",
    flags: { dataset: DATASET_FLAG },
    async run(c) {
      const { listAutotagsCommand } = await import("../actions/autotags.js");
      await listAutotagsCommand(c);
    },
  },
  {
    path: ["autotag", "items"],
    summary: "the items an autotag scores highest",
    usage: "<name>",
    flags: {
      dataset: DATASET_FLAG,
      "min-score": { type: "string", value: "SCORE", description: "only scores at or above this (-1 to 1)" },
      limit: { type: "integer", min: 1, max: 1_000_000, description: "how many items (default 50)" },
    },
    async run(c) {
      const { autotagItemsCommand } = await import("../actions/autotags.js");
      await autotagItemsCommand(c);
    },
  },
  {
    path: ["autotag", "slice"],
    summary: "make a slice of the items an autotag scores above a threshold",
    usage: "<name> <slice-name>",
    flags: {
      dataset: DATASET_FLAG,
      threshold: { type: "string", value: "SCORE", description: "the lowest score kept (default 0.5)" },
    },
    async run(c) {
      const { autotagSliceCommand } = await import("../actions/autotags.js");
      await autotagSliceCommand(c);
    },
  },
  {
    path: ["autotag", "delete"],
    summary: "delete an autotag and its scores",
    usage: "<name>",
    flags: { dataset: DATASET_FLAG },
    async run(c) {
      const { deleteAutotagCommand } = await import("../actions/autotags.js");
      await deleteAutotagCommand(c);
    },
  },
  {
    path: ["embeddings", "map"],
    summary: "the dataset's 2-D embedding map (PCA) as CSV or JSON",
    flags: {
      dataset: DATASET_FLAG,
      format: { type: "string", value: "FORMAT", description: "csv (default) or json" },
      output: { type: "string", value: "FILE", description: "write to this file instead of standard output" },
      force: { type: "boolean", description: "compute again even when the kept map is current" },
    },
    details: `Computes the map as a job on the server when the vectors changed since the last one (or
there is none), then writes one row per item: item_id, reference_id, x, y.
Example: nu embeddings map --dataset street --output map.csv`,
    async run(c) {
      const { embeddingMapCommand } = await import("../actions/autotags.js");
      await embeddingMapCommand(c);
    },
  },
];

import type { Command } from "../command.js";
import { WHERE_FLAGS } from "./curation.js";

const DATASET_FLAG = {
  type: "string",
  required: true,
  value: "DATASET",
  description: "the dataset (an id or a name)",
} as const;

/** `nu embeddings upload` and `nu items similar`: vectors per item, and the items nearest to one. */
export const embeddingCommands: Command[] = [
  {
    path: ["embeddings", "upload"],
    summary: "upload one vector per item from an NDJSON file",
    usage: "<file>",
    flags: {
      dataset: DATASET_FLAG,
      "batch-size": {
        type: "integer",
        min: 1,
        max: 10_000,
        description: "vectors per request (default 1000)",
      },
    },
    details: `Each line of the file is one item's vector, by reference id:
  {"reference_id": "img_1", "vector": [0.12, -0.5, 0.33]}
Every vector of a dataset has one length. A bad line stops the upload with its line number;
a request the server refuses names the entry and the field, and stores nothing of that request.`,
    async run(c) {
      const { uploadEmbeddingsFile } = await import("../actions/embeddings.js");
      await uploadEmbeddingsFile(c);
    },
  },
  {
    path: ["items", "similar"],
    summary: "the items nearest to an item, by its embedding (exact search)",
    usage: "<reference-id>",
    flags: {
      dataset: DATASET_FLAG,
      k: { type: "integer", min: 1, max: 1000, description: "how many neighbours (default 10)" },
      metric: { type: "string", value: "METRIC", description: "cosine (default) or l2" },
      ...WHERE_FLAGS,
      slice: { type: "string", value: "SLICE_ID", description: "only the items of this slice" },
    },
    async run(c) {
      const { similarItems } = await import("../actions/embeddings.js");
      await similarItems(c);
    },
  },
];

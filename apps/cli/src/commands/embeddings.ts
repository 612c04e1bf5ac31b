import type { Command } from "../command.js";
import { WHERE_FLAGS } from "./curation.js";

const DATASET_FLAG = {
  type: "string",
  required: true,
  value: "DATASET",
  description: "the dataset (an id or a name)",
} as const;

/**
 * `nu embeddings upload`, `nu items similar` and `nu items near-duplicates`: vectors per item, the
 * items nearest to one, and groups of near-duplicate items.
 */
export const embeddingCommands: Command[] = [
  {
    path: ["embeddings", "upload"],
    summary: "upload one vector per item from an NDJSON file, or a float32 file and a list of ids",
    usage: "<file>",
    flags: {
      dataset: DATASET_FLAG,
      ids: {
        type: "string",
        value: "IDS_FILE",
        description:
          "read <file> as little-endian float32 vectors end to end, named by this file's reference ids (one a line)",
      },
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
a request the server refuses names the entry and the field, and stores nothing of that request.
With --ids, <file> holds the vectors as little-endian float32, end to end (as numpy's
vectors.astype("<f4").tofile() writes them), in the order of the ids file's lines; each vector's
length is the file's size over the number of ids. Example:
  nu embeddings upload vectors.f32 --ids ids.txt --dataset street`,
    async run(c) {
      const { uploadEmbeddingsFile } = await import("../actions/embeddings.js");
      await uploadEmbeddingsFile(c);
    },
  },
  {
    path: ["items", "similar"],
    summary: "the items nearest to an item, by its embedding",
    usage: "<reference-id>",
    flags: {
      dataset: DATASET_FLAG,
      k: { type: "integer", min: 1, max: 1000, description: "how many neighbours (default 10)" },
      metric: { type: "string", value: "METRIC", description: "cosine (default) or l2" },
      ...WHERE_FLAGS,
      slice: { type: "string", value: "SLICE_ID", description: "only the items of this slice" },
      exact: { type: "boolean", description: "compare every vector instead of asking the vector index" },
    },
    async run(c) {
      const { similarItems } = await import("../actions/embeddings.js");
      await similarItems(c);
    },
  },
  {
    path: ["items", "near-duplicates"],
    summary: "groups of items whose embeddings are within a distance of each other",
    flags: {
      dataset: DATASET_FLAG,
      threshold: {
        type: "string",
        value: "DISTANCE",
        description: "the largest distance between duplicates (default 0.05)",
      },
      metric: { type: "string", value: "METRIC", description: "cosine (default, 1 - cos) or l2" },
      neighbours: {
        type: "integer",
        min: 1,
        max: 100,
        description: "neighbours compared per item (default 10)",
      },
      "slice-name": {
        type: "string",
        value: "NAME",
        description: "also make a slice of the dataset with one item kept per group",
      },
      "groups-only": { type: "boolean", description: "make the slice of the groups' items instead" },
    },
    details: `Runs a job on the server and waits for it. Each group lists its items, the first stored
first: that is the one a --slice-name slice keeps.
Example: nu items near-duplicates --dataset street --threshold 0.02 --slice-name street-dedup`,
    async run(c) {
      const { nearDuplicateItems } = await import("../actions/embeddings.js");
      await nearDuplicateItems(c);
    },
  },
];

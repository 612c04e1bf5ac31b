import type { Command } from "../command.js";
import { WHERE_FLAGS } from "./curation.js";

const DATASET_FLAG = {
  type: "string",
  required: true,
  value: "DATASET",
  description: "the dataset (an id or a name)",
} as const;

/**
 * `nu embeddings upload`, `nu embeddings uniqueness`, `nu embeddings representativeness`,
 * `nu items similar` and `nu items near-duplicates`: vectors per item, their uniqueness and
 * representativeness scores, the items nearest to one, and groups of near-duplicate items.
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
    path: ["embeddings", "uniqueness"],
    summary: "score how far each item's vector lies from its nearest neighbours (embedding.uniqueness)",
    flags: {
      dataset: DATASET_FLAG,
      neighbours: {
        type: "integer",
        min: 1,
        max: 100,
        description: "neighbours each vector's distance is averaged over (default 5)",
      },
    },
    details: `Runs a job on the server and waits for it. Each item scores in [0, 1], the most isolated 1;
queries read the scores as embedding.uniqueness. Example:
  nu embeddings uniqueness --dataset street
  nu items list street --where "embedding.uniqueness > 0.8"`,
    async run(c) {
      const { scoreEmbeddings } = await import("../actions/embeddings.js");
      await scoreEmbeddings(c, "uniqueness");
    },
  },
  {
    path: ["embeddings", "representativeness"],
    summary: "score how typical each item is of the dataset (embedding.representativeness)",
    flags: {
      dataset: DATASET_FLAG,
      clusters: {
        type: "integer",
        min: 1,
        max: 1024,
        description: "k-means clusters (default round(sqrt(n / 2)), from 2 to 256)",
      },
      iterations: { type: "integer", min: 1, max: 100, description: "most k-means rounds (default 10)" },
    },
    details: `Runs a job on the server and waits for it. The vectors are clustered by k-means (cosine);
each item scores in [0, 1] by how close it lies to its cluster's centre: the most central member
of each cluster of at least mean size 1, the item farthest out of its cluster 0, members of
smaller clusters scaled down by their cluster's size over the mean. Queries read the scores as embedding.representativeness. Example:
  nu embeddings representativeness --dataset street
  nu items list street --where "embedding.representativeness > 0.9"`,
    async run(c) {
      const { scoreEmbeddings } = await import("../actions/embeddings.js");
      await scoreEmbeddings(c, "representativeness");
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

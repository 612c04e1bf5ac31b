import type { Command } from "../command.js";

/** `nu objects similar`: the annotations and predictions nearest to one, by their object vectors. */
export const objectEmbeddingCommands: Command[] = [
  {
    path: ["objects", "similar"],
    summary: "the boxes and polygons nearest to an object or a vector, by their embedding_vector",
    usage: "[<object-id>]",
    flags: {
      dataset: {
        type: "string",
        required: true,
        value: "DATASET",
        description: "the dataset (an id or a name)",
      },
      item: {
        type: "string",
        value: "REFERENCE_ID",
        description: "with --annotation: the example's item (instead of an object id)",
      },
      annotation: {
        type: "string",
        value: "ANNOTATION_ID",
        description: "with --item: the example's annotation id (a prediction of --of-run when given)",
      },
      "of-run": {
        type: "string",
        value: "RUN_ID",
        description: "the run whose prediction --annotation names",
      },
      vector: {
        type: "string",
        value: "NUMBERS",
        description: "search near this vector instead: numbers separated by commas (0.1,-0.4,...)",
      },
      k: { type: "integer", min: 1, max: 1000, description: "how many neighbours (default 10)" },
      metric: { type: "string", value: "METRIC", description: "cosine (default) or l2" },
      source: {
        type: "string",
        value: "SOURCE",
        description: "only annotations (annotation) or only predictions (prediction)",
      },
      run: { type: "string", value: "RUN_ID", description: "only this model run's predictions" },
      label: { type: "string", value: "LABEL", description: "only objects with this label" },
      exact: { type: "boolean", description: "compare every vector instead of asking the object index" },
    },
    details: `Objects are the box and polygon annotations and predictions uploaded with an
embedding_vector (every one of a dataset has one length). Name the example by its object id
(the OBJECT ID column), by --item and --annotation, or give --vector.
Example: nu objects similar --dataset street --item img_1 --annotation car-3 --label car --k 20`,
    async run(c) {
      const { similarObjects } = await import("../actions/object-embeddings.js");
      await similarObjects(c);
    },
  },
];

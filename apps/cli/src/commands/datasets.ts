import type { Command } from "../command.js";
import { requireYes } from "../output.js";

/** `nu datasets ...`. */
export const datasetCommands: Command[] = [
  {
    path: ["datasets", "list"],
    summary: "list datasets",
    async run(c) {
      const datasets = await c.client().listDatasets();
      c.print(datasets, ["id", "name"]);
    },
  },
  {
    path: ["datasets", "create"],
    summary: "create a dataset",
    usage: "<name>",
    async run(c) {
      const dataset = await c.client().createDataset(c.arg(0, "name"));
      c.print({ id: dataset.id, name: c.arg(0, "name") }, ["id", "name"]);
    },
  },
  {
    path: ["datasets", "info"],
    summary: "show a dataset's size, runs and slices",
    usage: "<dataset-id>",
    async run(c) {
      const info = await c.client().getDataset(c.arg(0, "dataset-id")).info();
      c.print(
        c.json
          ? info
          : {
              id: info.datasetId,
              name: info.name,
              items: info.length,
              runs: info.modelRunIds.length,
              slices: info.sliceIds.length,
            },
        ["id", "name", "items", "runs", "slices"],
      );
    },
  },
  {
    path: ["datasets", "delete"],
    summary: "delete a dataset and everything in it",
    usage: "<dataset-id>",
    flags: { yes: { type: "boolean", description: "do not ask for confirmation" } },
    async run(c) {
      const id = c.arg(0, "dataset-id");
      requireYes(c.args.flags, id, "its items, annotations, runs and slices");
      await c.client().deleteDataset(id);
      c.print({ deleted: id }, ["deleted"]);
    },
  },
];

/** `nu items ...`. */
export const itemCommands: Command[] = [
  {
    path: ["items", "list"],
    summary: "list a dataset's items",
    usage: "<dataset-id>",
    flags: { limit: { type: "string", description: "at most this many (default 100)" } },
    async run(c) {
      const limit = Number(c.flag("limit") ?? 100);
      const items = await c.client().getDataset(c.arg(0, "dataset-id")).items().toArray({ limit });
      c.print(items, ["id", "referenceId", "originalImageUrl"]);
    },
  },
  {
    path: ["items", "get"],
    summary: "show an item and its annotations by reference id",
    usage: "<dataset-id> <reference-id>",
    async run(c) {
      const result = await c.client().getDataset(c.arg(0, "dataset-id")).refloc(c.arg(1, "reference-id"));
      if (c.json) c.print(result);
      else {
        c.print(
          {
            ...result.item,
            annotations: Object.entries(result.annotations)
              .map(([k, v]) => `${k}: ${(v as unknown[]).length}`)
              .join(", "),
          },
          ["id", "referenceId", "originalImageUrl", "annotations"],
        );
      }
    },
  },
];

import { UsageError } from "../args.js";
import type { Command, Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { requireYes } from "../output.js";
import { WHERE_FLAGS } from "./curation.js";

/** The dataset named by the first argument (an id or a name), resolved to its id. */
function datasetArg(c: Context): Promise<string> {
  return resolveDatasetId(c.client(), c.arg(0, "dataset"));
}

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
    usage: "<dataset>",
    async run(c) {
      const info = await c
        .client()
        .getDataset(await datasetArg(c))
        .info();
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
    usage: "<dataset>",
    flags: { yes: { type: "boolean", description: "do not ask for confirmation" } },
    async run(c) {
      const id = await datasetArg(c);
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
    summary: "list a dataset's items, or those a query selects (--where)",
    usage: "<dataset>",
    flags: {
      limit: { type: "integer", min: 1, description: "at most this many (default 100)" },
      ...WHERE_FLAGS,
    },
    async run(c) {
      if (c.flag("where") !== undefined) {
        const { listItems } = await import("../actions/curation.js");
        await listItems(c, await datasetArg(c));
        return;
      }
      if (c.flag("run") !== undefined) throw new UsageError("--run needs --where QUERY");
      const limit = c.integer("limit") ?? 100;
      const items = await c
        .client()
        .getDataset(await datasetArg(c))
        .items()
        .toArray({ limit });
      c.print(items, ["id", "referenceId", "originalImageUrl"]);
    },
  },
  {
    path: ["items", "get"],
    summary: "show an item and its annotations by reference id",
    usage: "<dataset> <reference-id>",
    async run(c) {
      const result = await c
        .client()
        .getDataset(await datasetArg(c))
        .refloc(c.arg(1, "reference-id"));
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

import { UsageError } from "../args.js";
import type { Command, Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";

/** A repeatable string flag, as a list. */
function listOf(c: Context, name: string): string[] {
  const value = c.args.flags[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

const TAG_FLAGS = {
  add: { type: "string", multiple: true, value: "TAG", description: "a tag to add (repeat for several)" },
  remove: {
    type: "string",
    multiple: true,
    value: "TAG",
    description: "a tag to remove (repeat for several)",
  },
} as const;

/** Adds then removes the tags of the flags (lists them when there are none); prints the tags after. */
async function changeTags(
  c: Context,
  target: {
    get?: () => Promise<string[]>;
    add: (tags: string[]) => Promise<string[]>;
    remove: (tags: string[]) => Promise<string[]>;
  },
): Promise<void> {
  const add = listOf(c, "add");
  const remove = listOf(c, "remove");
  let tags: string[] | undefined;
  if (add.length > 0) tags = await target.add(add);
  if (remove.length > 0) tags = await target.remove(remove);
  if (tags === undefined) {
    if (!target.get) throw new UsageError("give --add TAG or --remove TAG");
    tags = await target.get();
  }
  if (c.json) c.print(tags);
  else c.io.out(tags.length === 0 ? "(no tags)" : tags.join("\n"));
}

const datasetOf = (c: Context) => resolveDatasetId(c.client(), c.arg(0, "dataset"));

/** `nu taxonomies ...`, tags of datasets, models and slices, the exports of the protocol and deduplication. */
export const protocolCommands: Command[] = [
  {
    path: ["taxonomies", "list"],
    summary: "list a dataset's taxonomies with their labels",
    usage: "<dataset>",
    async run(c) {
      const taxonomies = await c
        .client()
        .getDataset(await datasetOf(c))
        .taxonomies();
      c.print(
        c.json
          ? taxonomies
          : taxonomies.map((t) => ({ name: t.name, type: t.type, labels: t.labels.join(", ") })),
        ["name", "type", "labels"],
      );
    },
  },
  {
    path: ["taxonomies", "add"],
    summary: "add a taxonomy (or, with --update, append labels to one)",
    usage: "<dataset> <name>",
    flags: {
      type: { type: "string", value: "TYPE", description: "category (default) or multicategory" },
      label: { type: "string", multiple: true, value: "LABEL", description: "a label (repeat for several)" },
      update: { type: "boolean", description: "append the labels an existing taxonomy lacks" },
    },
    details: "Example: nu taxonomies add street weather --label sunny --label rain",
    async run(c) {
      const type = c.flag("type") ?? "category";
      if (type !== "category" && type !== "multicategory")
        throw new UsageError(`--type must be category or multicategory, got "${type}"`);
      const labels = listOf(c, "label");
      if (labels.length === 0) throw new UsageError("give at least one --label");
      const dataset = c.client().getDataset(await datasetOf(c));
      const name = c.arg(1, "name");
      const status = await dataset.addTaxonomy(name, type, labels, { update: c.args.flags.update === true });
      if (c.json) c.print({ taxonomyName: name, status });
      else c.io.out(`${status}: ${name}`);
    },
  },
  {
    path: ["taxonomies", "delete"],
    summary: "delete a taxonomy with the annotations and predictions that name it",
    usage: "<dataset> <name>",
    async run(c) {
      const name = c.arg(1, "name");
      const deleted = await c
        .client()
        .getDataset(await datasetOf(c))
        .deleteTaxonomy(name);
      if (c.json) c.print({ taxonomyName: name, ...deleted });
      else
        c.io.out(
          `Deleted taxonomy ${name} with ${deleted.annotationsDeleted} annotations and ${deleted.predictionsDeleted} predictions`,
        );
    },
  },
  {
    path: ["datasets", "tags"],
    summary: "show, add or remove a dataset's own tags",
    usage: "<dataset>",
    flags: TAG_FLAGS,
    async run(c) {
      const dataset = c.client().getDataset(await datasetOf(c));
      await changeTags(c, {
        get: () => dataset.getTags(),
        add: (tags) => dataset.addTags(tags),
        remove: (tags) => dataset.removeTags(tags),
      });
    },
  },
  {
    path: ["models", "tag"],
    summary: "add or remove a model's tags",
    usage: "<model-id>",
    flags: TAG_FLAGS,
    async run(c) {
      const model = await c.client().getModel(c.arg(0, "model-id"));
      await changeTags(c, { add: (tags) => model.addTags(tags), remove: (tags) => model.removeTags(tags) });
    },
  },
  {
    path: ["slices", "tag"],
    summary: "add or remove a slice's tags",
    usage: "<slice-id>",
    flags: TAG_FLAGS,
    async run(c) {
      const slice = c.client().getSlice(c.arg(0, "slice-id"));
      await changeTags(c, {
        get: async () => (await slice.info()).tags ?? [],
        add: (tags) => slice.addTags(tags),
        remove: (tags) => slice.removeTags(tags),
      });
    },
  },
  {
    path: ["datasets", "class-labels"],
    summary: "list the distinct ground-truth labels of a dataset (or of one of its slices)",
    usage: "<dataset>",
    flags: { slice: { type: "string", value: "SLICE_ID", description: "only the items of this slice" } },
    async run(c) {
      const slice = c.flag("slice");
      const labels = slice
        ? await c.client().getSlice(slice).classLabels()
        : await c
            .client()
            .getDataset(await datasetOf(c))
            .classLabels();
      if (c.json) c.print(labels);
      else c.io.out(labels.join("\n"));
    },
  },
  {
    path: ["export", "predictions"],
    summary: "print a model's predictions on a dataset (or a slice) as JSON",
    usage: "<dataset>",
    flags: {
      model: { type: "string", value: "MODEL_ID", description: "the model (required)" },
      slice: {
        type: "string",
        value: "SLICE_ID",
        description: "one export row per item of this slice instead",
      },
    },
    async run(c) {
      const model = c.flag("model");
      if (!model) throw new UsageError("give --model MODEL_ID");
      const slice = c.flag("slice");
      const exported = slice
        ? await c
            .client()
            .getSlice(slice)
            .exportPredictions(model)
            .toArray({ limit: Number.MAX_SAFE_INTEGER })
        : await c
            .client()
            .getDataset(await datasetOf(c))
            .exportPredictions(model);
      c.io.out(JSON.stringify(exported, null, 2));
    },
  },
  {
    path: ["slices", "raw-items"],
    summary: "list a slice's items with their original location and a URL serving their bytes",
    usage: "<slice-id>",
    async run(c) {
      const items = await c.client().getSlice(c.arg(0, "slice-id")).exportRawItems();
      c.print(items, ["refId", "originalUrl", "scaleUrl"]);
    },
  },
  {
    path: ["datasets", "dedup"],
    summary: "find near-duplicate images by perceptual hash and list the items kept",
    usage: "<dataset> [reference-id...]",
    flags: {
      threshold: {
        type: "integer",
        min: 0,
        description: "how many of the hash's 64 bits may differ (0 to 64; default 0: exact look-alikes)",
      },
    },
    details: "Example: nu datasets dedup street --threshold 8",
    async run(c) {
      const threshold = c.integer("threshold") ?? 0;
      if (threshold > 64) throw new UsageError(`--threshold must be from 0 to 64, got ${threshold}`);
      const refs = c.args.positionals.slice(1);
      const result = await c
        .client()
        .getDataset(await datasetOf(c))
        .deduplicate(threshold, refs.length > 0 ? { referenceIds: refs } : {});
      if (c.json) {
        c.print(result);
        return;
      }
      const { originalCount, deduplicatedCount } = result.stats;
      c.io.out(`${deduplicatedCount} of ${originalCount} items kept at threshold ${threshold}`);
      for (const ref of result.uniqueReferenceIds) c.io.out(`  ${ref}`);
      for (const item of result.unhashedItems ?? [])
        c.io.out(`not hashed (kept): ${item.referenceId}: ${item.error}`);
    },
  },
];

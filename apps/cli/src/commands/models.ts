import type { Command } from "../command.js";
import { requireYes } from "../output.js";

/** `nu models ...` and `nu runs ...`. */
export const modelCommands: Command[] = [
  {
    path: ["models", "list"],
    summary: "list models",
    async run(c) {
      const models = await c.client().listModels();
      c.print(
        models.map((m) => ({ id: m.id, name: m.name, referenceId: m.referenceId })),
        ["id", "name", "referenceId"],
      );
    },
  },
  {
    path: ["models", "create"],
    summary: "add a model",
    usage: "<name> <reference-id>",
    async run(c) {
      const model = await c
        .client()
        .addModel({ name: c.arg(0, "name"), referenceId: c.arg(1, "reference-id") });
      c.print({ id: model.id, name: model.name, referenceId: model.referenceId }, [
        "id",
        "name",
        "referenceId",
      ]);
    },
  },
  {
    path: ["models", "delete"],
    summary: "delete a model with its runs",
    usage: "<model-id>",
    flags: { yes: { type: "boolean", description: "do not ask for confirmation" } },
    async run(c) {
      const id = c.arg(0, "model-id");
      requireYes(c.args.flags, id, "its runs and predictions");
      await c.client().deleteModel(id);
      c.print({ deleted: id }, ["deleted"]);
    },
  },
  {
    path: ["runs", "list"],
    summary: "list a dataset's model runs",
    usage: "<dataset-id>",
    async run(c) {
      const client = c.client();
      const info = await client.getDataset(c.arg(0, "dataset-id")).info();
      const runs = await Promise.all(
        info.modelRunIds.map(async (id) => ({ id, ...(await (await client.getModelRun(id)).info()) })),
      );
      c.print(
        runs.map((r) => ({ id: r.id, name: r.name, status: r.status, modelId: r.modelId })),
        ["id", "name", "status", "modelId"],
      );
    },
  },
  {
    path: ["runs", "info"],
    summary: "show a run's status and evaluation",
    usage: "<run-id>",
    async run(c) {
      const info = (await (await c.client().getModelRun(c.arg(0, "run-id"))).info()) as Record<
        string,
        unknown
      > & {
        evaluation?: { status: string; metrics: { map: number; map50: number; map75: number } | null } | null;
      };
      if (c.json) c.print(info);
      else {
        const m = info.evaluation?.metrics;
        c.print(
          {
            id: c.arg(0, "run-id"),
            name: info.name,
            status: info.status,
            evaluation: info.evaluation?.status ?? "none",
            mAP: m?.map,
            AP50: m?.map50,
            AP75: m?.map75,
          },
          ["id", "name", "status", "evaluation", "mAP", "AP50", "AP75"],
        );
      }
    },
  },
  {
    path: ["runs", "commit"],
    summary: "commit a run and start its evaluation",
    usage: "<run-id>",
    flags: { "class-agnostic": { type: "boolean", description: "match predictions regardless of label" } },
    async run(c) {
      const run = await c.client().getModelRun(c.arg(0, "run-id"));
      await run.commit(c.args.flags["class-agnostic"] ? { classAgnostic: true } : {});
      c.print({ committed: run.id }, ["committed"]);
    },
  },
  {
    path: ["runs", "delete"],
    summary: "delete a model run",
    usage: "<run-id>",
    flags: { yes: { type: "boolean", description: "do not ask for confirmation" } },
    async run(c) {
      const id = c.arg(0, "run-id");
      requireYes(c.args.flags, id, "its predictions");
      await c.client().deleteModelRun(id);
      c.print({ deleted: id }, ["deleted"]);
    },
  },
];

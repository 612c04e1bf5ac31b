import { UsageError } from "../args.js";
import type { Command } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import {
  comparison,
  comparisonText,
  evaluationText,
  type RunEvaluation,
  requireSummary,
  runEvaluation,
} from "../evaluation.js";
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
    usage: "<dataset>",
    async run(c) {
      const client = c.client();
      const info = await client.getDataset(await resolveDatasetId(client, c.arg(0, "dataset"))).info();
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
    summary:
      "show a run's status and evaluation: mAP, AP50, AP75 and AP per class (of a subset with --where or --slice)",
    usage: "<run-id>",
    flags: {
      wait: { type: "boolean", description: "wait for a running evaluation to finish" },
      where: {
        type: "string",
        value: "QUERY",
        description: 'the run\'s AP on the items this query selects (`metadata.weather = "foggy"`)',
      },
      slice: { type: "string", value: "SLICE_ID", description: "the run's AP on the items of this slice" },
    },
    async run(c) {
      const runId = c.arg(0, "run-id");
      if (c.flag("where") !== undefined || c.flag("slice") !== undefined) {
        if (c.flag("where") !== undefined && c.flag("slice") !== undefined)
          throw new UsageError("give --where or --slice, not both");
        const { subsetInfo } = await import("../actions/curation.js");
        await subsetInfo(c, runId);
        return;
      }
      const evaluation = await runEvaluation(c.client(), runId, { wait: Boolean(c.args.flags.wait) });
      if (c.json) {
        c.print(await (await c.client().getModelRun(runId)).info());
        return;
      }
      const { run } = evaluation;
      c.io.out(
        `Run ${run.id}: ${run.name}\nModel: ${run.modelId}   Status: ${run.status}   Evaluation: ${evaluation.status}\n`,
      );
      if (evaluation.summary) c.io.out(`\n${evaluationText(evaluation.summary)}`);
      else if (evaluation.status === "none") c.io.out(`Commit it to evaluate it: nu runs commit ${run.id}\n`);
      else if (evaluation.status !== "failed") c.io.out(`Wait for it: nu runs info ${run.id} --wait\n`);
    },
  },
  {
    path: ["runs", "compare"],
    summary: "compare two runs' evaluations side by side, per class, with the difference",
    usage: "<run-id> <run-id>",
    flags: { wait: { type: "boolean", description: "wait for running evaluations to finish" } },
    async run(c) {
      const wait = Boolean(c.args.flags.wait);
      const [a, b] = await Promise.all(
        [c.arg(0, "run-id"), c.arg(1, "run-id")].map((id) => runEvaluation(c.client(), id, { wait })),
      );
      const result = comparison(
        { run: (a as RunEvaluation).run, summary: requireSummary(a as RunEvaluation) },
        { run: (b as RunEvaluation).run, summary: requireSummary(b as RunEvaluation) },
      );
      if (c.json) c.print(result);
      else c.io.out(comparisonText(result));
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

import type { NucleusClient } from "@nucleus/core";
import type { MatchObject } from "@nucleus/metrics";
import { UsageError } from "../args.js";
import type { Command } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { type EvaluationSummary, evaluationText, percent, runEvaluation } from "../evaluation.js";
import { table } from "../output.js";

/** Calls `work` on every value with at most `limit` at once; results in input order. */
async function mapLimited<T, R>(
  values: readonly T[],
  limit: number,
  work: (value: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(values.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, values.length) }, async () => {
      while (next < values.length) {
        const i = next;
        next += 1;
        results[i] = await work(values[i] as T);
      }
    }),
  );
  return results;
}

type SliceRow = Awaited<ReturnType<ReturnType<NucleusClient["getSlice"]>["export"]>>[number];

/**
 * A run's box metrics on the slice's items: its predictions on each item against the items'
 * ground truth, evaluated as the server evaluates whole runs.
 */
async function evaluateOnSlice(
  client: NucleusClient,
  runId: string,
  rows: readonly SliceRow[],
): Promise<EvaluationSummary> {
  const { evaluateBoxes } = await import("@nucleus/metrics");
  const run = await client.getModelRun(runId);
  const refs = rows.map((row) => row.item.referenceId as string);
  const groundTruth: MatchObject[] = rows.flatMap((row) =>
    row.box.map((box, i) => ({
      id: `${row.item.referenceId}/${i}`,
      itemId: row.item.referenceId as string,
      label: box.label,
      box: [box.geometry.x, box.geometry.y, box.geometry.width, box.geometry.height] as const,
    })),
  );
  const perItem = await mapLimited(refs, 8, async (ref) =>
    ((await run.refloc(ref)).box ?? []).map((p, i) => ({
      id: `${ref}/${i}`,
      itemId: ref,
      label: p.label,
      box: [p.geometry.x, p.geometry.y, p.geometry.width, p.geometry.height] as const,
      ...(p.confidence != null ? { score: p.confidence } : {}),
    })),
  );
  return evaluateBoxes(refs, groundTruth, perItem.flat());
}

/** `nu slices ...` and `nu jobs ...`. */
export const sliceCommands: Command[] = [
  {
    path: ["slices", "list"],
    summary: "list slices: every one the key can see, or one dataset's",
    usage: "[dataset]",
    async run(c) {
      const client = c.client();
      const ref = c.args.positionals[0];
      const found = ref
        ? await client.getDataset(await resolveDatasetId(client, ref)).slices()
        : await client.listSlices();
      const slices = await Promise.all(found.map(async (s) => ({ ...(await s.info()), id: s.id })));
      c.print(
        slices.map((s) => ({ id: s.id, name: s.name, datasetId: s.datasetId })),
        ["id", "name", "datasetId"],
      );
    },
  },
  {
    path: ["slices", "info"],
    summary: "show a slice: its dataset, size, and each evaluated run's AP on its items",
    usage: "<slice-id>",
    flags: {
      run: {
        type: "string",
        multiple: true,
        value: "RUN_ID",
        description: "only these runs (repeat for several)",
      },
    },
    async run(c) {
      const client = c.client();
      const slice = client.getSlice(c.arg(0, "slice-id"));
      const [info, rows] = await Promise.all([slice.info(), slice.export()]);
      const dataset = await client.getDataset(info.datasetId).info();
      const chosen = (c.args.flags.run as string[] | undefined) ?? dataset.modelRunIds;
      const evaluated = (await Promise.all(chosen.map((id) => runEvaluation(client, id)))).filter(
        (e) => e.summary || (c.args.flags.run as string[] | undefined)?.includes(e.run.id),
      );
      const evaluations = await Promise.all(
        evaluated.map(async (e) => ({ run: e.run, summary: await evaluateOnSlice(client, e.run.id, rows) })),
      );
      if (c.json) {
        c.print({ ...info, items: rows.length, datasetName: dataset.name, evaluations });
        return;
      }
      c.io.out(
        `Slice ${info.sliceId}: ${info.name}\nDataset: ${info.datasetId} (${dataset.name})   Items: ${rows.length}   Created: ${info.createdAt}\n`,
      );
      // A slice made from a query says which, and whether its items are read again each time.
      const { query, dynamic } = info as { query?: string; dynamic?: boolean };
      if (query !== undefined)
        c.io.out(
          `Query: ${query || "(every item)"}${dynamic ? "   (dynamic: read again on each read)" : ""}\n`,
        );
      if (evaluations.length === 0) {
        c.io.out("No evaluated runs on this dataset: commit a run (nu runs commit RUN) to see AP here.\n");
        return;
      }
      if (evaluations.length === 1) {
        const [only] = evaluations as [(typeof evaluations)[number]];
        c.io.out(
          `\nAP of ${only.run.name} (${only.run.id}) on the slice's items:\n${evaluationText(only.summary)}`,
        );
        return;
      }
      c.io.out(
        `\nAP on the slice's items (COCO, boxes):\n${table(
          evaluations.map((e) => ({
            id: e.run.id,
            name: e.run.name,
            map: percent(e.summary.map),
            map50: percent(e.summary.map50),
            map75: percent(e.summary.map75),
          })),
          ["id", "name", "map", "map50", "map75"],
          ["RUN", "NAME", "mAP", "AP50", "AP75"],
        )}\n`,
      );
      const labels = [...new Set(evaluations.flatMap((e) => e.summary.perClass.map((p) => p.label)))].sort();
      const columns = ["label", ...evaluations.map((e) => e.run.id)];
      c.io.out(
        `\n${table(
          labels.map((label) => ({
            label,
            ...Object.fromEntries(
              evaluations.map((e) => [
                e.run.id,
                percent(e.summary.perClass.find((p) => p.label === label)?.ap),
              ]),
            ),
          })),
          columns,
          ["CLASS (AP)", ...evaluations.map((e) => e.run.name)],
        )}\n`,
      );
    },
  },
  {
    path: ["slices", "create"],
    summary:
      "create a slice of items by reference id, from a query (--where, --dynamic), of scenes or of objects",
    usage: "<dataset> <name> [reference-id...]",
    flags: {
      scenes: {
        type: "boolean",
        description: "the ids given are scene ids (`scn_…`): a scene slice",
      },
      objects: {
        type: "boolean",
        description: "the ids given are annotation and prediction ids (`ann_…`, `pred_…`): an object slice",
      },
      where: {
        type: "string",
        value: "QUERY",
        description: 'the items this query selects (`metadata.weather = "foggy"`)',
      },
      dynamic: {
        type: "boolean",
        description: "keep the query and read it again on every read, rather than the items it selects now",
      },
      run: {
        type: "string",
        value: "RUN_ID",
        description: "the model run `predictions.*` in the query counts",
      },
    },
    async run(c) {
      const client = c.client();
      if (c.flag("where") !== undefined) {
        if (c.args.positionals.length > 2) throw new UsageError("give reference ids or --where, not both");
        const { createQuerySlice } = await import("../actions/curation.js");
        await createQuerySlice(c, await resolveDatasetId(client, c.arg(0, "dataset")), c.arg(1, "name"));
        return;
      }
      if (c.args.flags.dynamic) throw new UsageError("--dynamic needs --where QUERY");
      const dataset = client.getDataset(await resolveDatasetId(client, c.arg(0, "dataset")));
      const ids = c.args.positionals.slice(2);
      if (c.args.flags.scenes && c.args.flags.objects)
        throw new UsageError("give --scenes or --objects, not both");
      if ((c.args.flags.scenes || c.args.flags.objects) && ids.length === 0)
        throw new UsageError("give the ids the slice holds");
      const slice = c.args.flags.scenes
        ? await dataset.createSliceByIds(c.arg(1, "name"), { sceneIds: ids })
        : c.args.flags.objects
          ? await dataset.createSliceByIds(c.arg(1, "name"), {
              annotationIds: ids.filter((id) => !id.startsWith("pred_")),
              predictionIds: ids.filter((id) => id.startsWith("pred_")),
            })
          : await dataset.createSlice(c.arg(1, "name"), ids);
      c.print({ id: slice.id, name: c.arg(1, "name") }, ["id", "name"]);
    },
  },
  {
    path: ["slices", "append"],
    summary: "add items to a slice by reference id",
    usage: "<slice-id> <reference-id...>",
    async run(c) {
      const added = await c.client().getSlice(c.arg(0, "slice-id")).append(c.args.positionals.slice(1));
      c.print({ added: added.length, referenceIds: added }, ["added"]);
    },
  },
  {
    path: ["slices", "raw-json"],
    summary:
      "print a slice as raw JSON rows: per object with its item, per frame item with its scene, or per item",
    usage: "<slice-id>",
    async run(c) {
      const rows = await c.client().getSlice(c.arg(0, "slice-id")).exportRawJson();
      c.io.out(`${JSON.stringify(rows, null, c.json ? undefined : 2)}\n`);
    },
  },
  {
    path: ["slices", "delete"],
    summary: "delete a slice (its items stay)",
    usage: "<slice-id>",
    async run(c) {
      await c.client().getSlice(c.arg(0, "slice-id")).delete();
      c.print({ deleted: c.arg(0, "slice-id") }, ["deleted"]);
    },
  },
  {
    path: ["jobs", "list"],
    summary: "list jobs",
    flags: { dataset: { type: "string", value: "ID_OR_NAME", description: "only this dataset's jobs" } },
    async run(c) {
      const client = c.client();
      const ref = c.flag("dataset");
      const jobs = await client.listJobs(ref ? { datasetId: await resolveDatasetId(client, ref) } : {});
      c.print(
        jobs.map((j) => ({
          id: j.id,
          type: j.data?.jobType,
          status: j.data?.jobLastKnownStatus,
          created: j.data?.jobCreationTime,
        })),
        ["id", "type", "status", "created"],
      );
    },
  },
  {
    path: ["jobs", "get"],
    summary: "show a job's status",
    usage: "<job-id>",
    async run(c) {
      const status = await (await c.client().getJob(c.arg(0, "job-id"))).status();
      c.print(status, ["jobId", "status", "jobProgress", "completedSteps", "totalSteps"]);
    },
  },
  {
    path: ["jobs", "wait"],
    summary: "wait for a job to finish",
    usage: "<job-id>",
    async run(c) {
      const job = await c.client().getJob(c.arg(0, "job-id"));
      const final = await job.waitUntilDone({ pollInterval: 500 });
      c.print(final, ["jobId", "status", "jobProgress"]);
    },
  },
];

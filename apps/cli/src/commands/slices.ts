import type { Command } from "../command.js";

/** `nu slices ...` and `nu jobs ...`. */
export const sliceCommands: Command[] = [
  {
    path: ["slices", "list"],
    summary: "list slices",
    async run(c) {
      const slices = await Promise.all(
        (await c.client().listSlices()).map(async (s) => ({ ...(await s.info()), id: s.id })),
      );
      c.print(
        slices.map((s) => ({ id: s.id, name: s.name, datasetId: s.datasetId })),
        ["id", "name", "datasetId"],
      );
    },
  },
  {
    path: ["slices", "create"],
    summary: "create a slice of items by reference id",
    usage: "<dataset-id> <name> [reference-id...]",
    async run(c) {
      const slice = await c
        .client()
        .getDataset(c.arg(0, "dataset-id"))
        .createSlice(c.arg(1, "name"), c.args.positionals.slice(2));
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
    flags: { dataset: { type: "string", description: "only this dataset's jobs" } },
    async run(c) {
      const jobs = await c
        .client()
        .listJobs(c.flag("dataset") ? { datasetId: c.flag("dataset") as string } : {});
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

import { ListJobsRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { notFound } from "../http/errors.js";
import { param } from "../http/lookup.js";
import { jobStatusWire, jobWire } from "../presenters/jobs.js";
import type { JobRecord } from "../store/index.js";

/** Jobs: status, info, errors and the list. */
export function jobRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  const requireJob = async (c: Ctx): Promise<JobRecord> => {
    const id = param(c, "jobId");
    const job = await c.get("services").store.jobs.get(c.get("tenant"), id);
    if (!job) throw notFound("Job", id);
    return job;
  };

  app.get("/job/:jobId", async (c) => c.json(jobStatusWire(await requireJob(c))));
  app.get("/job/:jobId/info", async (c) => c.json(jobWire(await requireJob(c))));
  app.get("/job/:jobId/errors", async (c) => c.json((await requireJob(c)).errors));

  // A redirect would turn the POST into a GET, so both spellings are routes.
  app.on("POST", ["/jobs/", "/jobs"], async (c) => {
    const body = await readBody(c, ListJobsRequest);
    const jobs = await c.get("services").store.jobs.list(c.get("tenant"), {
      datasetId: body.dataset_id,
      types: body.job_types ?? [],
      showCompleted: body.show_completed ?? false,
      limit: body.limit ?? 50_000,
    });
    return c.json(jobs.map(jobWire));
  });

  return app;
}

import { ListJobsRequest } from "@nucleus/schemas";
import { Hono } from "hono";
import { readBody } from "../http/body.js";
import type { Ctx, Env } from "../http/context.js";
import { notFound } from "../http/errors.js";
import { param } from "../http/lookup.js";
import { jobJson, jobStatusJson } from "../http/present.js";

/** Jobs: status, info, errors and the list. */
export function jobRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  const requireJob = (c: Ctx) => {
    const id = param(c, "jobId");
    const job = c.get("services").store.getJob(c.get("tenant"), id);
    if (!job) throw notFound("Job", id);
    return job;
  };

  app.get("/job/:jobId", (c) => c.json(jobStatusJson(requireJob(c))));
  app.get("/job/:jobId/info", (c) => c.json(jobJson(requireJob(c))));
  app.get("/job/:jobId/errors", (c) => c.json(JSON.parse(requireJob(c).errors) as string[]));

  // A redirect would turn the POST into a GET, so both spellings are routes.
  app.on("POST", ["/jobs/", "/jobs"], async (c) => {
    const body = await readBody(c, ListJobsRequest);
    const jobs = c.get("services").store.listJobs(c.get("tenant"), {
      datasetId: body.dataset_id,
      types: body.job_types ?? [],
      showCompleted: body.show_completed ?? false,
      limit: body.limit ?? 50_000,
    });
    return c.json(jobs.map(jobJson));
  });

  return app;
}

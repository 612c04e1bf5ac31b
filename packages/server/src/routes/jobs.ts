import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { notFound } from "../http/errors.js";
import { jobStatusWire, jobWire } from "../presenters/jobs.js";
import type { JobRecord } from "../store/index.js";

/** The caller's job, or a 404. */
async function requireJob(c: Ctx, id: string): Promise<JobRecord> {
  const job = await c.get("services").store.jobs.get(c.get("tenant"), id);
  if (!job) throw notFound("Job", id);
  return job;
}

/** Jobs: status, info, errors and the list. */
export function jobRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.jobStatus, async ({ params }, c) => jobStatusWire(await requireJob(c, params.jobId)));
  route(app, routes.jobInfo, async ({ params }, c) => jobWire(await requireJob(c, params.jobId)));
  route(app, routes.jobErrors, async ({ params }, c) => (await requireJob(c, params.jobId)).errors);
  // Served with and without the trailing slash: a redirect would turn the POST into a GET.
  route(app, routes.listJobs, async ({ body }, c) => {
    const jobs = await c.get("services").store.jobs.list(c.get("tenant"), {
      datasetId: body.dataset_id,
      types: body.job_types ?? [],
      showCompleted: body.show_completed ?? false,
      limit: body.limit ?? 50_000,
    });
    return jobs.map(jobWire);
  });

  return app;
}

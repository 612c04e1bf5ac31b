import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { HttpError } from "../http/errors.js";

/**
 * Routes of hosted-only Scale services: labeling projects, Launch, Scale's own autotag and
 * indexing jobs. Those registered before these answer first: autotags trained on this server's
 * item vectors (`autotags.ts`), custom indexes and embedding exports (`embedding-protocol.ts`).
 */
const HOSTED_ONLY = [
  "/dataset/create_from_project",
  "/dataset/:datasetId/ingest_tasks",
  "/dataset/:datasetId/autotag/*",
  "/autotag/*",
  "/autocurate/*",
  "/indexing/*",
  "/model/run/*",
  "/task/*",
  "/slice/:sliceId/:projectId/send_to_labeling",
] as const;

/** Answers hosted-only routes with a JSON 501 that says so. */
export function unsupportedRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  for (const path of HOSTED_ONLY) {
    app.all(path, (c) => {
      throw new HttpError(
        501,
        `${c.req.method} ${path.replace(/^\//, "")} needs Scale's own hosted services (ML training and inference, labeling, Launch), which the local Nucleus server does not offer`,
      );
    });
  }
  return app;
}

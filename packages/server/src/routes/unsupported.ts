import { Hono } from "hono";
import type { Env } from "../http/context.js";
import { HttpError } from "../http/errors.js";

/**
 * Routes of hosted-only Scale services: labeling projects, Launch, autotags, embeddings, Validate;
 * and scene queries (this server holds no scenes).
 */
const HOSTED_ONLY = [
  "/dataset/create_from_project",
  "/dataset/:datasetId/ingest_tasks",
  "/dataset/:datasetId/embeddings",
  "/dataset/:datasetId/async_export_embeddings",
  "/dataset/:datasetId/embeddingIndexes",
  "/dataset/:datasetId/indexingStatus",
  "/dataset/:datasetId/deduplicate_async",
  "/dataset/:datasetId/autotag/*",
  "/dataset/:datasetId/queryScenesPage",
  "/:datasetId/list_autotags",
  "/:datasetId/upload_scenes",
  "/:datasetId/upload_video_scenes",
  "/autotag/*",
  "/autocurate/*",
  "/indexing/*",
  "/validate/*",
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
        `${c.req.method} ${path.replace(/^\//, "")} is a hosted Scale service that the local Nucleus server does not offer`,
      );
    });
  }
  return app;
}

import { randomBytes } from "node:crypto";
import { QueryError } from "@nucleus/query";
import { PayloadValidationError } from "@nucleus/schemas";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { FilterError } from "./evaluation/filters.js";
import { requireApiKey } from "./http/auth.js";
import { BodyBudget } from "./http/body-budget.js";
import type { Env, Services } from "./http/context.js";
import { diskFullError, isDiskFull } from "./http/disk-full.js";
import { HttpError } from "./http/errors.js";
import { maskedPath } from "./http/masking.js";
import { SessionStore } from "./http/sessions.js";
import { TenantKeys } from "./http/tenants.js";
import { queryErrorBody } from "./presenters/curation.js";
import { problemResponse } from "./presenters/problems.js";
import { autotagRoutes } from "./routes/autotags.js";
import { curationRoutes } from "./routes/curation.js";
import { datasetRoutes } from "./routes/datasets.js";
import { dedupRoutes } from "./routes/dedup.js";
import { embeddingMapRoutes } from "./routes/embedding-map.js";
import { embeddingProtocolRoutes } from "./routes/embedding-protocol.js";
import { embeddingRoutes } from "./routes/embeddings.js";
import { evaluationRoutes } from "./routes/evaluations.js";
import { exportRoutes } from "./routes/exports.js";
import { itemRoutes } from "./routes/items.js";
import { jobRoutes } from "./routes/jobs.js";
import { labelRoutes } from "./routes/labels.js";
import { modelRoutes } from "./routes/models.js";
import { nearDuplicateRoutes } from "./routes/near-duplicates.js";
import { objectEmbeddingRoutes } from "./routes/object-embeddings.js";
import { operationRoutes } from "./routes/operations.js";
import { pointCloudRoutes } from "./routes/pointclouds.js";
import { queryRoutes } from "./routes/queries.js";
import { sceneExportRoutes } from "./routes/scene-export.js";
import { sceneRoutes } from "./routes/scenes.js";
import { sessionRoutes } from "./routes/session.js";
import { sliceRoutes } from "./routes/slices.js";
import { tagRoutes } from "./routes/tags.js";
import { taxonomyRoutes } from "./routes/taxonomies.js";
import { thumbnailRoutes } from "./routes/thumbnails.js";
import { unsupportedRoutes } from "./routes/unsupported.js";
import { mediaRoutes, signedUrlRoutes, uploadRoutes } from "./routes/uploads.js";
import { validateRoutes } from "./routes/validate.js";
import { webRoutes } from "./routes/web.js";
import { MediaAccess } from "./services/media-access.js";
import { StoreError } from "./store/index.js";

/** Request-body bytes held in memory at once, by default: parallel uploads wait for room. */
export const DEFAULT_BODY_BUDGET_BYTES = 512 * 1024 * 1024;

/** How the HTTP app is put together. */
export interface AppOptions {
  services: Services;
  apiKeys: readonly string[];
  /** The largest request body of an API route, in bytes. */
  maxBodyBytes: number;
  /** Request-body bytes held in memory at once. Default {@link DEFAULT_BODY_BUDGET_BYTES}. */
  bodyBudgetBytes?: number;
  /**
   * The data folder's secret: tenant ids are keyed hashes of the keys, and media URLs are signed
   * with it. Without one, tenant ids are unkeyed hashes and URLs are signed with a key that
   * lasts as long as the process.
   */
  tenantSecret?: Uint8Array;
  /** Log one line per request. */
  logRequests: boolean;
  log: (line: string) => void;
}

/** Builds the Hono app: the protocol under `services.basePath`, JSON errors everywhere. */
export function buildApp(options: AppOptions): Hono<Env> {
  const { services, apiKeys, maxBodyBytes, logRequests, log } = options;
  const tenants = new TenantKeys(apiKeys, options.tenantSecret);
  // Data kept under the older unkeyed tenant ids moves to the keyed ones; requests wait for it.
  void tenants.migrate(services.store, log);
  const mediaAccess = new MediaAccess(
    services.store,
    services.media,
    options.tenantSecret ?? randomBytes(32),
  );
  const budget = new BodyBudget(options.bodyBudgetBytes ?? DEFAULT_BODY_BUDGET_BYTES);
  const root = new Hono<Env>({ strict: true });
  // Health, readiness and metrics, outside the protocol's path and its auth; every request counted.
  const operations = operationRoutes(services);
  root.use("*", operations.observe);
  root.route("/", operations.routes);
  if (logRequests) {
    root.use("*", async (c, next) => {
      const start = performance.now();
      await next();
      log(
        `${c.req.method} ${maskedPath(c.req.url)} ${c.res.status} ${(performance.now() - start).toFixed(1)}ms`,
      );
    });
  }
  root.use("*", async (c, next) => {
    c.set("services", services);
    c.set("maxBodyBytes", maxBodyBytes);
    c.set("mediaAccess", mediaAccess);
    // Bodies are read only by the routes, after authentication, each within its route's limit
    // (http/limits.ts) and this request's share of the memory budget, given back once answered.
    const grant = budget.grant();
    c.set("bodyGrant", grant);
    try {
      await next();
    } finally {
      grant.release();
    }
  });

  const api = new Hono<Env>({ strict: true });
  // Routes that carry their own credentials: a signed upload URL's token, a signed media URL.
  api.route("/", uploadRoutes());
  const sessions = new SessionStore(services.store.browserTokens);
  api.route("/", mediaRoutes(tenants, sessions));
  // Browser sessions are opened with a key; every other route takes a key or a session's cookie.
  api.route("/", sessionRoutes(tenants, sessions));
  api.use("*", requireApiKey(tenants, sessions));
  for (const routes of [
    datasetRoutes(),
    itemRoutes(),
    labelRoutes(),
    modelRoutes(),
    sliceRoutes(),
    jobRoutes(),
    evaluationRoutes(),
    queryRoutes(),
    curationRoutes(),
    embeddingRoutes(),
    objectEmbeddingRoutes(),
    nearDuplicateRoutes(),
    autotagRoutes(),
    embeddingProtocolRoutes(),
    embeddingMapRoutes(),
    validateRoutes(),
    signedUrlRoutes(),
    thumbnailRoutes(),
    pointCloudRoutes(),
    taxonomyRoutes(),
    tagRoutes(),
    exportRoutes(),
    dedupRoutes(),
    sceneRoutes(),
    sceneExportRoutes(),
    unsupportedRoutes(),
  ]) {
    api.route("/", routes);
  }
  root.route(services.basePath, api);
  // The web app at `/`, after the API so that the API's paths stay the API's.
  root.route("/", webRoutes({ basePath: services.basePath, sessions }));

  root.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  root.onError((error, c) => {
    if (error instanceof HttpError) return c.json({ error: error.message }, error.status);
    if (error instanceof StoreError) {
      const { status, body } = problemResponse(error.problem);
      return c.json(body, status);
    }
    // A query that does not hold (or Evaluations V2 filters that cannot be read): where, and what.
    if (error instanceof QueryError || error instanceof FilterError)
      return c.json(queryErrorBody(error), 400);
    if (error instanceof PayloadValidationError) {
      return c.json({ error: error.message, issues: error.issues.map((issue) => issue.text) }, 400);
    }
    if (error instanceof HTTPException)
      return c.json({ error: error.message || "Bad request" }, error.status);
    if (isDiskFull(error)) {
      log(`${c.req.method} ${maskedPath(c.req.url)} failed: the disk is full (${error.message})`);
      return c.json({ error: diskFullError().message }, 507);
    }
    log(`${c.req.method} ${maskedPath(c.req.url)} failed: ${error.stack ?? String(error)}`);
    return c.json({ error: "Internal server error" }, 500);
  });
  return root;
}

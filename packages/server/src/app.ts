import { PayloadValidationError } from "@nucleus/schemas";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requireApiKey } from "./http/auth.js";
import type { Env, Services } from "./http/context.js";
import { HttpError } from "./http/errors.js";
import { SessionStore } from "./http/sessions.js";
import { problemResponse } from "./presenters/problems.js";
import { datasetRoutes } from "./routes/datasets.js";
import { evaluationRoutes } from "./routes/evaluations.js";
import { itemRoutes } from "./routes/items.js";
import { jobRoutes } from "./routes/jobs.js";
import { labelRoutes } from "./routes/labels.js";
import { modelRoutes } from "./routes/models.js";
import { sessionRoutes } from "./routes/session.js";
import { sliceRoutes } from "./routes/slices.js";
import { thumbnailRoutes } from "./routes/thumbnails.js";
import { unsupportedRoutes } from "./routes/unsupported.js";
import { MAX_NDJSON_BYTES, publicRoutes, signedUrlRoutes } from "./routes/uploads.js";
import { webRoutes } from "./routes/web.js";
import { StoreError } from "./store/index.js";

/** How the HTTP app is put together. */
export interface AppOptions {
  services: Services;
  apiKeys: readonly string[];
  /** The largest request body of an API route, in bytes. */
  maxBodyBytes: number;
  /** Log one line per request. */
  logRequests: boolean;
  log: (line: string) => void;
}

/** Builds the Hono app: the protocol under `services.basePath`, JSON errors everywhere. */
export function buildApp({ services, apiKeys, maxBodyBytes, logRequests, log }: AppOptions): Hono<Env> {
  const root = new Hono<Env>({ strict: true });
  if (logRequests) {
    root.use("*", async (c, next) => {
      const start = performance.now();
      await next();
      const path = new URL(c.req.url).pathname.replace(/\/__upload\/[^/]+/, "/__upload/<token>");
      log(`${c.req.method} ${path} ${c.res.status} ${(performance.now() - start).toFixed(1)}ms`);
    });
  }
  root.use("*", async (c, next) => {
    c.set("services", services);
    await next();
  });

  const api = new Hono<Env>({ strict: true });
  api.use(
    "*",
    bodyLimit({
      maxSize: Math.max(maxBodyBytes, MAX_NDJSON_BYTES),
      onError: () => {
        throw new HttpError(413, `The request body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  api.route("/", publicRoutes());
  // Browser sessions are opened with a key; every other route takes a key or a session's cookie.
  const sessions = new SessionStore();
  api.route("/", sessionRoutes(apiKeys, sessions));
  api.use("*", requireApiKey(apiKeys, sessions));
  api.use(
    "*",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, `The request body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  for (const routes of [
    datasetRoutes(),
    itemRoutes(),
    labelRoutes(),
    modelRoutes(),
    sliceRoutes(),
    jobRoutes(),
    evaluationRoutes(),
    signedUrlRoutes(),
    thumbnailRoutes(),
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
    if (error instanceof PayloadValidationError) {
      return c.json({ error: error.message, issues: error.issues.map((issue) => issue.text) }, 400);
    }
    if (error instanceof HTTPException)
      return c.json({ error: error.message || "Bad request" }, error.status);
    log(`${c.req.method} ${new URL(c.req.url).pathname} failed: ${error.stack ?? String(error)}`);
    return c.json({ error: "Internal server error" }, 500);
  });
  return root;
}

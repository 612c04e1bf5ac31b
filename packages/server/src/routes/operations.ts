import { timingSafeEqual } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Env, Services } from "../http/context.js";
import { RequestMetrics } from "../http/metrics.js";

/** How long a readiness check waits for the database or the media before calling it down. */
const CHECK_MS = 3_000;

/** Resolves with `work`, or rejects once `ms` passed. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** True when the request carries `Authorization: Bearer <token>`. */
function bearerIs(header: string | undefined, token: string): boolean {
  const sent = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const expected = Buffer.from(token);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/**
 * What a load balancer and a monitoring system ask of each server, outside the protocol's path:
 *
 * - `GET /healthz`: the process answers (liveness). No auth, no dependency.
 * - `GET /readyz`: the database and the media answer within 3 s (readiness); 503 otherwise. No
 *   auth; the body says which part is down, never why (the reason goes to the log).
 * - `GET /metrics`: Prometheus text: requests and latencies by method and route pattern, and the
 *   job queue's depth. They hold no tenant's data (no ids, names, keys or paths), so they need no
 *   API key; set `NUCLEUS_METRICS_TOKEN` to require `Authorization: Bearer <token>` anyway.
 *
 * `observe` is the middleware that counts every request; mount it, and the routes, before any
 * other (they need neither a key nor the request context).
 */
export function operationRoutes(
  services: Pick<Services, "store" | "media">,
  options: { metricsToken?: string | undefined } = {},
): {
  observe: MiddlewareHandler<Env>;
  routes: Hono<Env>;
} {
  const metrics = new RequestMetrics();
  const metricsToken = options.metricsToken ?? process.env.NUCLEUS_METRICS_TOKEN;

  const observe: MiddlewareHandler<Env> = async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const route = routePath(c);
      // A request no route answered is counted under one name, whatever its path.
      const name = route === "" || route === "*" || route === "/*" ? "(unmatched)" : route;
      metrics.observe(c.req.method, name, c.res.status, (performance.now() - start) / 1000);
    }
  };

  const routes = new Hono<Env>({ strict: true });
  routes.get("/healthz", (c) => c.json({ status: "ok" }));

  routes.get("/readyz", async (c) => {
    const { store, media } = services;
    const check = async (part: string, work: () => Promise<unknown>) => {
      try {
        await within(work(), CHECK_MS);
        return "ok";
      } catch (error) {
        process.stderr.write(`readyz: ${part} is down: ${(error as Error).message}\n`);
        return "down";
      }
    };
    const [database, files] = await Promise.all([
      check("the database", () => store.writeVersion()),
      check("the media", () => media.check()),
    ]);
    const ready = database === "ok" && files === "ok";
    return c.json({ status: ready ? "ready" : "unready", database, media: files }, ready ? 200 : 503);
  });

  routes.get("/metrics", async (c) => {
    if (metricsToken && !bearerIs(c.req.header("authorization"), metricsToken)) {
      return c.json({ error: "The metrics need Authorization: Bearer <NUCLEUS_METRICS_TOKEN>" }, 401);
    }
    const { store } = services;
    const depth = await store.jobs.depth().catch(() => undefined);
    const body = metrics.render([
      {
        name: "nucleus_jobs",
        help: "Jobs of every tenant in the shared queue: waiting for a server (queued) or held by one (running).",
        values: depth
          ? [
              { labels: 'state="queued"', value: depth.queued },
              { labels: 'state="running"', value: depth.running },
            ]
          : [],
      },
      { name: "nucleus_up", help: "1 while this process serves.", values: [{ value: 1 }] },
    ]);
    return c.body(body, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });

  return { observe, routes };
}

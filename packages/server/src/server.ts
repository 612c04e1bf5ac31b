import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { buildApp } from "./app.js";
import { openDatabase } from "./db/database.js";
import type { Env } from "./http/context.js";
import { JobRunner } from "./jobs/runner.js";
import { MediaStore } from "./media.js";
import { SqliteStore } from "./store/sqlite.js";

/** Options of a Nucleus server. */
export interface NucleusServerOptions {
  /** The data folder: `nucleus.sqlite` and the `media/` folder live here. */
  dataDir: string;
  /** The accepted API keys; each is its own tenant. At least one. */
  apiKeys: readonly string[];
  /** The path the protocol is served under. Default `/v1/nucleus`. */
  basePath?: string;
  /** The public origin to build URLs with (`https://nucleus.example.com`), when behind a proxy. */
  publicUrl?: string;
  /** The largest request body of an API route, in bytes. Default 256 MiB. */
  maxBodyBytes?: number;
  /**
   * Refuse predictions on a committed model run (409). Off by default: the official client's
   * README flow predicts on a committed run, which reopens it until it is committed again.
   */
  immutableCommittedRuns?: boolean;
  /** Where server errors are written. Default: standard error. Keys never reach it. */
  log?: (line: string) => void;
}

/** A Nucleus server that is not listening yet: its fetch handler and its parts. */
export interface NucleusServer {
  /** The Hono app; `app.fetch` answers a `Request`. */
  app: Hono<Env>;
  /** The storage behind the routes. */
  store: SqliteStore;
  /** Background jobs. */
  jobs: JobRunner;
  /** Waits for running jobs, then closes the database. */
  close(): Promise<void>;
}

/**
 * Creates a Nucleus server on a data folder. Jobs left running by a previous process resume.
 *
 * @example
 * ```ts
 * import { createNucleusServer } from "@nucleus/server";
 *
 * const server = createNucleusServer({ dataDir: "./nucleus-data", apiKeys: ["my-key"] });
 * const response = await server.app.request("/v1/nucleus/dataset/details", {
 *   headers: { authorization: `Basic ${btoa("my-key:")}` },
 * });
 * ```
 */
export function createNucleusServer(options: NucleusServerOptions): NucleusServer {
  if (options.apiKeys.length === 0)
    throw new Error("createNucleusServer: give at least one API key in apiKeys");
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const db = openDatabase(options.dataDir);
  const store = new SqliteStore(db);
  const media = new MediaStore(join(options.dataDir, "media"));
  const immutableCommittedRuns = options.immutableCommittedRuns ?? false;
  const jobs = new JobRunner(store, media, log, immutableCommittedRuns);
  const app = buildApp({
    services: {
      store,
      media,
      jobs,
      immutableCommittedRuns,
      basePath: (options.basePath ?? "/v1/nucleus").replace(/\/$/, ""),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    },
    apiKeys: options.apiKeys,
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024 * 1024,
    log,
  });
  jobs.resume();
  return {
    app,
    store,
    jobs,
    async close() {
      await jobs.idle();
      db.close();
    },
  };
}

/** A listening Nucleus server. */
export interface RunningNucleusServer extends NucleusServer {
  /** The base URL of the protocol, e.g. `http://127.0.0.1:8080/v1/nucleus`. */
  url: string;
  /** The port it listens on. */
  port: number;
}

/**
 * Starts a Nucleus server on a port (0 picks a free one) of a host (default `127.0.0.1`).
 *
 * @example
 * ```ts
 * import { startNucleusServer } from "@nucleus/server";
 *
 * const server = await startNucleusServer({ dataDir: "./nucleus-data", apiKeys: ["my-key"], port: 0 });
 * console.log(server.url); // http://127.0.0.1:54321/v1/nucleus
 * await server.close();
 * ```
 */
export async function startNucleusServer(
  options: NucleusServerOptions & { port?: number; host?: string },
): Promise<RunningNucleusServer> {
  const server = createNucleusServer(options);
  const host = options.host ?? "127.0.0.1";
  const basePath = (options.basePath ?? "/v1/nucleus").replace(/\/$/, "");
  const { httpServer, port } = await new Promise<{ httpServer: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const httpServer = serve(
        { fetch: server.app.fetch, port: options.port ?? 8080, hostname: host },
        (info) => resolve({ httpServer, port: info.port }),
      );
    },
  );
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    ...server,
    url: `http://${shownHost}:${port}${basePath}`,
    port,
    async close() {
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await server.close();
    },
  };
}

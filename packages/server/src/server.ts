import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { buildApp } from "./app.js";
import { readTenantSecret } from "./db/data-folder.js";
import { tenantOf } from "./http/auth.js";
import { LoginLinks } from "./http/login-links.js";
import { JobRunner, type JobRunnerTiming } from "./jobs/runner.js";
import { afterUploads, trackUploads } from "./media/in-flight.js";
import { MediaStore, openMedia, type S3Options } from "./media.js";
import { AUTOTAG_JOB_TYPE, runAutotagJob } from "./services/autotag/job.js";
import { CUSTOM_INDEX_JOB_TYPE, runCustomIndexJob } from "./services/custom-index.js";
import { EMBEDDING_MAP_JOB_TYPE, runEmbeddingMapJob } from "./services/embedding-map/job.js";
import { EvaluationService } from "./services/evaluations.js";
import { NEAR_DUPLICATES_JOB_TYPE, runNearDuplicatesJob } from "./services/near-duplicates.js";
import { ObjectIndexes } from "./services/object-index.js";
import { REPRESENTATIVENESS_JOB_TYPE, runRepresentativenessJob } from "./services/representativeness.js";
import { ThumbnailService } from "./services/thumbnails.js";
import { runUniquenessJob, UNIQUENESS_JOB_TYPE } from "./services/uniqueness.js";
import { VectorIndexes } from "./services/vector-index.js";
import { deferredStore } from "./store/deferred.js";
import type { NucleusStore } from "./store/index.js";
import { openPostgresStore } from "./store/postgres/store.js";
import { openSqliteStore } from "./store/sqlite/store.js";

/** Options of a Nucleus server. */
export interface NucleusServerOptions {
  /**
   * The data folder: `nucleus.sqlite`, the `media/` folder and cached thumbnails live here.
   * Optional when both `database` and `media` are given (thumbnails are then cached in a
   * temporary folder).
   */
  dataDir?: string;
  /**
   * A PostgreSQL database to keep records in instead of SQLite in the data folder:
   * `postgres://user:password@host:5432/nucleus` (add `?schema=name` to keep the tables in a
   * schema of their own). Any number of servers may share it.
   */
  database?: string;
  /** Connections each server keeps to PostgreSQL. Default 10. */
  databasePoolSize?: number;
  /**
   * Where uploaded files go: `s3://bucket/prefix` for a bucket of an S3-compatible service (see
   * `s3`), or a folder. Default: `media/` in the data folder.
   */
  media?: string;
  /** How to reach the bucket of an `s3://` media location (endpoint, region, keys). */
  s3?: S3Options;
  /**
   * A secret every server on one database shares (64 hex digits: `openssl rand -hex 32`). Tenant
   * ids are keyed hashes of the API keys with it, and a media URL one server signed is good at
   * every other. Required with `database`; keep it out of the database and its backups.
   */
  secret?: string;
  /**
   * How long a server holds a job without renewing its lease, in seconds: a job whose server
   * died is picked up by another one this long after its last renewal. Default 30.
   */
  jobLeaseSeconds?: number;
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
  /** Log one line per request (method, path, status, time; never a key or an upload token). */
  logRequests?: boolean;
  /**
   * Similarity search: where the vector index files of items and objects are kept (default
   * `vectors/` in the data folder, or a temporary folder without one, rebuilt from the database),
   * and below how many item (or object) vectors a dataset is searched exactly instead (default 5,000).
   * `connectivity` is the links each vector keeps in a new index (default 16): fewer build faster
   * and take less memory, but find fewer of the true nearest.
   */
  vectorIndex?: { dir?: string; exactBelow?: number; connectivity?: number };
  /** Where server errors (and request lines) are written. Default: standard error. Keys never reach it. */
  log?: (line: string) => void;
}

/** A Nucleus server that is not listening yet. */
export interface NucleusServer {
  /** The Hono app; `app.fetch` answers a `Request`, `app.request` a path. */
  // biome-ignore lint/suspicious/noExplicitAny: the app's context type is internal.
  app: Hono<any>;
  /** Resolves when no background job is running. */
  idle(): Promise<void>;
  /** Waits for running jobs, then closes the database. */
  close(): Promise<void>;
  /**
   * A single-use login token for the web app: `/login?token=<token>` on the server's origin opens
   * a browser session for the key (default: the first of `apiKeys`) and is spent by that visit.
   * It dies unused after 24 hours, or when the server stops.
   */
  createLoginToken(apiKey?: string): string;
}

/** A listening Nucleus server. */
export interface RunningNucleusServer extends NucleusServer {
  /** The base URL of the protocol, e.g. `http://127.0.0.1:8080/v1/nucleus`. */
  url: string;
  /** The port it listens on. */
  port: number;
  /**
   * The web app's one-time login link, e.g. `http://127.0.0.1:8080/login?token=...`: the first
   * visit opens a browser session for the key (default: the first of `apiKeys`), later ones do not.
   */
  createLoginUrl(apiKey?: string): string;
}

/** The server with its parts exposed, for this package's own tests and tools. */
export interface ServerParts extends NucleusServer {
  store: NucleusStore;
  jobs: JobRunner;
  media: MediaStore;
  /** Resolves once the database is open and migrated; rejects when it cannot be. */
  ready(): Promise<void>;
}

/** Options of {@link openServer} beyond the public ones: how its job runner holds jobs. */
export interface OpenServerOptions extends NucleusServerOptions {
  jobTiming?: JobRunnerTiming;
}

/**
 * Opens the data folder and builds the app. Its job runner claims jobs that nobody holds:
 * those left by a previous process resume (once their lease expires, if it had one).
 */
export function openServer(options: OpenServerOptions): ServerParts {
  if (options.apiKeys.length === 0) throw new Error("Nucleus server: give at least one API key in apiKeys");
  const connectivity = options.vectorIndex?.connectivity;
  if (
    connectivity !== undefined &&
    !(Number.isInteger(connectivity) && connectivity >= 2 && connectivity <= 256)
  )
    throw new Error(
      `Nucleus server: vectorIndex.connectivity must be a whole number from 2 to 256, not ${connectivity}`,
    );
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { dataDir } = options;
  if (dataDir === undefined && (options.database === undefined || options.media === undefined)) {
    throw new Error("Nucleus server: give dataDir, or both database and media");
  }
  const tenantSecret = secretOf(options, log);
  const media = options.media
    ? openMedia(options.media, options.s3)
    : new MediaStore(join(dataDir as string, "media"));
  const records = options.database
    ? deferredStore(openPostgresStore({ url: options.database, poolSize: options.databasePoolSize }, log))
    : openSqliteStore(dataDir as string, log);
  // Files in a bucket are uploaded in the background: a request's store calls wait for its uploads.
  const store = media.remote ? afterUploads(records) : records;
  const immutableCommittedRuns = options.immutableCommittedRuns ?? false;
  const vectorDir =
    options.vectorIndex?.dir ??
    (dataDir ? join(dataDir, "vectors") : mkdtempSync(join(tmpdir(), "nucleus-vectors-")));
  const graph = { dir: vectorDir, log, connectivity };
  const vectors = new VectorIndexes(store, graph);
  // Object indexes share the folder: their files are named apart.
  const objects = new ObjectIndexes(store, graph);
  const jobs = new JobRunner(store, media, {
    log,
    immutableCommittedRuns,
    handlers: {
      [NEAR_DUPLICATES_JOB_TYPE]: (job, report) => runNearDuplicatesJob(store, media, vectors, job, report),
      [AUTOTAG_JOB_TYPE]: (job, report) => runAutotagJob(store, job, report),
      [CUSTOM_INDEX_JOB_TYPE]: (job, report) => runCustomIndexJob(store, vectors, job, report),
      [UNIQUENESS_JOB_TYPE]: (job, report) => runUniquenessJob(store, vectors, job, report),
      [REPRESENTATIVENESS_JOB_TYPE]: (job, report) => runRepresentativenessJob(store, job, report),
      [EMBEDDING_MAP_JOB_TYPE]: (job, report) => runEmbeddingMapJob(store, job, report),
    },
    ...(timingOf(options) ? { timing: timingOf(options) } : {}),
  });
  const evaluations = new EvaluationService(store, jobs);
  const loginLinks = new LoginLinks(store.browserTokens);
  const app = buildApp({
    services: {
      store,
      media,
      jobs,
      evaluations,
      vectors,
      objects,
      exactSearchBelow: options.vectorIndex?.exactBelow ?? 5_000,
      loginLinks,
      thumbnails: new ThumbnailService(
        media,
        dataDir ? join(dataDir, "thumbnails") : mkdtempSync(join(tmpdir(), "nucleus-thumbnails-")),
      ),
      immutableCommittedRuns,
      basePath: basePathOf(options),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    },
    apiKeys: options.apiKeys,
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024 * 1024,
    logRequests: options.logRequests ?? false,
    log,
    ...(tenantSecret ? { tenantSecret } : {}),
  });
  if (media.remote) {
    // Each request keeps its background uploads apart, and answers once they finished.
    const answer = app.fetch;
    app.fetch = (request, ...rest) => trackUploads(async () => answer(request, ...rest));
  }
  jobs.startPolling();
  return {
    app,
    store,
    jobs,
    media,
    ready: async () => {
      await (records as Partial<ReturnType<typeof deferredStore>>).ready?.();
    },
    idle: () => jobs.idle(),
    async close() {
      await jobs.stop();
      await vectors.close();
      await objects.close();
      await loginLinks.settled();
      await store.close();
      await media.close();
    },
    createLoginToken(apiKey = options.apiKeys[0] as string) {
      if (!options.apiKeys.includes(apiKey))
        throw new Error("createLoginToken: that key is not one of the server's apiKeys");
      return loginLinks.issue(tenantOf(apiKey, tenantSecret));
    },
  };
}

/**
 * The shared secret of the options; servers on a database must be given one. A server on a data
 * folder keeps its own there (`tenant-secret`, made on first start).
 */
function secretOf(options: NucleusServerOptions, log: (line: string) => void): Buffer | undefined {
  if (options.secret === undefined) {
    if (options.database === undefined) {
      return options.dataDir === undefined ? undefined : readTenantSecret(options.dataDir, log);
    }
    throw new Error(
      "Nucleus server: servers on a database need a shared secret (secret, or NUCLEUS_SECRET): 64 hex digits, from `openssl rand -hex 32`",
    );
  }
  if (!/^[0-9a-fA-F]{64}$/.test(options.secret)) {
    throw new Error("Nucleus server: the secret must be 64 hex digits (`openssl rand -hex 32`)");
  }
  return Buffer.from(options.secret, "hex");
}

/** The job timing of the options: the internal one, else one made from `jobLeaseSeconds`. */
function timingOf(options: OpenServerOptions): JobRunnerTiming | undefined {
  if (options.jobTiming) return options.jobTiming;
  if (options.jobLeaseSeconds === undefined) return undefined;
  const leaseMs = Math.max(1, options.jobLeaseSeconds) * 1000;
  return { leaseMs, pollMs: Math.min(2_000, Math.ceil(leaseMs / 3)) };
}

/** Starts listening with an opened server; port 0 picks a free one. */
export async function listen<T extends NucleusServer>(
  server: T,
  options: { port?: number; host?: string; basePath?: string },
): Promise<T & RunningNucleusServer> {
  const host = options.host ?? "127.0.0.1";
  const wanted = options.port ?? 8080;
  // A server on a database listens once the database is open and migrated.
  const { ready } = server as Partial<Pick<ServerParts, "ready">>;
  if (ready) {
    try {
      await ready();
    } catch (error) {
      await server.close().catch(() => {});
      throw error;
    }
  }
  let started: { httpServer: ReturnType<typeof serve>; port: number };
  try {
    started = await new Promise((resolve, reject) => {
      const httpServer = serve({ fetch: server.app.fetch, port: wanted, hostname: host }, (info) =>
        resolve({ httpServer, port: info.port }),
      );
      httpServer.once("error", reject);
    });
  } catch (error) {
    // The database is open already: close it, or the process would keep it (and run) for nothing.
    await server.close();
    throw listenError(error, host, wanted);
  }
  const { httpServer, port } = started;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    ...server,
    url: `http://${shownHost}:${port}${basePathOf(options)}`,
    port,
    createLoginUrl: (apiKey?: string) =>
      `http://${shownHost}:${port}/login?token=${server.createLoginToken(apiKey)}`,
    async close() {
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await server.close();
    },
  };
}

/**
 * The server could not listen: the port is taken (`code` `EADDRINUSE`), not allowed
 * (`EACCES`), or the host is not an address of this machine (`EADDRNOTAVAIL`).
 *
 * @example
 * ```ts
 * import { createServer, ListenError } from "@nucleus/server";
 *
 * try {
 *   await createServer({ dataDir: "./nucleus-data", apiKeys: ["my-key"], port: 8080 });
 * } catch (error) {
 *   if (error instanceof ListenError && error.code === "EADDRINUSE") console.error(`${error.port} is taken`);
 * }
 * ```
 */
export class ListenError extends Error {
  constructor(
    message: string,
    /** The system's error code, such as `EADDRINUSE`. */
    readonly code: string,
    /** The host it tried. */
    readonly host: string,
    /** The port it tried. */
    readonly port: number,
  ) {
    super(message);
    this.name = "ListenError";
  }
}

function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error as Error;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const message =
    code === "EADDRINUSE"
      ? `${where} is already in use by another program`
      : code === "EACCES"
        ? `not allowed to listen on ${where}`
        : code === "EADDRNOTAVAIL"
          ? `${host} is not an address of this machine`
          : `cannot listen on ${where} (${code})`;
  return new ListenError(message, code, host, port);
}

function basePathOf(options: { basePath?: string }): string {
  return (options.basePath ?? "/v1/nucleus").replace(/\/$/, "");
}

/**
 * Creates a Nucleus server on a data folder, without listening: answer requests with
 * `app.fetch` or `app.request`. Background jobs are leased, so several servers can share a data
 * folder; jobs a stopped process left unfinished are picked up again.
 *
 * @example
 * ```ts
 * import { createNucleusApp } from "@nucleus/server";
 *
 * const server = createNucleusApp({ dataDir: "./nucleus-data", apiKeys: ["my-key"] });
 * const response = await server.app.request("/v1/nucleus/dataset/details", {
 *   headers: { authorization: `Basic ${btoa("my-key:")}` },
 * });
 * ```
 */
export function createNucleusApp(options: NucleusServerOptions): NucleusServer {
  const { app, idle, close, createLoginToken } = openServer(options);
  return { app, idle, close, createLoginToken };
}

/**
 * Starts a Nucleus server on a port (default 8080; 0 picks a free one) of a host (default
 * `127.0.0.1`), over a data folder.
 *
 * @example
 * ```ts
 * import { createServer } from "@nucleus/server";
 *
 * const server = await createServer({ dataDir: "./nucleus-data", apiKeys: ["my-key"], port: 0 });
 * console.log(server.url); // http://127.0.0.1:54321/v1/nucleus
 * await server.close();
 * ```
 */
export async function createServer(
  options: NucleusServerOptions & { port?: number; host?: string },
): Promise<RunningNucleusServer> {
  const { app, idle, close, createLoginToken, ready } = openServer(options);
  return listen({ app, idle, close, createLoginToken, ready }, options);
}

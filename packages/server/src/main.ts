#!/usr/bin/env node
/**
 * `nucleus-server`: runs the local Nucleus server until SIGINT or SIGTERM. `--help` lists the
 * options. Prints one JSON line when listening: `{"url", "port", "loginUrl"}` (the web app's
 * one-time login link), plus `apiKey` when the key came from the data folder. Logs one line per
 * request on standard error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { storedApiKey } from "./keys.js";
import type { ListenError } from "./server.js";

const USAGE = `nucleus-server: the local Nucleus server

Usage: nucleus-server [options]

Options:
  --data DIR          data folder: database, media and the stored key (default ./nucleus-data;
                      not needed with both --database and --media)
  --database URL      keep records in PostgreSQL instead of the data folder's SQLite
                      (postgres://user:password@host:5432/db, ?schema=NAME for a schema; default
                      NUCLEUS_DATABASE_URL). Several servers may share one database; they
                      share the secret in NUCLEUS_SECRET too (64 hex digits: openssl rand -hex 32).
  --media WHERE       where uploaded files go: s3://bucket/prefix or a folder (default NUCLEUS_MEDIA,
                      else media/ in the data folder)
  --s3-endpoint URL   the S3-compatible service (MinIO, R2, Ceph, ...; default AWS_ENDPOINT_URL_S3,
                      else AWS). Keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
  --s3-region NAME    the bucket's region (default AWS_REGION, else us-east-1)
  --s3-path-style     address the bucket as ENDPOINT/BUCKET (default on when an endpoint is given)
  --s3-virtual-hosts  address the bucket as BUCKET.ENDPOINT
  --job-lease-seconds N
                      a job whose server died is taken over this long after its last renewal
                      (default 30)
  --port N            port (default 8080; 0 picks a free one)
  --host HOST         address to listen on (default 127.0.0.1)
  --api-key KEY       accept this key (repeat for several; default NUCLEUS_API_KEY, else the key
                      stored in the data folder, made on first start)
  --immutable-runs    refuse predictions for a run once it is committed
  --quiet             do not log requests
  --help              show this help
  --version           print the version

Prints {"url", "port", "loginUrl"} as one JSON line when listening (and "apiKey" when the key came
from the data folder). The web app is at the server's origin; loginUrl opens it signed in, once.
Stops cleanly on Ctrl-C or SIGTERM.
`;

/** A titled failure on standard error, with a hint; exit code 1. */
function fail(title: string, message: string, hint?: string): never {
  process.stderr.write(`Error: ${title}\n${message}\n${hint ? `Hint: ${hint}\n` : ""}`);
  process.exit(1);
}

function options() {
  try {
    return parseArgs({
      options: {
        data: { type: "string" },
        database: { type: "string" },
        media: { type: "string" },
        "s3-endpoint": { type: "string" },
        "s3-region": { type: "string" },
        "s3-path-style": { type: "boolean" },
        "s3-virtual-hosts": { type: "boolean" },
        "job-lease-seconds": { type: "string" },
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        "api-key": { type: "string", multiple: true },
        quiet: { type: "boolean", default: false },
        "immutable-runs": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
        version: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(
      `Usage error: ${(error as Error).message}\nRun \`nucleus-server --help\` for the options.\n`,
    );
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const values = options();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.version) {
    // dist/main.js sits one folder below the package's package.json, in the repository and when installed.
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    process.stdout.write(`${manifest.version}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      `Usage error: --port must be a whole number from 0 to 65535, got "${values.port}"\n`,
    );
    process.exit(2);
  }
  const database = values.database ?? (process.env.NUCLEUS_DATABASE_URL || undefined);
  const media = values.media ?? (process.env.NUCLEUS_MEDIA || undefined);
  // With records and files elsewhere, nothing needs a data folder unless one is named.
  const data = values.data ?? (database && media ? undefined : "./nucleus-data");
  const lease = values["job-lease-seconds"] === undefined ? undefined : Number(values["job-lease-seconds"]);
  if (lease !== undefined && !(Number.isFinite(lease) && lease > 0)) {
    process.stderr.write(
      `Usage error: --job-lease-seconds must be a positive number, got "${values["job-lease-seconds"]}"\n`,
    );
    process.exit(2);
  }
  const given = values["api-key"]?.length
    ? values["api-key"]
    : process.env.NUCLEUS_API_KEY
      ? [process.env.NUCLEUS_API_KEY]
      : [];
  if (given.length === 0 && (database || data === undefined)) {
    fail(
      "Cannot start the server",
      "A server on a shared database needs its API keys given: each server would otherwise make its own",
      "Pass the same --api-key (or NUCLEUS_API_KEY) to every server",
    );
  }
  const stored = given.length === 0 && data !== undefined ? storedApiKey(data) : undefined;
  const pathStyle = values["s3-virtual-hosts"] ? false : values["s3-path-style"] ? true : undefined;
  // The server's code loads only now, so --help, --version and usage errors answer at once.
  const { createServer } = await import("./server.js");
  const server = await createServer({
    ...(data === undefined ? {} : { dataDir: data }),
    ...(database ? { database } : {}),
    // The shared secret is for servers on a database; a data folder keeps its own, so that a
    // NUCLEUS_SECRET left in the environment never hides a folder's data from its keys.
    ...(database && process.env.NUCLEUS_SECRET ? { secret: process.env.NUCLEUS_SECRET } : {}),
    ...(media ? { media } : {}),
    s3: {
      endpoint: values["s3-endpoint"],
      region: values["s3-region"],
      forcePathStyle: pathStyle,
    },
    ...(lease === undefined ? {} : { jobLeaseSeconds: lease }),
    port,
    host: values.host,
    apiKeys: stored ? [stored.key] : given,
    logRequests: !values.quiet,
    immutableCommittedRuns: values["immutable-runs"],
  });
  const loginUrl = server.createLoginUrl();
  process.stdout.write(
    `${JSON.stringify({ url: server.url, port: server.port, loginUrl, ...(stored ? { apiKey: stored.key } : {}) })}\n`,
  );
  if (!values.quiet) process.stderr.write(`Web app: open ${loginUrl} (the link works once)\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  if ((error as Error)?.name === "ListenError") {
    const listen = error as ListenError;
    fail(
      "Cannot start the server",
      listen.message,
      listen.code === "EADDRINUSE"
        ? `Pick another port with --port N (0 picks a free one)`
        : "Check --host and --port",
    );
  }
  fail("Cannot start the server", (error as Error).message);
});

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
import { createServer, ListenError } from "./server.js";

const USAGE = `nucleus-server: the local Nucleus server

Usage: nucleus-server [options]

Options:
  --data DIR          data folder: database, media and the stored key (default ./nucleus-data)
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
        data: { type: "string", default: "./nucleus-data" },
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
  const given = values["api-key"]?.length
    ? values["api-key"]
    : process.env.NUCLEUS_API_KEY
      ? [process.env.NUCLEUS_API_KEY]
      : [];
  const stored = given.length === 0 ? storedApiKey(values.data) : undefined;
  const server = await createServer({
    dataDir: values.data,
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
  if (error instanceof ListenError) {
    fail(
      "Cannot start the server",
      error.message,
      error.code === "EADDRINUSE"
        ? `Pick another port with --port N (0 picks a free one)`
        : "Check --host and --port",
    );
  }
  fail("Cannot start the server", (error as Error).message);
});

#!/usr/bin/env node
/**
 * `nucleus-server`: runs the local Nucleus server until SIGINT or SIGTERM.
 *
 *   nucleus-server [--data DIR] [--port N] [--host H] [--api-key KEY]... [--immutable-runs] [--quiet]
 *
 * Without `--api-key` (or `NUCLEUS_API_KEY`), the key stored in the data folder is used, made on
 * first start. Prints one JSON line when listening: `{"url", "port"}`, plus `apiKey` when the key
 * came from the data folder. Logs one line per request on standard error.
 */
import { parseArgs } from "node:util";
import { storedApiKey } from "./keys.js";
import { createServer } from "./server.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: "./nucleus-data" },
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      "api-key": { type: "string", multiple: true },
      quiet: { type: "boolean", default: false },
      "immutable-runs": { type: "boolean", default: false },
    },
  });
  const given = values["api-key"]?.length
    ? values["api-key"]
    : process.env.NUCLEUS_API_KEY
      ? [process.env.NUCLEUS_API_KEY]
      : [];
  const stored = given.length === 0 ? storedApiKey(values.data) : undefined;
  const server = await createServer({
    dataDir: values.data,
    port: Number(values.port),
    host: values.host,
    apiKeys: stored ? [stored.key] : given,
    logRequests: !values.quiet,
    immutableCommittedRuns: values["immutable-runs"],
  });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, port: server.port, ...(stored ? { apiKey: stored.key } : {}) })}\n`,
  );
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
  process.stderr.write(`nucleus-server: ${(error as Error).message}\n`);
  process.exit(1);
});

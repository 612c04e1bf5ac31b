#!/usr/bin/env node
/**
 * `nucleus-server`: runs the local Nucleus server until interrupted.
 *
 *   nucleus-server [--data DIR] [--port N] [--host H] [--api-key KEY]...
 *
 * Prints one JSON line `{"url": ..., "port": ...}` when it is listening.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startNucleusServer } from "./server.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: ".nucleus" },
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      "api-key": { type: "string", multiple: true },
    },
  });
  const apiKeys = values["api-key"]?.length
    ? values["api-key"]
    : [process.env.NUCLEUS_API_KEY ?? randomBytes(16).toString("hex")];
  const server = await startNucleusServer({
    dataDir: values.data,
    port: Number(values.port),
    host: values.host,
    apiKeys,
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
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

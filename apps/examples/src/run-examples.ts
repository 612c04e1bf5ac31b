/**
 * Runs every example (or those named on the command line) against `NUCLEUS_ENDPOINT` with
 * `NUCLEUS_API_KEY`, or, when no endpoint is set, against a local server it starts on a free port.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { createServer } from "@nucleus/server";
import { EXAMPLES } from "./examples/index.js";

async function main(): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), "nucleus-examples-"));
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  if (!process.env.NUCLEUS_ENDPOINT) {
    process.env.NUCLEUS_API_KEY ??= "examples-key";
    server = await createServer({
      dataDir: join(scratch, "server"),
      apiKeys: [process.env.NUCLEUS_API_KEY],
      port: 0,
    });
    process.env.NUCLEUS_ENDPOINT = server.url;
    console.log(`local server at ${server.url}`);
  }
  const client = new NucleusClient();
  const wanted = process.argv.slice(2);
  let failed = 0;
  for (const example of EXAMPLES.filter((e) => wanted.length === 0 || wanted.includes(e.name))) {
    try {
      await example.run({ client, workdir: join(scratch, "work"), log: (line) => console.log(`  ${line}`) });
      console.log(`ok   ${example.name}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${example.name}: ${(error as Error).message}`);
    }
  }
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

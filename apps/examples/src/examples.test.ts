import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, it } from "vitest";
import { EXAMPLES } from "./examples/index.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-examples-test-"));
let server: RunningNucleusServer;
let client: NucleusClient;

beforeAll(async () => {
  server = await createServer({ dataDir: join(scratch, "server"), apiKeys: ["examples-key"], port: 0 });
  process.env.NUCLEUS_API_KEY = "examples-key";
  process.env.NUCLEUS_ENDPOINT = server.url;
  client = new NucleusClient();
});
afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("examples against the local server", () => {
  it.each(EXAMPLES.map((example) => [example.name, example] as const))(
    "%s",
    { timeout: 30_000 },
    async (_name, example) => {
      await example.run({ client, workdir: join(scratch, "work"), log: () => {} });
    },
  );
});

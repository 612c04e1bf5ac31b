import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";

/** The key of every test server. */
export const KEY = "e2e-key";

/** A real server on loopback with a temporary data folder, and a direct client to check it. */
export async function startServer(): Promise<{
  server: RunningNucleusServer;
  client: NucleusClient;
  dir: string;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "nucleus-e2e-"));
  const server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  return {
    server,
    dir,
    client: new NucleusClient({ apiKey: KEY, endpoint: server.url }),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every reference id and box count of a dataset, read through the API. */
export async function contents(
  client: NucleusClient,
  datasetId: string,
  pageSize = 5_000,
): Promise<{ refs: string[]; boxes: number; boxIds: Set<string> }> {
  const refs: string[] = [];
  let boxes = 0;
  const boxIds = new Set<string>();
  for await (const row of client.getDataset(datasetId).export({ pageSize })) {
    refs.push(row.item.referenceId as string);
    boxes += row.box.length;
    for (const box of row.box) boxIds.add(`${row.item.referenceId}/${box.annotationId}`);
  }
  return { refs, boxes, boxIds };
}

/** Streaming a 1M-annotation NDJSON file through the uploader keeps its process under 300 MB. */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contents, KEY, startServer } from "./support.js";

const child = fileURLToPath(new URL("./fixtures/upload-child.mjs", import.meta.url));
const ITEMS = 1_000;
const PER_ITEM = 1_000;

let env: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  env = await startServer();
});
afterAll(async () => {
  await env.stop();
});

async function writeNdjson(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < ITEMS; i += 1) {
    let block = "";
    for (let k = 0; k < PER_ITEM; k += 1) {
      block += `${JSON.stringify({ type: "box", label: k % 2 ? "car" : "person", reference_id: `img_${i}`, annotation_id: `a${k}`, geometry: { x: k % 600, y: k % 400, width: 20, height: 30 }, metadata: {} })}\n`;
    }
    if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

describe("memory", () => {
  it("uploads 1,000,000 annotations from NDJSON in under 300 MB of RSS", { timeout: 600_000 }, async () => {
    const dataset = await env.client.createDataset("memory");
    await dataset.append(
      Array.from({ length: ITEMS }, (_, i) => ({
        imageUrl: `s3://bucket/${i}.jpg`,
        referenceId: `img_${i}`,
      })),
      { batchSize: 1_000 },
    );
    const file = join(env.dir, "annotations.ndjson");
    await writeNdjson(file);
    const output = await new Promise<string>((resolve, reject) => {
      const run = spawn(process.execPath, [child, "annotate-ndjson", env.server.url, KEY, dataset.id, file], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      run.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      run.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`exited ${code}`))));
    });
    const { report, maxRssMb } = JSON.parse(output) as {
      report: { processed: number; failed: number; total: number };
      maxRssMb: number;
    };
    expect(report).toMatchObject({ total: ITEMS * PER_ITEM, processed: ITEMS * PER_ITEM, failed: 0 });
    expect(maxRssMb).toBeLessThan(300);
    expect((await contents(env.client, dataset.id, 50)).boxes).toBe(ITEMS * PER_ITEM);
  });
});

/**
 * Evaluations V2 through @nucleus/core against the real local server (on SQLite and on
 * PostgreSQL): create, wait, list, read
 * charts and examples, delete. The wire carries the "(none)" label for the empty side of a
 * confusion-matrix cell; the client hands it back as `null`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Evaluation, type ModelRun, NotFoundError, NucleusClient } from "@nucleus/core";
import { NO_OBJECT_LABEL } from "@nucleus/schemas";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-eval-"));
let server: RunningNucleusServer;
let client: NucleusClient;
let run: ModelRun;
let evaluation: Evaluation;
const wireCharts: unknown[] = [];

const box = (referenceId: string, label: string, x: number) => ({
  type: "box" as const,
  label,
  referenceId,
  geometry: { x, y: 0, width: 10, height: 10 },
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(serverBackends())("on $name", (backend) => {
  beforeAll(async () => {
    wireCharts.length = 0;
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["eval-key"],
      port: 0,
      ...backend.options(),
    });
    // Keeps each charts body as it came over the wire, to check the sentinel is really there.
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      if (request.url.includes("/charts")) wireCharts.push(await response.clone().json());
      return response;
    };
    client = new NucleusClient({ apiKey: "eval-key", endpoint: server.url, fetch: recording });
    const dataset = await client.createDataset("evaluated");
    await dataset.append([
      { imageUrl: "s3://bucket/a.jpg", referenceId: "a" },
      { imageUrl: "s3://bucket/b.jpg", referenceId: "b" },
    ]);
    await dataset.annotate([box("a", "car", 0), box("b", "car", 0)]);
    const model = await client.addModel({ name: "detector", referenceId: "detector" });
    run = await model.createRun({
      name: "v1",
      dataset,
      predictions: [
        { ...box("a", "car", 0), confidence: 0.9 },
        // Nothing is there: a spurious truck. The car on b is missed.
        { ...box("a", "truck", 200), confidence: 0.4 },
      ],
    });
    evaluation = await run.createEvaluation({ name: "first" });
    await evaluation.waitUntilDone({ pollInterval: 10 });
  }, 30_000);
  afterAll(async () => {
    await server.close();
  });

  describe("Evaluations V2 through the client", () => {
    it("reads the confusion matrix with null for missed and spurious objects", async () => {
      const charts = await evaluation.charts({ iouThreshold: 0.5 });
      expect(charts.confusionMatrix).toEqual(
        expect.arrayContaining([
          { gtLabel: "car", predLabel: "car", count: 1 },
          { gtLabel: null, predLabel: "truck", count: 1 },
          { gtLabel: "car", predLabel: null, count: 1 },
        ]),
      );
      expect(charts.confusionMatrix).toHaveLength(3);
      expect(charts.totalCounts).toEqual({ tp: 1, fp: 1, fn: 1, predsWithConfidence: 2 });
      const onTheWire = wireCharts.at(-1) as { confusionMatrix: { gtLabel: unknown; predLabel: unknown }[] };
      expect(onTheWire.confusionMatrix.flatMap((c) => [c.gtLabel, c.predLabel])).toContain(NO_OBJECT_LABEL);
      expect(onTheWire.confusionMatrix.flatMap((c) => [c.gtLabel, c.predLabel])).not.toContain(null);
    });

    it("pages through the examples behind the counts", async () => {
      const missed = await evaluation.examples({ matchType: "FN" });
      expect(missed.total).toBe(1);
      expect(missed.rows[0]).toMatchObject({ matchType: "FN", gtRawLabel: "car", predRawLabel: null });
      const all = await evaluation.examples({ sortBy: "confidence", sortOrder: "asc", limit: 2 });
      expect(all.total).toBe(3);
      expect(all.rows.map((r) => r.matchType)).toEqual(["FN", "FP"]);
    });

    it("lists, reads and deletes evaluations", async () => {
      const listed = await run.evaluations();
      expect(listed.map((e) => e.data?.name)).toContain("first");
      const read = await client.getEvaluation(evaluation.id);
      expect(read.data).toMatchObject({ id: evaluation.id, modelRunId: run.id, status: "succeeded" });
      await evaluation.delete();
      await expect(client.getEvaluation(evaluation.id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});

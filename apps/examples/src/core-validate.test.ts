/**
 * Validate through @nucleus/core against the real local server, on SQLite and on PostgreSQL:
 * scenario tests with boxes, cuboids and categories scored by the server (values worked out by
 * hand below), thresholds and comparisons, the evaluation job, history and per-item results,
 * external functions with uploaded results, a baseline model, and refusals naming the field.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BadRequestError,
  box,
  category,
  cuboid,
  type Model,
  NucleusClient,
  NucleusError,
} from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-validate-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const car = (referenceId: string, x: number, extra: { confidence?: number; annotationId?: string } = {}) =>
  box({ referenceId, label: "car", x, y: 0, width: 10, height: 10, ...extra });
const truck = (referenceId: string, confidence?: number) =>
  cuboid({
    referenceId,
    label: "truck",
    position: [0, 0, 0],
    dimensions: [4, 2, 2],
    yaw: 0,
    ...(confidence === undefined ? {} : { confidence }),
  });

describe.each(serverBackends())("Validate through @nucleus/core on $name", (backend) => {
  let server: RunningNucleusServer;
  let client: NucleusClient;
  let model: Model;
  let sliceId: string;

  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: ["ci-key"],
      port: 0,
      ...backend.options(),
    });
    client = new NucleusClient({ apiKey: "ci-key", endpoint: server.url });
    const dataset = await client.createDataset("validated");
    await dataset.append(
      ["i0", "i1", "i2", "i3"].map((ref) => ({ referenceId: ref, imageUrl: `s3://b/${ref}.jpg` })),
    );
    const time = ["day", "day", "night", "night"];
    await dataset.annotate([
      car("i0", 0, { annotationId: "c" }),
      car("i1", 0, { annotationId: "c" }),
      car("i3", 0, { annotationId: "c" }),
      { ...truck("i0"), annotationId: "t" },
      ...time.map((label, i) => category({ referenceId: `i${i}`, label })),
    ]);
    model = await client.addModel({ name: "multi", referenceId: "multi" });
    await model.createRun({
      name: "v1",
      dataset,
      predictions: [
        car("i0", 0, { confidence: 0.9 }),
        car("i1", 20, { confidence: 0.8 }),
        truck("i0", 0.7),
        ...["day", "night", "night", "night"].map((label, i) =>
          category({ referenceId: `i${i}`, label, confidence: 1 }),
        ),
      ],
    });
    sliceId = (await dataset.createSlice("all", ["i0", "i1", "i2", "i3"])).id;
  });
  afterAll(async () => {
    await server.close();
  });

  it("scores boxes, cuboids and categories, judges thresholds, keeps history and item results", async () => {
    const test = await client.validate.createScenarioTest({
      name: "everything",
      slice: sliceId,
      functions: [
        "bbox_map",
        "cat_f1",
        "cuboid_iou_3d",
        { name: "bbox_iou", arguments: { iou_threshold: 0.1 } },
      ],
    });
    expect(test.id).toMatch(/^ut_/);
    expect((await client.validate.listScenarioTests()).map((t) => t.name)).toEqual(["everything"]);
    expect((await client.validate.getScenarioTest(test.id)).sliceId).toBe(sliceId);
    expect((await test.items()).map((item) => item.referenceId)).toEqual(["i0", "i1", "i2", "i3"]);
    await test.setThreshold("bbox_map", 0.5);
    await test.setThreshold("cat_f1", 0.7, "greater_than");
    await test.setThreshold("cuboid_iou_3d", 0.5, "less_than");
    const functions = await test.functions();
    expect(functions.map((f) => [f.threshold, f.thresholdComparison])).toEqual([
      [0.5, "greater_than_equal_to"],
      [0.7, "greater_than"],
      [0.5, "less_than"],
      [null, "greater_than_equal_to"],
    ]);
    expect(functions[3]?.evalFuncArguments).toEqual({ iou_threshold: 0.1 });

    const job = await client.validate.evaluate(model.id, ["everything"]);
    expect((await job.waitUntilDone({ pollInterval: 50 })).status).toBe("Completed");
    const history = await test.history();
    const byFunction = new Map(
      history.map((e) => [functions.find((f) => f.evalFunctionId === e.evalFunctionId)?.evalFunctionId, e]),
    );
    const [map, f1, cuboidIou, iou] = functions.map((f) => byFunction.get(f.evalFunctionId));
    // mAP per item: i0 1 (the car found), i1 0 (the car missed), i3 0 (no prediction); i2 has no boxes.
    expect(map?.result).toBeCloseTo(1 / 3, 12);
    expect(map?.pass).toBe(false);
    // Pairs day/day, day/night, night/night, night/night: F1 of day 2/3, of night 0.8; macro 11/15.
    expect(f1?.result).toBeCloseTo(11 / 15, 12);
    expect(f1?.pass).toBe(true);
    // The one truck found exactly: IoU 1, which is not < 0.5.
    expect(cuboidIou?.result).toBeCloseTo(1, 12);
    expect(cuboidIou?.pass).toBe(false);
    // IoU at threshold 0.1: i0 1 (weight 1), i1 0 (weight 1), i3 0 (weight 1).
    expect(iou?.result).toBeCloseTo(1 / 3, 12);
    expect(iou?.pass).toBe(true);

    const items = await test.itemResults(map?.id as string);
    expect(items.map((i) => [i.referenceId, i.result, i.pass])).toEqual([
      ["i0", 1, true],
      ["i1", 0, false],
      ["i2", null, true],
      ["i3", 0, false],
    ]);
    expect(await test.setBaselineModel(model.id)).toBe(model.id);
    expect((await client.validate.getScenarioTest(test.id)).baselineModelId).toBe(model.id);

    const run = await client.validate.run(model.id, { testNames: ["everything"] });
    expect(run.passed).toBe(false);
    expect(run.outcomes.map((o) => [o.function, o.passed])).toEqual([
      ["bbox_map", false],
      ["cat_f1", true],
      ["cuboid_iou_3d", false],
      ["bbox_iou", true],
    ]);
    // bbox_iou has no threshold: the baseline's latest result stands in for it.
    expect(run.outcomes[3]?.threshold).toBeCloseTo(1 / 3, 12);
    expect(await test.history()).toHaveLength(8);
  });

  it("takes an external function's uploaded results and judges them", async () => {
    const fn = await client.validate.createExternalFunction("smoothness");
    expect(fn).toMatchObject({ name: "smoothness", isExternalFunction: true });
    const test = await client.validate.createScenarioTest({
      name: "smooth",
      slice: sliceId,
      functions: ["smoothness"],
    });
    await test.setThreshold("smoothness", 0.6);
    const uploaded = await test.uploadResults(
      "smoothness",
      [
        { referenceId: "i0", score: 1 },
        { referenceId: "i1", score: 0.2, weight: 0.5 },
      ],
      model.id,
    );
    expect(uploaded.result).toBeCloseTo(1.1 / 1.5, 12);
    expect(uploaded.pass).toBe(true);
    const run = await client.validate.run(model.id, { testNames: ["smooth"] });
    expect(run.outcomes).toEqual([
      expect.objectContaining({ function: "smoothness", passed: true, threshold: 0.6 }),
    ]);
    expect(await client.validate.deleteScenarioTest(test.id)).toBe(true);
    expect((await client.validate.listScenarioTests()).map((t) => t.name)).toEqual(["everything"]);
  });

  it("refuses bad input naming the field", async () => {
    await expect(
      client.validate.createScenarioTest({ name: "x", slice: sliceId, functions: ["no_such_function"] }),
    ).rejects.toBeInstanceOf(NucleusError);
    const refused = client.validate.createScenarioTest({
      name: "x",
      slice: sliceId,
      functions: [{ name: "bbox_recall", arguments: { confidence_threshold: -1 } }],
    });
    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(refused).rejects.toThrow(
      /evaluation_functions\[0\]\.eval_func_arguments\.confidence_threshold/,
    );
    await expect(client.validate.evaluate(model.id, ["nope"])).rejects.toThrow(/test_names\[0\]/);
    expect((await client.validate.listScenarioTests()).map((t) => t.name)).toEqual(["everything"]);
  });
});

import assert from "node:assert/strict";
import { box, type NucleusClient } from "@nucleus/core";
import { type Example, uniqueName } from "./support.js";

/** Sixteen frames: eight at night, each with a car and a pedestrian; eight by day with a car. */
const FRAMES = Array.from({ length: 16 }, (_, i) => ({
  referenceId: `frame_${i}`,
  night: i < 8,
}));

const car = (referenceId: string, extra: { confidence?: number; x?: number } = {}) =>
  box({ referenceId, label: "car", x: extra.x ?? 40, y: 200, width: 120, height: 80, ...extra });
const pedestrian = (referenceId: string, confidence?: number) =>
  box({
    referenceId,
    label: "pedestrian",
    x: 420,
    y: 150,
    width: 40,
    height: 110,
    ...(confidence === undefined ? {} : { confidence }),
  });

/**
 * Ground truth, and two detectors: the one in production sees pedestrians on only four of the
 * eight night frames; the candidate sees seven, and one car that is not there.
 */
async function seed(client: NucleusClient) {
  const dataset = await client.createDataset(uniqueName("model-ci"));
  await dataset.append(
    FRAMES.map((f) => ({
      referenceId: f.referenceId,
      imageUrl: `s3://bucket/streets/${f.referenceId}.jpg`,
      metadata: { time: f.night ? "night" : "day" },
    })),
  );
  await dataset.annotate(
    FRAMES.flatMap((f) => [
      car(f.referenceId),
      ...(f.night ? [{ ...pedestrian(f.referenceId), annotationId: "ped" }] : []),
    ]),
  );
  const night = await dataset.createSlice(
    "night",
    FRAMES.filter((f) => f.night).map((f) => f.referenceId),
  );
  const models = [];
  for (const [name, seen] of [
    ["detector v1", 4],
    ["detector v2", 7],
  ] as const) {
    const model = await client.addModel({ name, referenceId: uniqueName("model-ci") });
    const predictions = FRAMES.flatMap((f, i) => [
      car(f.referenceId, { confidence: 0.9 }),
      ...(f.night && i < seen ? [pedestrian(f.referenceId, 0.8)] : []),
      ...(name === "detector v2" && i === 2 ? [car(f.referenceId, { confidence: 0.4, x: 600 })] : []),
    ]);
    await model.createRun({ name: `${name} on streets`, dataset, predictions });
    models.push(model.id);
  }
  return { sliceId: night.id, productionId: models[0] as string, candidateId: models[1] as string };
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/**
 * The "Model CI with scenario tests" guide, whose code blocks are the regions marked `guide:`
 * below: a scenario test on the night slice with thresholds, runs of two models, the items a
 * model fails on, and a baseline model that new models are held to.
 */
export const modelCi: Example = {
  name: "model ci",
  async run({ client, log }) {
    const { sliceId, productionId, candidateId } = await seed(client);

    // #region guide: functions
    const functions = await client.validate.evalFunctions();
    const standard = functions.filter((fn) => !fn.isExternalFunction).map((fn) => fn.name);
    // #endregion
    assert.ok(standard.includes("bbox_recall") && standard.includes("cat_f1"));
    log(`${standard.length} standard evaluation functions, ${standard.slice(0, 4).join(", ")}, ...`);

    // Test names are unique: a test left by an earlier run of this example goes first.
    for (const old of await client.validate.listScenarioTests()) {
      if (old.name === "pedestrians at night") await client.validate.deleteScenarioTest(old.id);
    }

    // #region guide: create
    const pedestrians = [["label", "==", "pedestrian"]];
    const test = await client.validate.createScenarioTest({
      name: "pedestrians at night",
      slice: sliceId,
      functions: [
        {
          name: "bbox_recall",
          arguments: { iou_threshold: 0.5, annotation_filters: pedestrians, prediction_filters: pedestrians },
        },
        "bbox_precision",
      ],
    });
    await test.setThreshold("bbox_recall", 0.75);
    await test.setThreshold("bbox_precision", 0.9, "greater_than");
    // #endregion

    // #region guide: run
    const production = await client.validate.run(productionId, { testNames: [test.name] });
    const report = production.outcomes.map((o) => `${o.function} ${o.result} ${o.passed ? "pass" : "FAIL"}`);
    // #endregion
    assert.equal(production.passed, false);
    assert.deepEqual(
      production.outcomes.map((o) => [o.function, round(o.result), o.passed]),
      [
        ["bbox_recall", 0.5, false],
        ["bbox_precision", 1, true],
      ],
    );
    log(`v1: ${report.join(", ")}`);

    // #region guide: items
    const recall = production.outcomes.find((o) => o.function === "bbox_recall");
    const missed = (await test.itemResults(recall?.evaluation?.id as string))
      .filter((item) => !item.pass)
      .map((item) => item.referenceId);
    // #endregion
    assert.deepEqual(missed, ["frame_4", "frame_5", "frame_6", "frame_7"]);

    // #region guide: candidate
    const candidate = await client.validate.run(candidateId, { testNames: [test.name] });
    // #endregion
    assert.equal(candidate.passed, true);
    assert.deepEqual(
      candidate.outcomes.map((o) => [o.function, round(o.result), o.passed]),
      [
        ["bbox_recall", 0.875, true],
        ["bbox_precision", 0.938, true],
      ],
    );
    log("v2: recall 0.875, precision 0.938 -> passes");

    // #region guide: baseline
    await test.setBaselineModel(candidateId);
    await test.addFunction("bbox_iou");
    await client.validate.run(candidateId, { testNames: [test.name] });
    const regression = await client.validate.run(productionId, { testNames: [test.name] });
    const iou = regression.outcomes.find((o) => o.function === "bbox_iou");
    // #endregion
    assert.equal(round(iou?.threshold ?? null), 0.882);
    assert.equal(round(iou?.result ?? null), 0.75);
    assert.equal(iou?.passed, false);
    log(
      `bbox_iou of v1 ${round(iou?.result ?? null)} against the baseline's ${round(iou?.threshold ?? null)}`,
    );
  },
};

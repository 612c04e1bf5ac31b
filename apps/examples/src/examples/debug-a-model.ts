import assert from "node:assert/strict";
import { box, type EvaluationExample, type NucleusClient } from "@nucleus/core";
import { type Example, uniqueName } from "./support.js";

/**
 * Ground truth and a detector's predictions on six street images. Most predictions are right;
 * the false positives are where the guide expects them: two on street_2, one on street_3 and
 * three on street_5 (a spurious car, a duplicate car and a car called a person).
 */
const GROUND_TRUTH = [
  box({ referenceId: "street_1", label: "car", x: 40, y: 60, width: 120, height: 80 }),
  box({ referenceId: "street_1", label: "person", x: 300, y: 100, width: 40, height: 110 }),
  box({ referenceId: "street_2", label: "car", x: 100, y: 200, width: 150, height: 90 }),
  box({ referenceId: "street_3", label: "person", x: 220, y: 120, width: 50, height: 130 }),
  box({ referenceId: "street_3", label: "car", x: 400, y: 260, width: 140, height: 80 }),
  box({ referenceId: "street_4", label: "car", x: 60, y: 300, width: 160, height: 100 }),
  box({ referenceId: "street_5", label: "car", x: 80, y: 80, width: 130, height: 90 }),
  box({ referenceId: "street_5", label: "car", x: 350, y: 220, width: 120, height: 70 }),
  box({ referenceId: "street_6", label: "person", x: 500, y: 150, width: 40, height: 120 }),
];

const RIGHT = [
  { referenceId: "street_1", label: "car", x: 42, y: 58, width: 118, height: 82, confidence: 0.93 },
  { referenceId: "street_1", label: "person", x: 302, y: 104, width: 38, height: 104, confidence: 0.88 },
  { referenceId: "street_2", label: "car", x: 98, y: 205, width: 150, height: 86, confidence: 0.91 },
  { referenceId: "street_3", label: "person", x: 222, y: 118, width: 48, height: 134, confidence: 0.86 },
  { referenceId: "street_3", label: "car", x: 404, y: 262, width: 136, height: 78, confidence: 0.9 },
  { referenceId: "street_4", label: "car", x: 62, y: 296, width: 158, height: 104, confidence: 0.95 },
  { referenceId: "street_5", label: "car", x: 82, y: 82, width: 126, height: 88, confidence: 0.89 },
];

const WRONG = [
  // Sky and road: nothing is there.
  { referenceId: "street_2", label: "car", x: 420, y: 40, width: 80, height: 60, confidence: 0.74 },
  { referenceId: "street_2", label: "person", x: 20, y: 380, width: 30, height: 70, confidence: 0.52 },
  { referenceId: "street_3", label: "car", x: 10, y: 10, width: 50, height: 40, confidence: 0.35 },
  // The second car on street_5 is called a person; the first car is found twice.
  { referenceId: "street_5", label: "person", x: 352, y: 221, width: 118, height: 70, confidence: 0.66 },
  { referenceId: "street_5", label: "car", x: 86, y: 78, width: 128, height: 92, confidence: 0.61 },
  { referenceId: "street_5", label: "car", x: 540, y: 20, width: 60, height: 40, confidence: 0.45 },
];

/** A dataset with ground truth, and a committed run of a detector on it. */
async function seedRun(
  client: NucleusClient,
): Promise<{ runId: string; modelId: string; datasetId: string }> {
  const dataset = await client.createDataset(uniqueName("example-debug"));
  await dataset.append(
    ["street_1", "street_2", "street_3", "street_4", "street_5", "street_6"].map((referenceId) => ({
      imageUrl: `s3://example-bucket/${referenceId}.jpg`,
      referenceId,
      metadata: { camera: "front" },
    })),
  );
  await dataset.annotate(GROUND_TRUTH);
  const model = await client.addModel({
    name: "street detector",
    referenceId: uniqueName("street-detector"),
  });
  const run = await model.createRun({
    name: "street detector v3",
    dataset,
    predictions: [...RIGHT, ...WRONG].map((prediction) => box(prediction)),
  });
  await run.commit();
  return { runId: run.id, modelId: model.id, datasetId: dataset.id };
}

/**
 * The "Debug a model" guide, whose code blocks are the regions marked `guide:` below: evaluate a
 * run, read its charts, page through its false positives and save the items with the most of
 * them as a slice.
 */
export const debugAModel: Example = {
  name: "debug a model",
  async run({ client, log }) {
    const { runId, modelId, datasetId } = await seedRun(client);

    // #region guide: open
    const run = await client.getModelRun(runId);
    const dataset = client.getDataset(run.datasetId);
    // #endregion

    // #region guide: evaluate
    const evaluation = await run.createEvaluation({ name: "debug" });
    await evaluation.waitUntilDone({ pollInterval: 250 });
    // #endregion

    // #region guide: charts
    const charts = await evaluation.charts({ iouThreshold: 0.5 });
    const { mapAt50, mapAt5095 } = charts.mapSummary;
    const { tp, fp, fn } = charts.totalCounts;
    const weakest = charts.perClassAp.toSorted((a, b) => a.ap - b.ap)[0];
    // Predictions that overlap no object at all, and objects no prediction found.
    const onBackground = charts.confusionMatrix.filter((cell) => cell.gtLabel === null);
    const missed = charts.confusionMatrix.filter((cell) => cell.predLabel === null);
    // Objects found in the right place but given another class.
    const confused = charts.confusionMatrix.filter(
      (cell) => cell.gtLabel !== null && cell.predLabel !== null && cell.gtLabel !== cell.predLabel,
    );
    // #endregion

    assert.deepEqual({ tp, fp, fn }, { tp: 7, fp: 6, fn: 2 });
    assert.ok(mapAt50 !== null && mapAt50 !== undefined && mapAt50 > 0 && mapAt50 < 1, `mAP@50 ${mapAt50}`);
    assert.ok(mapAt5095 !== null && mapAt5095 !== undefined && mapAt5095 <= mapAt50);
    assert.equal(weakest?.classLabel, "person");
    const cells = (list: typeof charts.confusionMatrix) =>
      list.map((c) => `${c.gtLabel} -> ${c.predLabel}: ${c.count}`).sort();
    assert.deepEqual(cells(onBackground), ["null -> car: 4", "null -> person: 1"]);
    assert.deepEqual(cells(missed), ["person -> null: 1"]);
    assert.deepEqual(cells(confused), ["car -> person: 1"]);
    log(
      `evaluation ${evaluation.id}: mAP@50 ${mapAt50.toFixed(3)}, ${tp} TP, ${fp} FP, ${fn} FN; ` +
        `weakest class ${weakest?.classLabel}`,
    );

    // #region guide: false positives
    const falsePositives: EvaluationExample[] = [];
    for (;;) {
      const page = await evaluation.examples({
        matchType: "FP",
        sortBy: "confidence",
        sortOrder: "desc",
        offset: falsePositives.length,
        limit: 100,
      });
      falsePositives.push(...page.rows);
      if (page.rows.length === 0 || falsePositives.length >= page.total) break;
    }
    // #endregion

    // Every false positive is one of the wrong predictions, most confident first.
    const referenceOf = new Map<string, string>();
    for (const item of await dataset.items().toArray({ limit: 100 })) {
      referenceOf.set(item.id, item.referenceId as string);
    }
    const found = falsePositives.map((row) => ({
      referenceId: referenceOf.get(row.datasetItemId),
      label: row.predCanonicalLabel,
      confidence: row.confidence,
    }));
    const expected = WRONG.map(({ referenceId, label, confidence }) => ({ referenceId, label, confidence }));
    assert.deepEqual(
      found,
      expected.toSorted((a, b) => b.confidence - a.confidence),
    );
    assert.ok(falsePositives.every((row) => row.matchType === "FP" && row.modelPredictionId));
    log(`${falsePositives.length} false positives, the most confident a ${found[0]?.label}`);

    // #region guide: slice
    const perItem = new Map<string, number>();
    for (const row of falsePositives) {
      perItem.set(row.datasetItemId, (perItem.get(row.datasetItemId) ?? 0) + 1);
    }
    const worst = [...perItem].sort(([, a], [, b]) => b - a).slice(0, 2);
    const items = await Promise.all(worst.map(([itemId]) => dataset.loc(itemId)));
    const referenceIds = items.flatMap(({ item }) => (item.referenceId ? [item.referenceId] : []));
    const slice = await dataset.createSlice("most false positives", referenceIds);
    // #endregion

    // Three false positives on street_5 and two on street_2 (street_3 has one): the slice holds
    // exactly those two items.
    const falsePositivesOn = (referenceId: string) =>
      found.filter((f) => f.referenceId === referenceId).length;
    assert.deepEqual(
      ["street_1", "street_2", "street_3", "street_4", "street_5", "street_6"].map(falsePositivesOn),
      [0, 2, 1, 0, 3, 0],
    );
    const inSlice = (await slice.items().toArray({ limit: 100 })).map((item) => item.referenceId);
    assert.deepEqual(inSlice.toSorted(), ["street_2", "street_5"]);
    assert.deepEqual(referenceIds, ["street_5", "street_2"]);
    assert.equal((await slice.info()).name, "most false positives");
    log(`slice ${slice.id} holds ${referenceIds.join(", ")}`);

    await evaluation.delete();
    await client.deleteModel(modelId);
    await client.deleteDataset(datasetId);
  },
};

import assert from "node:assert/strict";
import { box, type NucleusClient } from "@nucleus/core";
import { type Example, uniqueName } from "./support.js";

const WEATHER = ["clear", "foggy", "rainy"] as const;

/** Twelve street images: cars everywhere, a pedestrian on every fourth; weather in turns. */
const ITEMS = Array.from({ length: 12 }, (_, i) => ({
  referenceId: `frame_${i}`,
  weather: WEATHER[i % 3] as string,
  speed: 20 + i * 5,
  cars: 2 + (i % 2),
  pedestrian: i % 4 === 0,
}));

/**
 * Ground truth and a detector that does well in clear weather and in rain, but in fog misses
 * one car per frame and sees a car in the mist above the road.
 */
function labels() {
  const groundTruth = ITEMS.flatMap((item) => [
    ...Array.from({ length: item.cars }, (_, c) =>
      box({
        referenceId: item.referenceId,
        label: "car",
        x: 40 + c * 150,
        y: 200,
        width: 120,
        height: 80,
        annotationId: `car-${c}`,
      }),
    ),
    ...(item.pedestrian
      ? [
          box({
            referenceId: item.referenceId,
            label: "pedestrian",
            x: 520,
            y: 150,
            width: 40,
            height: 110,
            annotationId: "ped",
          }),
        ]
      : []),
  ]);
  const predictions = ITEMS.flatMap((item) => {
    const foggy = item.weather === "foggy";
    const cars = Array.from({ length: foggy ? item.cars - 1 : item.cars }, (_, c) =>
      box({
        referenceId: item.referenceId,
        label: "car",
        x: 42 + c * 150,
        y: 198,
        width: 118,
        height: 84,
        confidence: 0.9 - c * 0.05,
      }),
    );
    const mist = foggy
      ? [
          box({
            referenceId: item.referenceId,
            label: "car",
            x: 300,
            y: 10,
            width: 90,
            height: 50,
            confidence: 0.55,
          }),
        ]
      : [];
    const person = item.pedestrian
      ? [
          box({
            referenceId: item.referenceId,
            label: "pedestrian",
            x: 522,
            y: 152,
            width: 38,
            height: 106,
            confidence: 0.8,
          }),
        ]
      : [];
    return [...cars, ...mist, ...person];
  });
  return { groundTruth, predictions };
}

/** A dataset with metadata and ground truth, and a committed run of the detector on it. */
async function seed(client: NucleusClient): Promise<{ datasetId: string; runId: string; modelId: string }> {
  const dataset = await client.createDataset(uniqueName("example-failure-modes"));
  await dataset.append(
    ITEMS.map((item) => ({
      imageUrl: `s3://example-bucket/${item.referenceId}.jpg`,
      referenceId: item.referenceId,
      metadata: { weather: item.weather, speed: item.speed },
    })),
  );
  const { groundTruth, predictions } = labels();
  await dataset.annotate(groundTruth);
  const model = await client.addModel({ name: "street detector", referenceId: uniqueName("failure-modes") });
  const run = await model.createRun({ name: "street detector v4", dataset, predictions });
  await run.commit();
  return { datasetId: dataset.id, runId: run.id, modelId: model.id };
}

/**
 * The "Find failure modes" guide, whose code blocks are the regions marked `guide:` below: query
 * items and objects, read facets, find false positives, make a slice from a query and compare
 * the run's AP on it.
 */
export const findFailureModes: Example = {
  name: "find failure modes",
  async run({ client, log }) {
    const { datasetId, runId, modelId } = await seed(client);
    // The evaluation of the commit runs in the background; it is done once the run's info says so.
    for (let i = 0; i < 200; i += 1) {
      const info = (await (await client.getModelRun(runId)).info()) as {
        evaluation?: { status?: string } | null;
      };
      if (info.evaluation?.status === "succeeded") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // #region guide: open
    const dataset = client.getDataset(datasetId);
    const run = await client.getModelRun(runId);
    // #endregion

    // #region guide: query
    const busyFog = await dataset
      .queryItems('metadata.weather = "foggy" AND annotations.car >= 3')
      .toArray({ limit: 1_000 });
    const fast = await dataset.countItems("metadata.speed >= 50");
    // #endregion
    assert.deepEqual(
      busyFog.map((item) => item.referenceId),
      ["frame_1", "frame_7"],
    );
    assert.equal(fast, 6);
    log(`${busyFog.length} foggy frames with 3 cars or more; ${fast} frames at 50 km/h or more`);

    // #region guide: facets
    const facets = await dataset.facets('metadata.weather = "foggy"', { metadataKeys: ["speed"], bins: 4 });
    const groundTruth = facets.annotations.map(({ label, objects }) => `${label}: ${objects}`);
    const predicted = facets.predictions[0]?.labels.map(({ label, objects }) => `${label}: ${objects}`);
    const speeds = facets.metadata[0]?.histogram;
    // #endregion
    assert.equal(facets.count, 4);
    assert.deepEqual(groundTruth, ["car: 10", "pedestrian: 1"]);
    assert.deepEqual(predicted, ["car: 10", "pedestrian: 1"]);
    assert.deepEqual(
      speeds?.counts.reduce((a, b) => a + b, 0),
      4,
    );
    log(
      `fog: ${facets.count} frames, ground truth ${groundTruth.join(", ")}, predicted ${predicted?.join(", ")}`,
    );

    // #region guide: false positives
    const background = await dataset
      .queryObjects('label = "car" AND iou < 0.1', { patchMode: "false_positive", modelRun: run })
      .toArray({ limit: 1_000 });
    const missed = await dataset
      .queryObjects('item.metadata.weather = "foggy"', { patchMode: "false_negative", modelRun: run })
      .toArray({ limit: 1_000 });
    // #endregion
    assert.deepEqual(
      background.map((row) => row.referenceId),
      ["frame_1", "frame_4", "frame_7", "frame_10"],
    );
    assert.ok(background.every((row) => row.matchType === "FP" && row.iou === 0));
    assert.equal(missed.length, 4);
    log(`${background.length} cars seen on empty road, all in fog; ${missed.length} cars missed in fog`);

    // #region guide: tag
    await dataset.tagItems({ query: 'metadata.weather = "foggy"' }, { add: ["fog"] });
    const [review] = await dataset.review(
      [{ referenceId: "frame_1", annotationId: "car-2", status: "needs_fix", comment: "half hidden by fog" }],
      { reviewer: "ana" },
    );
    // #endregion
    assert.equal(await dataset.countItems('tags CONTAINS "fog"'), 4);
    assert.equal(review?.status, "needs_fix");

    // #region guide: slice
    const foggy = await dataset.createSlice({
      name: "foggy",
      query: 'metadata.weather = "foggy"',
      dynamic: true,
    });
    const inFog = await run.evaluation({ slice: foggy });
    const overall = await run.evaluation();
    // #endregion
    assert.equal(inFog.items, 4);
    assert.equal(overall.items, 12);
    assert.ok(inFog.metrics.map50 < overall.metrics.map50, `AP50 ${inFog.metrics.map50} in fog`);
    assert.deepEqual(inFog.charts.totalCounts, { tp: 7, fp: 4, fn: 4, predsWithConfidence: 11 });
    const carInFog = inFog.metrics.perClass.find((k) => k.label === "car");
    assert.ok(carInFog && carInFog.ap50 < 0.7, `car AP50 in fog ${carInFog?.ap50}`);
    log(
      `AP50 ${(overall.metrics.map50 * 100).toFixed(1)}% overall, ${(inFog.metrics.map50 * 100).toFixed(1)}% in fog (slice ${foggy.id})`,
    );

    await client.deleteModel(modelId);
    await client.deleteDataset(datasetId);
  },
};

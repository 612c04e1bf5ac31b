import assert from "node:assert/strict";
import { type Example, uniqueName } from "./support.js";

/** Seed sections "Add a model", "Create a run with predictions", "Commit", "Run info", run reads and "Delete a run". */
export const modelRuns: Example = {
  name: "models and model runs",
  async run({ client, log }) {
    const dataset = await client.createDataset(uniqueName("example-runs"));
    await dataset.append([
      { imageUrl: "s3://example-bucket/1.jpg", referenceId: "img_1" },
      { imageUrl: "s3://example-bucket/2.jpg", referenceId: "img_2" },
    ]);
    const referenceId = uniqueName("detector");
    const model = await client.addModel({ name: "Detector", referenceId, metadata: { framework: "torch" } });
    assert.match(model.id, /^prj_/);
    assert.ok((await client.listModels()).some((m) => m.id === model.id && m.referenceId === referenceId));

    const run = await model.createRun({
      name: "detector on example",
      dataset,
      metadata: { epoch: 12 },
      predictions: [
        {
          type: "box",
          label: "car",
          referenceId: "img_1",
          annotationId: "p1",
          geometry: { x: 0, y: 0, width: 10, height: 10 },
          confidence: 0.9,
          classPdf: { car: 0.9, bus: 0.1 },
        },
        {
          type: "box",
          label: "bus",
          referenceId: "img_2",
          annotationId: "p2",
          geometry: { x: 1, y: 1, width: 4, height: 4 },
          confidence: 0.4,
        },
      ],
    });
    assert.match(run.id, /^run_/);
    assert.equal((await run.info()).status, "Started");
    await run.commit();
    const info = await run.info();
    assert.equal(info.status, "Committed");
    assert.equal(info.modelId, model.id);

    const byRef = await run.refloc("img_1");
    assert.equal(byRef.box?.[0]?.confidence, 0.9);
    assert.deepEqual(byRef.box?.[0]?.classPdf, { car: 0.9, bus: 0.1 });
    assert.deepEqual(await run.iloc(1), await run.refloc("img_2"));
    const item = await dataset.refloc("img_2");
    assert.equal((await run.loc(item.item.id)).box?.[0]?.label, "bus");
    log(`model ${model.id}: run ${run.id} with 2 predictions, committed`);

    await client.deleteModelRun(run.id);
    assert.deepEqual((await dataset.info()).modelRunIds, []);
    await client.deleteModel(model.id);
    await client.deleteDataset(dataset.id);
    log("deleted the run, the model and the dataset");
  },
};

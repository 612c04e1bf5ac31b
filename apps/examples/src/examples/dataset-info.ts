import assert from "node:assert/strict";
import { type Example, uniqueName } from "./support.js";

/** Seed section "Dataset info". */
export const datasetInfo: Example = {
  name: "dataset info",
  async run({ client, log }) {
    const name = uniqueName("example-info");
    const dataset = await client.createDataset(name);
    await dataset.append([
      { imageUrl: "s3://example-bucket/a.jpg", referenceId: "a" },
      { imageUrl: "s3://example-bucket/b.jpg", referenceId: "b" },
    ]);
    const info = await dataset.info();
    assert.equal(info.datasetId, dataset.id);
    assert.equal(info.name, name);
    assert.equal(info.length, 2);
    assert.deepEqual(info.modelRunIds, []);
    assert.deepEqual(info.sliceIds, []);
    log(
      `${info.name}: ${info.length} items, ${info.modelRunIds.length} model runs, ${info.sliceIds.length} slices`,
    );
    await client.deleteDataset(dataset.id);
  },
};

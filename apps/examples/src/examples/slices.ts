import assert from "node:assert/strict";
import { type Example, uniqueName } from "./support.js";

/** Slices: create from reference ids, append (duplicates are a no-op), list items. */
export const slices: Example = {
  name: "slices",
  async run({ client, log }) {
    const dataset = await client.createDataset(uniqueName("example-slices"));
    await dataset.append(
      ["a", "b", "c", "d"].map((ref) => ({ imageUrl: `s3://example-bucket/${ref}.jpg`, referenceId: ref })),
    );
    const slice = await dataset.createSlice("interesting", ["a", "b"]);
    assert.match(slice.id, /^slc_/);
    assert.deepEqual(await slice.append(["b", "c"]), ["c"]);
    const refs = (await slice.items().toArray({ limit: 100 })).map((item) => item.referenceId);
    assert.deepEqual(refs, ["a", "b", "c"]);
    assert.deepEqual(
      (await slice.export()).map((row) => [row.item.referenceId, row.box.length, row.segmentation]),
      [
        ["a", 0, null],
        ["b", 0, null],
        ["c", 0, null],
      ],
    );
    const info = await slice.info();
    assert.equal(info.name, "interesting");
    assert.equal(info.datasetId, dataset.id);
    assert.deepEqual(
      (await dataset.slices()).map((s) => s.id),
      [slice.id],
    );
    log(`slice ${slice.id} holds ${refs.join(", ")}`);
    await slice.delete();
    await client.deleteDataset(dataset.id);
  },
};

import assert from "node:assert/strict";
import { type Example, uniqueName } from "./support.js";

/** Seed section "Access items": by reference id, by position and by item id. */
export const itemAccess: Example = {
  name: "refloc, iloc and loc",
  async run({ client, log }) {
    const dataset = await client.createDataset(uniqueName("example-access"));
    await dataset.append([
      { imageUrl: "s3://example-bucket/one.jpg", referenceId: "one", metadata: { order: 1 } },
      {
        imageUrl: "s3://example-bucket/folder/two 2.jpg",
        referenceId: "folder/two 2",
        metadata: { order: 2 },
      },
    ]);
    const byRef = await dataset.refloc("folder/two 2");
    assert.equal(byRef.item.referenceId, "folder/two 2");
    assert.deepEqual(byRef.item.metadata, { order: 2 });
    const byIndex = await dataset.iloc(1);
    assert.equal(byIndex.item.id, byRef.item.id);
    const byId = await dataset.loc(byRef.item.id);
    assert.equal(byId.item.referenceId, "folder/two 2");
    const all = await dataset.items().toArray({ limit: 10 });
    assert.deepEqual(
      all.map((item) => item.referenceId),
      ["one", "folder/two 2"],
    );
    log(`found ${byRef.item.id} by reference id, by position 1 and by id`);
    await client.deleteDataset(dataset.id);
  },
};

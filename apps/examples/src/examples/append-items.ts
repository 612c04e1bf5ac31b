import assert from "node:assert/strict";
import { join } from "node:path";
import { type Example, localImages, uniqueName } from "./support.js";

/** Seed section "Append items": remote URLs and local files, then an update. */
export const appendItems: Example = {
  name: "append local and remote items",
  async run({ client, workdir, log }) {
    const dataset = await client.createDataset(uniqueName("example-append"));
    const remote = await dataset.append([
      {
        imageUrl: "https://example.invalid/street/1.jpg",
        referenceId: "street_1",
        metadata: { camera: "front" },
      },
      { imageUrl: "s3://example-bucket/street/2.jpg", referenceId: "street_2", metadata: { camera: "rear" } },
    ]);
    assert.deepEqual(remote, {
      datasetId: dataset.id,
      newItems: 2,
      updatedItems: 0,
      ignoredItems: 0,
      uploadErrors: 0,
    });

    const [first, second] = localImages(join(workdir, "append"), 2);
    const local = await dataset.append([
      { imageUrl: first as string, referenceId: "local_1" },
      { imageUrl: second as string, referenceId: "local_2", metadata: { source: "disk" } },
    ]);
    assert.equal(local.newItems, 2);

    const again = await dataset.append([
      { imageUrl: "https://example.invalid/street/1.jpg", referenceId: "street_1" },
    ]);
    assert.equal(again.ignoredItems, 1);
    const updated = await dataset.append(
      [
        {
          imageUrl: "https://example.invalid/street/1.jpg",
          referenceId: "street_1",
          metadata: { camera: "left" },
        },
      ],
      { update: true },
    );
    assert.equal(updated.updatedItems, 1);
    assert.equal(await dataset.size(), 4);
    log(`appended 2 remote and 2 local items to ${dataset.id}, then updated one`);
    await client.deleteDataset(dataset.id);
  },
};

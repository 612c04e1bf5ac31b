import assert from "node:assert/strict";
import { join } from "node:path";
import { Uploader } from "@nucleus/upload";
import { type Example, uniqueName } from "./support.js";

/** A large upload stopped halfway and resumed from its journal: only the rest is sent. */
export const resumableUpload: Example = {
  name: "resumable large upload",
  async run({ client, workdir, log }) {
    const dataset = await client.createDataset(uniqueName("example-resume"));
    const items = Array.from({ length: 3_000 }, (_, i) => ({
      imageUrl: `s3://example-bucket/big/${i}.jpg`,
      referenceId: `big_${i}`,
    }));
    const journal = join(workdir, `${dataset.id}.journal`);

    const stop = new AbortController();
    const first = new Uploader(client, {
      concurrency: 2,
      journal,
      signal: stop.signal,
      onProgress: ({ done }) => {
        if (done >= 1_000) stop.abort();
      },
    });
    await assert.rejects(first.append(dataset.id, items));

    const second = await new Uploader(client, { concurrency: 4, journal }).append(dataset.id, items);
    assert.ok(second.chunks.skipped >= 50, `skipped ${second.chunks.skipped} chunks`);
    assert.equal(second.chunks.skipped + second.chunks.sent, 150);
    assert.equal(second.new, 3_000);
    assert.equal(second.failed, 0);
    assert.equal(await dataset.size(), 3_000);
    log(
      `stopped after ${second.chunks.skipped} chunks, resumed with ${second.chunks.sent} more: 3,000 items, none twice`,
    );
    await client.deleteDataset(dataset.id);
  },
};

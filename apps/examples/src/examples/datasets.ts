import assert from "node:assert/strict";
import { NotFoundError } from "@nucleus/core";
import { type Example, uniqueName } from "./support.js";

/** Seed section "Create, list and delete datasets". */
export const datasets: Example = {
  name: "create, list and delete datasets",
  async run({ client, log }) {
    const name = uniqueName("example-dataset");
    const dataset = await client.createDataset(name);
    assert.match(dataset.id, /^ds_/);
    const listed = await client.listDatasets();
    assert.ok(listed.some((d) => d.id === dataset.id && d.name === name));
    log(`created ${dataset.id} (${name}); ${listed.length} datasets in all`);

    await client.deleteDataset(dataset.id);
    assert.ok(!(await client.listDatasets()).some((d) => d.id === dataset.id));
    await assert.rejects(dataset.info(), NotFoundError);
    log(`deleted ${dataset.id}`);
  },
};

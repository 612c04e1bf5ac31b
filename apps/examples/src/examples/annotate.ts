import assert from "node:assert/strict";
import { ValidationError } from "@nucleus/core";
import { type Example, uniqueName } from "./support.js";

/** Seed section "Annotate": boxes, polygons and a category of a taxonomy; then what a bad box reports. */
export const annotate: Example = {
  name: "annotate",
  async run({ client, log }) {
    const dataset = await client.createDataset(uniqueName("example-annotate"));
    await dataset.append([{ imageUrl: "s3://example-bucket/street.jpg", referenceId: "street" }]);
    // A category's taxonomy comes first: labels outside it are refused.
    await dataset.addTaxonomy("time_of_day", "category", ["daytime", "night"]);
    const result = await dataset.annotate([
      { type: "box", label: "car", referenceId: "street", geometry: { x: 10, y: 20, width: 30, height: 40 } },
      {
        type: "polygon",
        label: "road",
        referenceId: "street",
        annotationId: "road-1",
        geometry: {
          vertices: [
            { x: 0, y: 50 },
            { x: 60, y: 50 },
            { x: 60, y: 60 },
          ],
        },
      },
      { type: "category", label: "daytime", referenceId: "street", taxonomyName: "time_of_day" },
    ]);
    assert.deepEqual(result, {
      datasetId: dataset.id,
      processed: 3,
      ignored: 0,
      errors: [],
      errorDetails: [],
    });
    const { annotations } = await dataset.refloc("street");
    assert.equal(annotations.box?.[0]?.annotationId, "car-10-20-30-40-street");
    assert.equal(annotations.polygon?.length, 1);
    assert.equal(annotations.category?.[0]?.label, "daytime");

    await assert.rejects(
      dataset.annotate([
        { type: "box", label: "bus", referenceId: "street", geometry: { x: 0, y: 0, width: -2, height: 5 } },
      ]),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.issues[0]?.text ===
          'annotations[0] (reference_id "street"): geometry.width must be >= 0, got -2',
    );
    log(
      `annotated ${dataset.id}: a box, a polygon and a category; a negative width was refused before sending`,
    );
    await client.deleteDataset(dataset.id);
  },
};

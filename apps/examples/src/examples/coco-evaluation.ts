import assert from "node:assert/strict";
import { box } from "@nucleus/core";
import { type CocoAnnotation, type CocoDetection, evaluateCoco } from "@nucleus/metrics";
import { type Example, uniqueName } from "./support.js";

/** COCO data in, model run committed, and the server's evaluation equals evaluateCoco on the same boxes. */
export const cocoEvaluation: Example = {
  name: "COCO import and evaluation",
  async run({ client, log }) {
    const images = [1, 2, 3].map((id) => ({ id, file_name: `coco_${id}.jpg` }));
    const categories = [
      { id: 1, name: "car" },
      { id: 2, name: "person" },
    ];
    const annotations: CocoAnnotation[] = [
      { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 50, 30], area: 1500, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 2, bbox: [80, 20, 20, 60], area: 1200, iscrowd: 0 },
      { id: 3, image_id: 2, category_id: 1, bbox: [0, 0, 40, 40], area: 1600, iscrowd: 0 },
      { id: 4, image_id: 3, category_id: 2, bbox: [30, 30, 25, 70], area: 1750, iscrowd: 0 },
    ];
    const results: CocoDetection[] = [
      { image_id: 1, category_id: 1, bbox: [12, 11, 48, 30], score: 0.9 },
      { image_id: 1, category_id: 2, bbox: [70, 20, 20, 60], score: 0.6 },
      { image_id: 2, category_id: 1, bbox: [0, 0, 40, 42], score: 0.8 },
      { image_id: 2, category_id: 2, bbox: [50, 50, 10, 10], score: 0.3 },
      { image_id: 3, category_id: 2, bbox: [31, 29, 25, 70], score: 0.7 },
    ];
    const name = (id: number) => categories.find((c) => c.id === id)?.name as string;
    const ref = (id: number) => images.find((i) => i.id === id)?.file_name as string;

    const dataset = await client.createDataset(uniqueName("example-coco"));
    await dataset.append(
      images.map((image) => ({ imageUrl: `s3://coco/${image.file_name}`, referenceId: image.file_name })),
    );
    await dataset.annotate(
      annotations.map((a) =>
        box({
          referenceId: ref(a.image_id),
          label: name(a.category_id),
          annotationId: `coco-${a.id}`,
          x: a.bbox?.[0] as number,
          y: a.bbox?.[1] as number,
          width: a.bbox?.[2] as number,
          height: a.bbox?.[3] as number,
        }),
      ),
    );
    const model = await client.addModel({ name: "coco detector", referenceId: uniqueName("coco-detector") });
    const run = await model.createRun({
      name: "coco results",
      dataset,
      predictions: results.map((d, i) =>
        box({
          referenceId: ref(d.image_id),
          label: name(d.category_id),
          annotationId: `det-${i}`,
          x: d.bbox?.[0] as number,
          y: d.bbox?.[1] as number,
          width: d.bbox?.[2] as number,
          height: d.bbox?.[3] as number,
          confidence: d.score,
        }),
      ),
    });
    await run.commit();

    let info = await run.info();
    for (
      let i = 0;
      (info.evaluation as { status?: string } | null)?.status !== "succeeded" && i < 200;
      i += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      info = await run.info();
    }
    const server = (info.evaluation as { metrics: { stats: number[] } }).metrics.stats;
    // The server's labels become categories in name order, and its areas are box areas: mirror that here.
    const local = evaluateCoco(
      {
        images,
        categories,
        annotations: annotations.map((a) => ({
          ...a,
          area: (a.bbox?.[2] as number) * (a.bbox?.[3] as number),
        })),
      },
      results,
    ).stats;
    assert.deepEqual(server, local);
    log(
      `server evaluation of ${run.id}: mAP ${server[0]?.toFixed(3)}, AP50 ${server[1]?.toFixed(3)}, same as evaluateCoco`,
    );
    await client.deleteModel(model.id);
    await client.deleteDataset(dataset.id);
  },
};

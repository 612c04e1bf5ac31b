import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Annotation, Prediction } from "@nucleus/core";
import type { CocoAnnotation, CocoDetection, CocoGroundTruth } from "@nucleus/metrics";
import { Uploader } from "@nucleus/upload";
import type { Command, Context } from "../command.js";
import { CliError } from "../output.js";

function readCoco<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    throw new CliError(
      "Cannot read COCO file",
      `${path}: ${(error as Error).message}`,
      "Check the path and that it is COCO JSON",
    );
  }
}

/**
 * COCO boxes as Nucleus labels: the image's `file_name` is the reference id, the category name
 * the label; COCO ids, `area` and `iscrowd` ride in metadata so an export gives them back.
 */
export function cocoLabels(
  file: string,
  predictions: boolean,
  groundTruthFile?: string,
): (Annotation | Prediction)[] {
  if (!predictions) {
    const gt = readCoco<CocoGroundTruth>(file);
    const refs = new Map(gt.images.map((image) => [image.id, String(image.file_name ?? image.id)]));
    const names = new Map(
      gt.categories.map((category) => [category.id, String(category.name ?? category.id)]),
    );
    return gt.annotations
      .filter((a) => a.bbox)
      .map((a) => ({
        type: "box",
        label: names.get(a.category_id) ?? String(a.category_id),
        referenceId: refs.get(a.image_id) ?? String(a.image_id),
        annotationId: `coco-${a.id}`,
        geometry: {
          x: a.bbox?.[0] ?? 0,
          y: a.bbox?.[1] ?? 0,
          width: a.bbox?.[2] ?? 0,
          height: a.bbox?.[3] ?? 0,
        },
        metadata: {
          coco_id: a.id,
          coco_category_id: a.category_id,
          coco_area: a.area ?? null,
          iscrowd: a.iscrowd ? 1 : 0,
        },
      }));
  }
  if (!groundTruthFile)
    throw new CliError(
      "Missing option",
      "COCO results name images and categories by id",
      "Pass --gt GROUND_TRUTH.json too",
    );
  const gt = readCoco<CocoGroundTruth>(groundTruthFile);
  const refs = new Map(gt.images.map((image) => [image.id, String(image.file_name ?? image.id)]));
  const names = new Map(gt.categories.map((category) => [category.id, String(category.name ?? category.id)]));
  return readCoco<CocoDetection[]>(file).map((d, i) => ({
    type: "box",
    label: names.get(d.category_id) ?? String(d.category_id),
    referenceId: refs.get(d.image_id) ?? String(d.image_id),
    annotationId: `coco-det-${i + 1}`,
    geometry: { x: d.bbox?.[0] ?? 0, y: d.bbox?.[1] ?? 0, width: d.bbox?.[2] ?? 0, height: d.bbox?.[3] ?? 0 },
    confidence: d.score,
    metadata: { coco_category_id: d.category_id },
  }));
}

async function importCoco(c: Context): Promise<number> {
  const name = c.flag("dataset");
  const imagesDir = c.flag("images");
  const annotationsFile = c.flag("annotations");
  if (!name || !imagesDir || !annotationsFile) {
    throw new CliError(
      "Missing option",
      "--dataset, --images and --annotations are required",
      "nu import coco --dataset NAME --images DIR --annotations FILE",
    );
  }
  const client = c.client();
  const gt = readCoco<CocoGroundTruth>(annotationsFile);
  const dataset = await client.createDataset(name);
  const uploader = new Uploader(client, { concurrency: 4 });
  const items = await uploader.append(
    dataset.id,
    gt.images.map((image) => ({
      imageUrl: join(imagesDir, String(image.file_name)),
      referenceId: String(image.file_name ?? image.id),
      metadata: { coco_image_id: image.id },
      ...(image.width ? { width: Number(image.width) } : {}),
      ...(image.height ? { height: Number(image.height) } : {}),
    })),
  );
  const labels = await uploader.annotate(dataset.id, cocoLabels(annotationsFile, false) as Annotation[]);
  const summary: Record<string, unknown> = {
    datasetId: dataset.id,
    items: items.new,
    annotations: labels.processed,
    failed: items.failed + labels.failed,
  };
  const predictionsFile = c.flag("predictions");
  if (predictionsFile) {
    const modelName = c.flag("model") ?? "coco-results";
    const model = await client.addModel({ name: modelName, referenceId: modelName });
    const run = await model.createRun({ name: `${modelName} on ${name}`, dataset });
    const predictions = await uploader.predict(
      run.id,
      cocoLabels(predictionsFile, true, annotationsFile) as Prediction[],
    );
    await run.commit();
    Object.assign(summary, {
      modelId: model.id,
      runId: run.id,
      predictions: predictions.processed,
      failed: (summary.failed as number) + predictions.failed,
    });
  }
  c.print(summary, Object.keys(summary));
  return (summary.failed as number) > 0 ? 1 : 0;
}

async function exportCoco(c: Context): Promise<number> {
  const datasetId = c.flag("dataset");
  if (!datasetId)
    throw new CliError("Missing option", "--dataset is required", "nu export coco --dataset DATASET_ID");
  const client = c.client();
  const dataset = client.getDataset(datasetId);
  const sliceId = c.flag("slice");
  const rows = sliceId
    ? await client.getSlice(sliceId).export()
    : await dataset.export().toArray({ limit: Number.POSITIVE_INFINITY });
  const images = rows.map((row, i) => {
    const meta = (row.item.metadata ?? {}) as Record<string, unknown>;
    return {
      id: typeof meta.coco_image_id === "number" ? meta.coco_image_id : i + 1,
      file_name: row.item.referenceId as string,
      ...(row.item.width ? { width: row.item.width } : {}),
      ...(row.item.height ? { height: row.item.height } : {}),
    };
  });
  const imageIdOf = new Map(
    rows.map((row, i) => [row.item.referenceId as string, (images[i] as { id: number }).id]),
  );
  const categoryIds = new Map<string, number>();
  const categoryOf = (label: string, meta: Record<string, unknown>) => {
    if (typeof meta.coco_category_id === "number") categoryIds.set(label, meta.coco_category_id);
    if (!categoryIds.has(label)) categoryIds.set(label, Math.max(0, ...categoryIds.values()) + 1);
    return categoryIds.get(label) as number;
  };
  const modelId = c.flag("model");
  let output: unknown;
  if (modelId) {
    const info = await dataset.info();
    const runs = await Promise.all(
      info.modelRunIds.map((id) =>
        client.getModelRun(id).then(async (run) => ({ run, info: await run.info() })),
      ),
    );
    const match = runs.reverse().find((r) => r.info.modelId === modelId);
    if (!match)
      throw new CliError(
        "No predictions",
        `Model ${modelId} has no run on dataset ${datasetId}`,
        "Upload predictions first",
      );
    const results: CocoDetection[] = [];
    for (const row of rows) {
      for (const p of (await match.run.refloc(row.item.referenceId as string)).box ?? []) {
        const meta = (p.metadata ?? {}) as Record<string, unknown>;
        results.push({
          image_id: imageIdOf.get(row.item.referenceId as string) as number,
          category_id: categoryOf(p.label, meta),
          bbox: [p.geometry.x, p.geometry.y, p.geometry.width, p.geometry.height],
          score: p.confidence ?? 1,
        });
      }
    }
    output = results;
  } else {
    const annotations: CocoAnnotation[] = [];
    for (const row of rows) {
      for (const box of row.box) {
        const meta = (box.metadata ?? {}) as Record<string, unknown>;
        const g = box.geometry;
        annotations.push({
          id: typeof meta.coco_id === "number" ? meta.coco_id : annotations.length + 1,
          image_id: imageIdOf.get(row.item.referenceId as string) as number,
          category_id: categoryOf(box.label, meta),
          bbox: [g.x, g.y, g.width, g.height],
          area: typeof meta.coco_area === "number" ? meta.coco_area : g.width * g.height,
          iscrowd: meta.iscrowd ? 1 : 0,
        });
      }
    }
    const categories = [...categoryIds].map(([name, id]) => ({ id, name })).sort((a, b) => a.id - b.id);
    output = { images, categories, annotations };
  }
  const file = c.flag("output");
  if (file) writeFileSync(file, JSON.stringify(output));
  else c.io.out(`${JSON.stringify(output)}\n`);
  return 0;
}

/** `nu import coco` and `nu export coco`. */
export const cocoCommands: Command[] = [
  {
    path: ["import", "coco"],
    summary: "create a dataset from COCO images and annotations (and optionally a model's results)",
    flags: {
      dataset: { type: "string", description: "the new dataset's name" },
      images: { type: "string", description: "the folder holding the images' file_name paths" },
      annotations: { type: "string", description: "COCO ground-truth JSON" },
      predictions: { type: "string", description: "COCO results JSON of a model" },
      model: { type: "string", description: "the model's name (with --predictions)" },
    },
    run: importCoco,
  },
  {
    path: ["export", "coco"],
    summary: "export a dataset (or slice) as COCO ground truth, or a model's predictions as COCO results",
    flags: {
      dataset: { type: "string", description: "the dataset id" },
      slice: { type: "string", description: "only this slice's items" },
      model: { type: "string", description: "export this model's predictions as COCO results" },
      output: { type: "string", description: "write to this file instead of standard output" },
    },
    run: exportCoco,
  },
];

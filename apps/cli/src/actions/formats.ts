import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, sep } from "node:path";
import type { Annotation, Prediction } from "@nucleus/core";
import type { ExportRow, PredictionGroups } from "@nucleus/schemas";
import { UsageError } from "../args.js";
import type { Context } from "../command.js";
import { datasetFlag } from "../dataset-ref.js";
import { readImageSize, saveImage } from "../formats/images.js";
import { type ImportPlan, runImport } from "../formats/importer.js";
import { type Problem, reportProblems } from "../formats/problems.js";
import { exportRows, modelRunOf, predictionsOf } from "../formats/source.js";
import { cvatXml, parseVoc, vocXml } from "../formats/voc.js";
import {
  dataYaml,
  labelPathOf,
  parseYoloLabels,
  readYoloDataset,
  referenceIdOf,
  yoloLine,
} from "../formats/yolo.js";
import { CliError } from "../output.js";

function required(c: Context, name: string, usage: string): string {
  const value = c.flag(name);
  if (!value) throw new UsageError(`--${name} is required: ${usage}`);
  return value;
}

/** `nu import yolo`. */
export async function importYolo(c: Context): Promise<number> {
  const usage = "nu import yolo <data.yaml|dir> --dataset NAME";
  const source = c.arg(0, "data.yaml|dir");
  const dataset = required(c, "dataset", usage);
  const yolo = readYoloDataset(source);
  const predictions = c.flag("predictions");
  const plan: ImportPlan = {
    dataset,
    items: [],
    itemOrigins: [],
    annotations: [],
    annotationOrigins: [],
    problems: [],
  };
  const predicted: { labels: Prediction[]; origins: { file: string; entry: string }[] } = {
    labels: [],
    origins: [],
  };
  for (const { split, images } of yolo.splits) {
    for (const image of images) {
      const referenceId = referenceIdOf(yolo.root, image);
      if (!existsSync(image)) {
        plan.problems.push({
          file: yolo.file ?? source,
          entry: split,
          message: `the image ${image} does not exist`,
        });
        continue;
      }
      const size = readImageSize(image);
      if (!size) {
        plan.problems.push({
          file: image,
          entry: "header",
          message: "not a PNG, JPEG, WebP, GIF or BMP: its size is unknown",
        });
        continue;
      }
      plan.items.push({
        imageUrl: image,
        referenceId,
        width: size.width,
        height: size.height,
        metadata: { yolo_split: split },
      });
      plan.itemOrigins.push({ file: image, entry: "image" });
      const labels = (file: string, asPredictions: boolean) => {
        if (!existsSync(file)) return [];
        const read = parseYoloLabels(
          readFileSync(file, "utf8"),
          file,
          yolo.names,
          size.width,
          size.height,
          asPredictions,
        );
        plan.problems.push(...read.problems);
        return read.shapes.map((shape) => ({
          file,
          entry: `line ${shape.line}`,
          label: {
            type: "vertices" in shape.geometry ? "polygon" : "box",
            label: shape.label,
            referenceId,
            annotationId: `yolo-${shape.line}`,
            geometry: shape.geometry,
            metadata: { yolo_class: shape.classIndex },
            ...(shape.confidence !== undefined ? { confidence: shape.confidence } : {}),
          },
        }));
      };
      for (const read of labels(labelPathOf(image), false)) {
        plan.annotations.push(read.label as Annotation);
        plan.annotationOrigins.push({ file: read.file, entry: read.entry });
      }
      if (predictions) {
        const file = join(predictions, `${basename(image, extname(image))}.txt`);
        for (const read of labels(file, true)) {
          predicted.labels.push(read.label as Prediction);
          predicted.origins.push({ file: read.file, entry: read.entry });
        }
      }
    }
  }
  if (predictions) plan.predictions = { model: c.flag("model") ?? "yolo-predictions", ...predicted };
  return runImport(c, plan);
}

/** `nu import voc`. */
export async function importVoc(c: Context): Promise<number> {
  const usage = "nu import voc --dataset NAME --images DIR --annotations DIR";
  const dataset = required(c, "dataset", usage);
  const imagesDir = required(c, "images", usage);
  const annotationsDir = required(c, "annotations", usage);
  const plan: ImportPlan = {
    dataset,
    items: [],
    itemOrigins: [],
    annotations: [],
    annotationOrigins: [],
    problems: [],
  };
  for (const file of xmlFiles(annotationsDir)) {
    const { voc, problems } = parseVoc(readFileSync(file, "utf8"), file);
    plan.problems.push(...problems);
    if (!voc) continue;
    const stem = relative(annotationsDir, file).slice(0, -4).split(sep).join("/");
    const filename = voc.filename ?? imageNamed(imagesDir, stem);
    if (!filename) {
      plan.problems.push({
        file,
        entry: "filename",
        message: `missing, and no image named ${stem}.* is in ${imagesDir}`,
      });
      continue;
    }
    const image = join(imagesDir, filename);
    if (!existsSync(image)) {
      plan.problems.push({ file, entry: "filename", message: `${filename} is not in ${imagesDir}` });
      continue;
    }
    const size = voc.width && voc.height ? { width: voc.width, height: voc.height } : readImageSize(image);
    plan.items.push({
      imageUrl: image,
      referenceId: filename,
      ...(size ? { width: size.width, height: size.height } : {}),
    });
    plan.itemOrigins.push({ file, entry: "image" });
    for (const object of voc.objects) {
      plan.annotations.push({
        type: "box",
        label: object.name,
        referenceId: filename,
        annotationId: `voc-${object.index}`,
        geometry: object.box,
        metadata: object.metadata,
      });
      plan.annotationOrigins.push({ file, entry: `object[${object.index - 1}]` });
    }
  }
  return runImport(c, plan);
}

function xmlFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new CliError("Not a folder", `${dir} is not a folder of VOC XML files`, "Pass --annotations DIR");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.toLowerCase().endsWith(".xml"))
    .sort()
    .map((name) => join(dir, name));
}

function imageNamed(dir: string, stem: string): string | undefined {
  for (const ext of [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"])
    if (existsSync(join(dir, `${stem}${ext}`))) return `${stem}${ext}`;
  return undefined;
}

/** Rows and, with `--model`, each item's predictions: what the YOLO, VOC and CVAT exports write. */
async function exportSource(c: Context) {
  const client = c.client();
  const datasetId = await datasetFlag(c);
  const rows = await exportRows(client, datasetId, c.flag("slice"));
  const modelRef = c.flag("model");
  const predictions = modelRef
    ? new Map(
        (await predictionsOf(await modelRunOf(client, datasetId, modelRef), rows)).map((p) => [
          p.referenceId,
          p.predictions,
        ]),
      )
    : undefined;
  return { rows, predictions };
}

type Shapes = { box: ExportRow["box"]; polygon: ExportRow["polygon"] };

function shapesOf(row: ExportRow, predictions?: Map<string, PredictionGroups>): Shapes {
  if (!predictions) return row;
  const p = predictions.get(row.item.referenceId as string) ?? {};
  return { box: (p.box ?? []) as Shapes["box"], polygon: (p.polygon ?? []) as Shapes["polygon"] };
}

/** Where an item's image goes in an export: under `images/`, keeping an imported layout. */
function imagePathOf(referenceId: string, split: string): string {
  return referenceId.startsWith("images/") || referenceId.includes("/images/")
    ? referenceId
    : `images/${split}/${referenceId}`;
}

/** Saves the image (unless --labels-only) and returns its size: the item's, else its header's. */
async function imageOf(c: Context, row: ExportRow, dest: string, problems: Problem[]) {
  const item = row.item;
  if (!c.args.flags["labels-only"]) {
    const failed = await saveImage(item.originalImageUrl ?? item.imageUrl ?? item.processedUrl, dest);
    if (failed) problems.push({ file: dest, entry: item.referenceId as string, message: failed });
  }
  if (item.width && item.height) return { width: item.width, height: item.height };
  return existsSync(dest) ? readImageSize(dest) : undefined;
}

function finishExport(c: Context, summary: Record<string, unknown>, problems: Problem[]): number {
  if (c.json) c.print({ ...summary, problems });
  else {
    c.print(summary, Object.keys(summary));
    if (problems.length) {
      c.io.err(`${problems.length} entries were not exported:\n`);
      reportProblems(c.io.err, problems);
    }
  }
  return problems.length > 0 ? 1 : 0;
}

function outputDir(c: Context, usage: string): string {
  const dir = required(c, "output", usage);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `nu export yolo`. */
export async function exportYolo(c: Context): Promise<number> {
  const out = outputDir(c, "nu export yolo --dataset ID_OR_NAME --output DIR");
  const { rows, predictions } = await exportSource(c);
  const boxesOnly = Boolean(c.args.flags["boxes-only"]);
  // Class indices: those an import kept (yolo_class), then new ones in order of appearance.
  const classOf = new Map<string, number>();
  const all = rows.flatMap((row) => {
    const s = shapesOf(row, predictions);
    return [...s.box, ...s.polygon];
  });
  for (const shape of all) {
    const k = (shape.metadata as Record<string, unknown> | null | undefined)?.yolo_class;
    if (typeof k === "number" && !classOf.has(shape.label) && ![...classOf.values()].includes(k))
      classOf.set(shape.label, k);
  }
  let next = Math.max(-1, ...classOf.values()) + 1;
  for (const shape of all) if (!classOf.has(shape.label)) classOf.set(shape.label, next++);
  const names = Array.from({ length: next }, (_, i) => `class_${i}`);
  for (const [label, k] of classOf) names[k] = label;

  const problems: Problem[] = [];
  const splitDirs = new Map<string, Set<string>>();
  const splitFiles = new Map<string, string[]>();
  let labels = 0;
  for (const row of rows) {
    const ref = row.item.referenceId as string;
    const meta = (row.item.metadata ?? {}) as Record<string, unknown>;
    const split = typeof meta.yolo_split === "string" ? meta.yolo_split : "train";
    const imagePath = imagePathOf(ref, split);
    const size = await imageOf(c, row, join(out, imagePath), problems);
    const shapes = shapesOf(row, predictions);
    if (!size) {
      problems.push({
        file: ref,
        entry: "item",
        message: "no width and height (YOLO coordinates are divided by them)",
      });
      continue;
    }
    const lines = [
      ...shapes.box.map((b) =>
        yoloLine(
          classOf.get(b.label) as number,
          b.geometry,
          size.width,
          size.height,
          predictions ? (b.confidence as number | undefined) : undefined,
        ),
      ),
      ...shapes.polygon.map((p) =>
        yoloLine(
          classOf.get(p.label) as number,
          boxesOnly ? boundsOf(p.geometry.vertices) : p.geometry,
          size.width,
          size.height,
          predictions ? (p.confidence as number | undefined) : undefined,
        ),
      ),
    ];
    labels += lines.length;
    const labelFile = join(out, labelPathOf(imagePath));
    mkdirSync(dirname(labelFile), { recursive: true });
    writeFileSync(labelFile, lines.length ? `${lines.join("\n")}\n` : "");
    const dirs = splitDirs.get(split) ?? new Set<string>();
    dirs.add(dirname(imagePath));
    splitDirs.set(split, dirs);
    splitFiles.set(split, [...(splitFiles.get(split) ?? []), `./${imagePath}`]);
  }
  // A split is its folder when it has one of its own, else a list file of its images.
  const splits: Record<string, string> = {};
  const allDirs = [...splitDirs.entries()];
  for (const [split, dirs] of allDirs) {
    const only = dirs.size === 1 ? [...dirs][0] : undefined;
    const shared =
      only === undefined ||
      allDirs.some(
        ([other, d]) =>
          other !== split &&
          [...d].some((x) => x === only || x.startsWith(`${only}/`) || only.startsWith(`${x}/`)),
      );
    if (shared) {
      writeFileSync(join(out, `${split}.txt`), `${(splitFiles.get(split) ?? []).join("\n")}\n`);
      splits[split] = `${split}.txt`;
    } else splits[split] = only;
  }
  if (!splits.val && splits.train) splits.val = splits.train; // Ultralytics needs a val split
  writeFileSync(join(out, "data.yaml"), dataYaml(names, splits));
  return finishExport(c, { output: out, images: rows.length, labels, classes: names.length }, problems);
}

function boundsOf(vertices: readonly { x: number; y: number }[]) {
  const xs = vertices.map((v) => v.x);
  const ys = vertices.map((v) => v.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** `nu export voc`. */
export async function exportVoc(c: Context): Promise<number> {
  if (c.flag("model"))
    throw new UsageError("VOC files have no confidence: export predictions as COCO or YOLO");
  const out = outputDir(c, "nu export voc --dataset ID_OR_NAME --output DIR");
  const { rows } = await exportSource(c);
  const problems: Problem[] = [];
  let boxes = 0;
  let skipped = 0;
  for (const row of rows) {
    const ref = row.item.referenceId as string;
    const size = await imageOf(c, row, join(out, "JPEGImages", ref), problems);
    const xml = vocXml(
      { folder: "JPEGImages", filename: ref, width: size?.width, height: size?.height },
      row.box,
    );
    const file = join(out, "Annotations", `${ref.slice(0, ref.length - extname(ref).length)}.xml`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, xml);
    boxes += row.box.length;
    skipped += row.polygon.length;
  }
  if (skipped > 0)
    c.io.err(
      `Note: ${skipped} polygons are not in the VOC files (VOC holds boxes); export them as COCO, YOLO or CVAT\n`,
    );
  return finishExport(c, { output: out, images: rows.length, boxes, polygonsLeftOut: skipped }, problems);
}

/** `nu export cvat`. */
export async function exportCvat(c: Context): Promise<number> {
  const output = required(c, "output", "nu export cvat --dataset ID_OR_NAME --output FILE.xml");
  const { rows, predictions } = await exportSource(c);
  const images = rows.map((row) => {
    const shapes = shapesOf(row, predictions);
    return {
      name: row.item.referenceId as string,
      width: row.item.width,
      height: row.item.height,
      boxes: shapes.box,
      polygons: shapes.polygon,
    };
  });
  const file =
    existsSync(output) && statSync(output).isDirectory() ? join(output, "annotations.xml") : output;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, cvatXml(images));
  const shapes = images.reduce((n, i) => n + i.boxes.length + i.polygons.length, 0);
  return finishExport(c, { output: file, images: images.length, shapes }, []);
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Annotation, Prediction } from "@nucleus/core";
import { UsageError } from "../args.js";
import type { Context } from "../command.js";
import { datasetFlag } from "../dataset-ref.js";
import {
  type CocoConversion,
  cocoGroundTruthToNucleus,
  cocoResultsToNucleus,
  nucleusToCoco,
  nucleusToCocoResults,
} from "../formats/coco.js";
import { type ImportPlan, type Origin, runImport } from "../formats/importer.js";
import { type Problem, problemText } from "../formats/problems.js";
import { exportRows, modelRunOf, predictionsOf } from "../formats/source.js";
import { CliError } from "../output.js";

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError("Cannot read COCO file", `${path}: ${(error as Error).message}`, "Check the path");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "Cannot read COCO file",
      `${path} is not JSON: ${(error as Error).message}`,
      "Check that it is COCO JSON",
    );
  }
}

/**
 * Reads a COCO ground truth, or COCO results with the ground truth that names their images and
 * categories, as Nucleus labels. Nothing is dropped silently: the entries that cannot be
 * converted are in `problems`, each with its index and reason.
 *
 * @example
 * ```ts
 * const { labels, problems } = readCocoLabels("instances_val.json", false);
 * ```
 */
export function readCocoLabels(
  file: string,
  predictions: boolean,
  groundTruthFile?: string,
): CocoConversion<Annotation | Prediction> {
  if (!predictions) return cocoGroundTruthToNucleus(readJson(file), file);
  if (!groundTruthFile)
    throw new UsageError("COCO results name images and categories by id: pass --gt GROUND_TRUTH.json too");
  const converted = cocoResultsToNucleus(readJson(file), file, readJson(groundTruthFile), groundTruthFile);
  return converted;
}

/**
 * COCO boxes, polygons and masks as Nucleus labels (see `formats/coco.ts` for the mapping).
 * Throws, listing every entry that cannot be converted with its index and reason, rather than
 * upload part of a file silently; {@link readCocoLabels} returns those entries instead.
 *
 * @example
 * ```ts
 * const annotations = cocoLabels("instances_val.json", false) as Annotation[];
 * ```
 */
export function cocoLabels(
  file: string,
  predictions: boolean,
  groundTruthFile?: string,
): (Annotation | Prediction)[] {
  const { labels, problems } = readCocoLabels(file, predictions, groundTruthFile);
  if (problems.length > 0) throw cannotConvert(problems);
  return labels;
}

function cannotConvert(problems: readonly Problem[]): CliError {
  const shown = problems.slice(0, 20).map((p) => `  ${problemText(p)}`);
  if (problems.length > 20) shown.push(`  ...and ${problems.length - 20} more`);
  return new CliError(
    `${problems.length} COCO entries cannot be imported`,
    shown.join("\n"),
    "Fix the entries named above (or use `nu import coco`, which imports the others and lists these)",
  );
}

function required(c: Context, name: string, usage: string): string {
  const value = c.flag(name);
  if (!value) throw new UsageError(`--${name} is required: ${usage}`);
  return value;
}

/** `nu import coco`. */
export async function importCoco(c: Context): Promise<number> {
  const usage = "nu import coco --dataset NAME --images DIR --annotations FILE";
  const dataset = required(c, "dataset", usage);
  const imagesDir = required(c, "images", usage);
  const annotationsFile = required(c, "annotations", usage);
  const gt = cocoGroundTruthToNucleus(readJson(annotationsFile), annotationsFile);
  const problems: Problem[] = [...gt.problems];
  const plan: ImportPlan = {
    dataset,
    items: [],
    itemOrigins: [],
    annotations: gt.labels,
    annotationOrigins: gt.origins.map((entry) => ({ file: annotationsFile, entry })),
    problems,
  };
  gt.images.forEach((image) => {
    const path = join(imagesDir, image.fileName);
    const origin: Origin = { file: annotationsFile, entry: `image ${image.id} (${image.fileName})` };
    if (!existsSync(path)) {
      problems.push({ ...origin, message: `the image file ${path} does not exist` });
      return;
    }
    plan.items.push({
      imageUrl: path,
      referenceId: image.fileName,
      metadata: { coco_image_id: image.id },
      ...(image.width ? { width: image.width } : {}),
      ...(image.height ? { height: image.height } : {}),
    });
    plan.itemOrigins.push(origin);
  });
  const predictionsFile = c.flag("predictions");
  if (predictionsFile) {
    const results = cocoResultsToNucleus(
      readJson(predictionsFile),
      predictionsFile,
      readJson(annotationsFile),
      annotationsFile,
    );
    // The ground truth's own problems are reported once, above.
    problems.push(...results.problems.filter((p) => p.file === predictionsFile));
    plan.predictions = {
      model: c.flag("model") ?? "coco-results",
      labels: results.labels,
      origins: results.origins.map((entry) => ({ file: predictionsFile, entry })),
    };
  }
  return runImport(c, plan);
}

/** `nu export coco`. */
export async function exportCoco(c: Context): Promise<number> {
  const client = c.client();
  const datasetId = await datasetFlag(c);
  const rows = await exportRows(client, datasetId, c.flag("slice"));
  const options = { segmentation: !c.args.flags["boxes-only"] };
  const modelRef = c.flag("model");
  const output = modelRef
    ? nucleusToCocoResults(
        rows,
        await predictionsOf(await modelRunOf(client, datasetId, modelRef), rows),
        options,
      )
    : nucleusToCoco(rows, options);
  const file = c.flag("output");
  if (file) writeFileSync(file, JSON.stringify(output));
  else c.io.out(`${JSON.stringify(output)}\n`);
  return 0;
}

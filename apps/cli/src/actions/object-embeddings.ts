/** The work of `nu objects similar`. */
import type { SimilarObjectsOptions } from "@nucleus/core";
import type { Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { CliError, table } from "../output.js";

/** The example the flags name: an object id, an item and annotation id, or a vector. */
function exampleOf(c: Context): SimilarObjectsOptions {
  const objectId = c.args.positionals[0];
  const item = c.flag("item");
  const annotation = c.flag("annotation");
  const run = c.flag("of-run");
  const text = c.flag("vector");
  const given = [objectId, item ?? annotation, text].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw new CliError("Bad option", "give one example: an object id, --item with --annotation, or --vector");
  if (objectId !== undefined) return { objectId };
  if (text !== undefined) {
    const vector = text.split(",").map((part) => Number(part.trim()));
    if (vector.length === 0 || vector.some((x) => !Number.isFinite(x) || text.trim() === ""))
      throw new CliError(
        "Bad option",
        `--vector must be numbers separated by commas, not ${JSON.stringify(text)}`,
      );
    return { vector };
  }
  if (item === undefined || annotation === undefined)
    throw new CliError("Bad option", "--item and --annotation name an example together: give both");
  return { object: { referenceId: item, annotationId: annotation, ...(run ? { modelRun: run } : {}) } };
}

/** `nu objects similar [OBJECT_ID] --dataset D [--item REF --annotation ID | --vector X,Y] [filters]`. */
export async function similarObjects(c: Context): Promise<void> {
  const example = exampleOf(c);
  const metric = c.flag("metric");
  if (metric !== undefined && metric !== "cosine" && metric !== "l2")
    throw new CliError("Bad option", `--metric must be cosine or l2, not ${JSON.stringify(metric)}`);
  const source = c.flag("source");
  if (source !== undefined && source !== "annotation" && source !== "prediction")
    throw new CliError(
      "Bad option",
      `--source must be annotation or prediction, not ${JSON.stringify(source)}`,
    );
  const k = c.integer("k");
  const run = c.flag("run");
  const label = c.flag("label");
  const datasetId = await resolveDatasetId(c.client(), c.flag("dataset") as string);
  const results = await c
    .client()
    .getDataset(datasetId)
    .similarObjects({
      ...example,
      ...(k ? { k } : {}),
      ...(metric ? { metric } : {}),
      ...(source ? { source } : {}),
      ...(run ? { modelRun: run } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(c.args.flags.exact ? { exact: true } : {}),
    });
  if (c.json) {
    c.print(results);
    return;
  }
  c.io.out(
    `${table(
      results.map((r) => ({
        ...r,
        annotationId: r.annotationId ?? "",
        box: `${r.box.x},${r.box.y},${r.box.width}x${r.box.height}`,
        distance: r.distance.toFixed(6),
      })),
      ["referenceId", "annotationId", "label", "source", "box", "distance", "objectId"],
      ["REFERENCE ID", "ANNOTATION ID", "LABEL", "SOURCE", "BOX", "DISTANCE", "OBJECT ID"],
    )}\n`,
  );
}

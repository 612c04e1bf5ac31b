/**
 * The standard evaluation functions of Validate: their names, fixed ids (the same on every
 * server, so a test made on one names the same functions on another), default arguments and what
 * each one reads (boxes, polygons, cuboids, categories or masks).
 */
import { createHash } from "node:crypto";

/** What a standard function measures, which decides how it is computed. */
export type FunctionFamily =
  | "iou"
  | "precision"
  | "recall"
  | "map"
  | "cuboid_iou"
  | "cuboid_precision"
  | "cuboid_recall"
  | "cat_f1"
  | "mask";

/** Which annotations and predictions a function reads. */
export type Shapes = "box" | "polygon" | "cuboid" | "category" | "segmentation";

/** A standard evaluation function. */
export interface StandardFunction {
  id: string;
  name: string;
  family: FunctionFamily;
  /** The label types it reads on the ground-truth side and on the prediction side. */
  annotations: readonly Shapes[];
  predictions: readonly Shapes[];
  /** Its arguments when the caller gives none, as the official client's constructors default them. */
  defaults: Record<string, unknown>;
  /** For mask functions: the metric, and whether the ground truth is a mask or boxes and polygons. */
  mask?: { metric: MaskMetric; truth: "mask" | "shapes" };
}

/** What a mask function measures. */
export type MaskMetric = "iou" | "precision" | "recall" | "fwavacc" | "map" | "ap";

const BOX: readonly Shapes[] = ["box"];
const POLY: readonly Shapes[] = ["box", "polygon"];
const CUBOID: readonly Shapes[] = ["cuboid"];
const SEG: readonly Shapes[] = ["segmentation"];

const detection = (iouThreshold: number) => ({
  enforce_label_match: false,
  iou_threshold: iouThreshold,
  confidence_threshold: 0,
});
const cuboid = { enforce_label_match: true, iou_threshold: 0, confidence_threshold: 0 };

const CATALOGUE: readonly Omit<StandardFunction, "id">[] = [
  { name: "bbox_iou", family: "iou", annotations: BOX, predictions: BOX, defaults: detection(0) },
  {
    name: "bbox_precision",
    family: "precision",
    annotations: BOX,
    predictions: BOX,
    defaults: detection(0.5),
  },
  { name: "bbox_recall", family: "recall", annotations: BOX, predictions: BOX, defaults: detection(0.5) },
  { name: "bbox_map", family: "map", annotations: BOX, predictions: BOX, defaults: { iou_threshold: 0.5 } },
  { name: "poly_iou", family: "iou", annotations: POLY, predictions: POLY, defaults: detection(0) },
  {
    name: "poly_precision",
    family: "precision",
    annotations: POLY,
    predictions: POLY,
    defaults: detection(0.5),
  },
  { name: "poly_recall", family: "recall", annotations: POLY, predictions: POLY, defaults: detection(0.5) },
  { name: "poly_map", family: "map", annotations: POLY, predictions: POLY, defaults: { iou_threshold: 0.5 } },
  ...(["iou", "precision", "recall", "map", "ap"] as const).map((metric) => ({
    name: `segmentation_to_poly_${metric}`,
    family: "mask" as const,
    annotations: POLY,
    predictions: SEG,
    defaults:
      metric === "map"
        ? { iou_thresholds: "coco" }
        : metric === "ap"
          ? { label: "label", iou_threshold: 0.5 }
          : detection(metric === "iou" ? 0 : 0.5),
    mask: { metric, truth: "shapes" as const },
  })),
  {
    name: "cuboid_iou_2d",
    family: "cuboid_iou",
    annotations: CUBOID,
    predictions: CUBOID,
    defaults: { ...cuboid, iou_2d: true },
  },
  { name: "cuboid_iou_3d", family: "cuboid_iou", annotations: CUBOID, predictions: CUBOID, defaults: cuboid },
  {
    name: "cuboid_precision",
    family: "cuboid_precision",
    annotations: CUBOID,
    predictions: CUBOID,
    defaults: cuboid,
  },
  {
    name: "cuboid_recall",
    family: "cuboid_recall",
    annotations: CUBOID,
    predictions: CUBOID,
    defaults: cuboid,
  },
  {
    name: "cat_f1",
    family: "cat_f1",
    annotations: ["category"],
    predictions: ["category"],
    defaults: { confidence_threshold: null, f1_method: null },
  },
  ...(["iou", "map", "recall", "precision", "fwavacc"] as const).map((metric) => ({
    name: `seg_${metric}`,
    family: "mask" as const,
    annotations: SEG,
    predictions: SEG,
    defaults: {},
    mask: { metric, truth: "mask" as const },
  })),
];

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

/** The fixed id of a standard function: `ef_` and 20 base32 characters of a hash of its name. */
function standardId(name: string): string {
  const digest = createHash("sha256").update(`nucleus standard eval function ${name}`).digest();
  let id = "ef_";
  for (let i = 0; i < 20; i += 1) id += ALPHABET[(digest[i] as number) & 31];
  return id;
}

/** Every standard function, in the order `GET validate/eval_fn` lists them. */
export const STANDARD_FUNCTIONS: readonly StandardFunction[] = CATALOGUE.map((fn) => ({
  ...fn,
  id: standardId(fn.name),
}));

const BY_ID = new Map(STANDARD_FUNCTIONS.map((fn) => [fn.id, fn]));
const BY_NAME = new Map(STANDARD_FUNCTIONS.map((fn) => [fn.name, fn]));

/** A standard function by id. */
export const standardFunction = (id: string): StandardFunction | undefined => BY_ID.get(id);

/** A standard function by name. */
export const standardFunctionNamed = (name: string): StandardFunction | undefined => BY_NAME.get(name);

/**
 * COCO <-> Nucleus, both ways and without loss.
 *
 * - An image's `file_name` is the item's reference id; its COCO `id` rides in the item's
 *   metadata (`coco_image_id`).
 * - An object with a one-ring polygon becomes a Nucleus `polygon`; with several rings, one
 *   `polygon` per ring sharing `coco_id`, numbered by `coco_part` of `coco_parts`, merged again
 *   on export.
 * - An RLE mask (compressed or not), an empty segmentation, or rings too short to be a polygon
 *   become a `box` (the COCO `bbox`) carrying the segmentation unchanged in
 *   `metadata.coco_segmentation`: Nucleus masks are one index PNG per item, so a per-object RLE
 *   is kept as COCO wrote it and written back exactly.
 * - An object without a segmentation is a `box`.
 * - COCO's `id`, `category_id`, `bbox`, `area` and `iscrowd` ride in metadata (`coco_id`,
 *   `coco_category_id`, `coco_bbox`, `coco_area`, `iscrowd`), other keys in `coco_extra`.
 */
import type { Annotation, Prediction } from "@nucleus/core";
import {
  type CocoAnnotation,
  type CocoDetection,
  type CocoGroundTruth,
  type CocoRle,
  type CocoSegmentation,
  polygonArea,
  rleFromString,
  rleToBbox,
} from "@nucleus/metrics";
import type { ExportRow, PredictionGroups } from "@nucleus/schemas";
import type { Problem } from "./problems.js";

type Json = Record<string, unknown>;
type Bbox = [number, number, number, number];

/** An image of a COCO file, as a Nucleus item will carry it. */
export interface CocoImageEntry {
  id: number;
  fileName: string;
  width?: number;
  height?: number;
}

/** What a COCO file turns into: labels with the entry each came from, and what was refused. */
export interface CocoConversion<T> {
  images: CocoImageEntry[];
  labels: T[];
  /** For each label, the COCO entry it came from (`annotations[3] (id 7)`), to report failures. */
  origins: string[];
  problems: Problem[];
}

/** The images and categories of a ground truth, by COCO id. */
interface CocoIndex {
  refs: Map<number, string>;
  categories: Map<number, { name: string; supercategory?: unknown }>;
}

const ANNOTATION_KEYS = new Set(["id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation"]);
const DETECTION_KEYS = new Set(["image_id", "category_id", "bbox", "score", "segmentation"]);

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the images and categories, reporting the entries that cannot be used. */
function indexOf(gt: unknown, file: string, problems: Problem[]): CocoIndex & { images: CocoImageEntry[] } {
  const index: CocoIndex & { images: CocoImageEntry[] } = {
    refs: new Map(),
    categories: new Map(),
    images: [],
  };
  if (!isObject(gt) || !Array.isArray(gt.images) || !Array.isArray(gt.categories)) {
    problems.push({
      file,
      entry: "the file",
      message: "is not a COCO ground truth: it needs images and categories lists",
    });
    return index;
  }
  const names = new Map<string, number>();
  gt.images.forEach((image: unknown, i) => {
    const entry = `images[${i}]`;
    if (!isObject(image) || !isNumber(image.id)) {
      problems.push({ file, entry, message: "id: must be a number" });
      return;
    }
    if (typeof image.file_name !== "string" || image.file_name === "") {
      problems.push({
        file,
        entry: `${entry} (id ${image.id})`,
        message: "file_name: must be a non-empty string",
      });
      return;
    }
    if (index.refs.has(image.id)) {
      problems.push({
        file,
        entry: `${entry} (id ${image.id})`,
        message: "id: repeats an earlier image's id",
      });
      return;
    }
    if (names.has(image.file_name)) {
      problems.push({
        file,
        entry: `${entry} (id ${image.id})`,
        message: `file_name: ${image.file_name} is also images[${names.get(image.file_name)}]'s (file names are reference ids: they must be unique)`,
      });
      return;
    }
    names.set(image.file_name, i);
    for (const key of ["width", "height"] as const) {
      const value = image[key];
      if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
        problems.push({
          file,
          entry: `${entry} (id ${image.id})`,
          message: `${key}: must be a positive integer`,
        });
        return;
      }
    }
    index.refs.set(image.id, image.file_name);
    index.images.push({
      id: image.id,
      fileName: image.file_name,
      ...(isNumber(image.width) ? { width: image.width } : {}),
      ...(isNumber(image.height) ? { height: image.height } : {}),
    });
  });
  gt.categories.forEach((category: unknown, i) => {
    if (!isObject(category) || !isNumber(category.id)) {
      problems.push({ file, entry: `categories[${i}]`, message: "id: must be a number" });
      return;
    }
    index.categories.set(category.id, {
      name: typeof category.name === "string" ? category.name : String(category.id),
      ...(category.supercategory !== undefined ? { supercategory: category.supercategory } : {}),
    });
  });
  return index;
}

type Segmentation =
  | { kind: "polygons"; rings: number[][] }
  | { kind: "kept"; value: CocoSegmentation }
  | { kind: "none" };

/** Checks a segmentation; returns what to store, or what is wrong with it. */
function readSegmentation(value: unknown): Segmentation | string {
  if (value === undefined || value === null) return { kind: "none" };
  if (Array.isArray(value)) {
    for (const [i, ring] of value.entries()) {
      if (!Array.isArray(ring) || !ring.every(isNumber))
        return `segmentation[${i}]: must be a list of numbers [x1, y1, x2, y2, ...]`;
      if (ring.length % 2 !== 0)
        return `segmentation[${i}]: has an odd number of coordinates (${ring.length})`;
    }
    const rings = value as number[][];
    // Rings of fewer than 3 points are not Nucleus polygons: keep them as written.
    if (rings.length === 0 || rings.some((ring) => ring.length < 6)) return { kind: "kept", value: rings };
    return { kind: "polygons", rings };
  }
  if (isObject(value)) {
    const size = value.size;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isInteger(n) && n >= 0))
      return "segmentation.size: must be [height, width]";
    const [height, width] = size as [number, number];
    const counts = value.counts;
    let runs: ArrayLike<number>;
    if (typeof counts === "string") runs = rleFromString(counts, height, width).counts;
    else if (Array.isArray(counts) && counts.every((n) => Number.isInteger(n) && n >= 0)) runs = counts;
    else return "segmentation.counts: must be a COCO RLE string or a list of run lengths";
    let total = 0;
    for (let i = 0; i < runs.length; i += 1) total += runs[i] as number;
    if (total !== height * width)
      return `segmentation.counts: the runs cover ${total} pixels, not height × width = ${height * width}`;
    return { kind: "kept", value: value as unknown as CocoRle };
  }
  return "segmentation: must be polygons [[x1, y1, ...], ...] or an RLE {size, counts}";
}

function readBbox(value: unknown): Bbox | string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 4 || !value.every(isNumber))
    return "bbox: must be 4 numbers [x, y, width, height]";
  if ((value[2] as number) < 0 || (value[3] as number) < 0) return "bbox: width and height must be >= 0";
  return value as Bbox;
}

/** The tight box of polygon rings, `[x, y, width, height]`. */
function ringsBbox(rings: readonly (readonly number[])[]): Bbox {
  let [x0, y0, x1, y1] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -Infinity, -Infinity];
  for (const ring of rings)
    for (let i = 0; i + 1 < ring.length; i += 2) {
      x0 = Math.min(x0, ring[i] as number);
      x1 = Math.max(x1, ring[i] as number);
      y0 = Math.min(y0, ring[i + 1] as number);
      y1 = Math.max(y1, ring[i + 1] as number);
    }
  return x0 === Number.POSITIVE_INFINITY ? [0, 0, 0, 0] : [x0, y0, x1 - x0, y1 - y0];
}

function segmentationBbox(segmentation: CocoSegmentation): Bbox {
  if (Array.isArray(segmentation)) return ringsBbox(segmentation);
  const [height, width] = segmentation.size;
  const rle =
    typeof segmentation.counts === "string"
      ? rleFromString(segmentation.counts, height, width)
      : { size: segmentation.size, counts: Uint32Array.from(segmentation.counts) };
  return rleToBbox(rle);
}

const vertices = (ring: readonly number[]) =>
  Array.from({ length: ring.length / 2 }, (_, i) => ({
    x: ring[2 * i] as number,
    y: ring[2 * i + 1] as number,
  }));

/** The shapes of one COCO object: polygons (one per ring) or a box, with shared metadata. */
function shapesOf(
  id: string,
  bbox: Bbox,
  segmentation: Segmentation & { kind: "polygons" | "kept" | "none" },
  metadata: Json,
): { type: "box" | "polygon"; annotationId: string; geometry: Json; metadata: Json }[] {
  if (segmentation.kind === "polygons") {
    const parts = segmentation.rings.length;
    return segmentation.rings.map((ring, k) => ({
      type: "polygon",
      annotationId: parts > 1 ? `${id}-${k + 1}` : id,
      geometry: { vertices: vertices(ring) },
      metadata: {
        ...metadata,
        coco_bbox: bbox,
        ...(parts > 1 ? { coco_part: k + 1, coco_parts: parts } : {}),
      },
    }));
  }
  return [
    {
      type: "box",
      annotationId: id,
      geometry: { x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3] },
      metadata:
        segmentation.kind === "kept" ? { ...metadata, coco_segmentation: segmentation.value } : metadata,
    },
  ];
}

function extraKeys(entry: Json, known: Set<string>): Json | undefined {
  const extra = Object.fromEntries(Object.entries(entry).filter(([key]) => !known.has(key)));
  return Object.keys(extra).length > 0 ? extra : undefined;
}

/**
 * Converts a parsed COCO ground truth to Nucleus annotations (see the module comment for the
 * mapping). Entries that cannot be converted are in `problems`, each with its index and reason;
 * the others are converted.
 *
 * @example
 * ```ts
 * const { labels, problems } = cocoGroundTruthToNucleus(JSON.parse(readFileSync("gt.json", "utf8")), "gt.json");
 * ```
 */
export function cocoGroundTruthToNucleus(gt: unknown, file: string): CocoConversion<Annotation> {
  const problems: Problem[] = [];
  const index = indexOf(gt, file, problems);
  const labels: Annotation[] = [];
  const origins: string[] = [];
  const annotations = isObject(gt) && Array.isArray(gt.annotations) ? (gt.annotations as unknown[]) : [];
  if (isObject(gt) && !Array.isArray(gt.annotations) && gt.annotations !== undefined)
    problems.push({ file, entry: "annotations", message: "must be a list" });
  const seen = new Map<number, number>();
  annotations.forEach((a, i) => {
    let entry = `annotations[${i}]`;
    const fail = (message: string) => problems.push({ file, entry, message });
    if (!isObject(a) || !isNumber(a.id)) {
      fail("id: must be a number");
      return;
    }
    entry = `annotations[${i}] (id ${a.id})`;
    const earlier = seen.get(a.id);
    if (earlier !== undefined) {
      fail(`id: repeats annotations[${earlier}]`);
      return;
    }
    seen.set(a.id, i);
    const referenceId = index.refs.get(a.image_id as number);
    if (referenceId === undefined) {
      fail(`image_id: ${JSON.stringify(a.image_id)} is not in images`);
      return;
    }
    const category = index.categories.get(a.category_id as number);
    if (!category) {
      fail(`category_id: ${JSON.stringify(a.category_id)} is not in categories`);
      return;
    }
    if (a.area !== undefined && a.area !== null && !isNumber(a.area)) {
      fail("area: must be a number");
      return;
    }
    const segmentation = readSegmentation(a.segmentation);
    if (typeof segmentation === "string") {
      fail(segmentation);
      return;
    }
    const bbox = readBbox(a.bbox);
    if (typeof bbox === "string") {
      fail(bbox);
      return;
    }
    if (!bbox && segmentation.kind === "none") {
      fail("bbox: missing, and there is no segmentation to take it from");
      return;
    }
    const extra = extraKeys(a, ANNOTATION_KEYS);
    const metadata: Json = {
      coco_id: a.id,
      coco_category_id: a.category_id,
      coco_area: isNumber(a.area) ? a.area : null,
      iscrowd: a.iscrowd ? 1 : 0,
      ...(category.supercategory !== undefined ? { coco_supercategory: category.supercategory } : {}),
      ...(extra ? { coco_extra: extra } : {}),
    };
    const box =
      bbox ??
      (segmentation.kind === "polygons"
        ? ringsBbox(segmentation.rings)
        : segmentationBbox((segmentation as { value: CocoSegmentation }).value));
    for (const shape of shapesOf(`coco-${a.id}`, box, segmentation, metadata)) {
      labels.push({ ...shape, label: category.name, referenceId } as Annotation);
      origins.push(entry);
    }
  });
  return { images: index.images, labels, origins, problems };
}

/**
 * Converts COCO results (a model's detections) to Nucleus predictions; images and categories
 * are named by the ground truth `gt`. Detection `i` keeps its place in `metadata.coco_det`
 * (`i + 1`), so an export gives them back in order.
 *
 * @example
 * ```ts
 * const { labels } = cocoResultsToNucleus(results, "dt.json", groundTruth, "gt.json");
 * ```
 */
export function cocoResultsToNucleus(
  results: unknown,
  file: string,
  gt: unknown,
  gtFile: string,
): CocoConversion<Prediction> {
  const problems: Problem[] = [];
  const index = indexOf(gt, gtFile, problems);
  const labels: Prediction[] = [];
  const origins: string[] = [];
  if (!Array.isArray(results)) {
    problems.push({
      file,
      entry: "the file",
      message: "is not COCO results: it must be a list of detections",
    });
    return { images: index.images, labels, origins, problems };
  }
  results.forEach((d: unknown, i) => {
    const entry = `results[${i}]`;
    const fail = (message: string) => problems.push({ file, entry, message });
    if (!isObject(d)) {
      fail("must be an object");
      return;
    }
    const referenceId = index.refs.get(d.image_id as number);
    if (referenceId === undefined) {
      fail(`image_id: ${JSON.stringify(d.image_id)} is not in the ground truth's images`);
      return;
    }
    const category = index.categories.get(d.category_id as number);
    if (!category) {
      fail(`category_id: ${JSON.stringify(d.category_id)} is not in the ground truth's categories`);
      return;
    }
    if (!isNumber(d.score) || d.score < 0 || d.score > 1) {
      fail("score: must be a number from 0 to 1");
      return;
    }
    const segmentation = readSegmentation(d.segmentation);
    if (typeof segmentation === "string") {
      fail(segmentation);
      return;
    }
    const bbox = readBbox(d.bbox);
    if (typeof bbox === "string") {
      fail(bbox);
      return;
    }
    if (!bbox && segmentation.kind === "none") {
      fail("bbox: missing, and there is no segmentation to take it from");
      return;
    }
    const extra = extraKeys(d, DETECTION_KEYS);
    const metadata: Json = {
      coco_det: i + 1,
      coco_category_id: d.category_id,
      ...(extra ? { coco_extra: extra } : {}),
    };
    const box =
      bbox ??
      (segmentation.kind === "polygons"
        ? ringsBbox(segmentation.rings)
        : segmentationBbox((segmentation as { value: CocoSegmentation }).value));
    for (const shape of shapesOf(`coco-det-${i + 1}`, box, segmentation, metadata)) {
      labels.push({ ...shape, label: category.name, referenceId, confidence: d.score } as Prediction);
      origins.push(entry);
    }
  });
  return { images: index.images, labels, origins, problems };
}

/** Options of the COCO exports. */
export interface CocoExportOptions {
  /** Write `segmentation` (polygons, kept RLEs); default true. False writes boxes only. */
  segmentation?: boolean;
}

type Shape = {
  label: string;
  geometry: unknown;
  metadata?: Json | null;
  confidence?: number | null;
};

/** One COCO object gathered from its Nucleus shapes: a box, or the polygons of one object. */
interface Gathered {
  referenceId: string;
  label: string;
  meta: Json;
  bbox: Bbox;
  segmentation?: CocoSegmentation;
  polygonArea?: number;
  confidence?: number | null;
}

const metaOf = (shape: Shape): Json => (shape.metadata ?? {}) as Json;

/** Groups one item's boxes and polygons into COCO objects; `key` ties the rings of one object. */
function gather(referenceId: string, boxes: Shape[], polygons: Shape[], key: string): Gathered[] {
  const objects: Gathered[] = boxes.map((box) => {
    const meta = metaOf(box);
    const g = box.geometry as { x: number; y: number; width: number; height: number };
    return {
      referenceId,
      label: box.label,
      meta,
      bbox: [g.x, g.y, g.width, g.height],
      ...(meta.coco_segmentation !== undefined
        ? { segmentation: meta.coco_segmentation as CocoSegmentation }
        : {}),
      confidence: box.confidence,
    };
  });
  const groups = new Map<string, Shape[]>();
  const singles: Shape[] = [];
  for (const polygon of polygons) {
    const meta = metaOf(polygon);
    if (meta[key] !== undefined && isNumber(meta.coco_parts) && meta.coco_parts > 1) {
      const group = `${polygon.label}\u0000${JSON.stringify(meta[key])}`;
      groups.set(group, [...(groups.get(group) ?? []), polygon]);
    } else singles.push(polygon);
  }
  const merged = [...singles.map((s) => [s]), ...groups.values()];
  for (const parts of merged) {
    parts.sort((a, b) => Number(metaOf(a).coco_part ?? 0) - Number(metaOf(b).coco_part ?? 0));
    const rings = parts.map((p) =>
      (p.geometry as { vertices: { x: number; y: number }[] }).vertices.flatMap((v) => [v.x, v.y]),
    );
    const first = parts[0] as Shape;
    const meta = metaOf(first);
    const bbox = readBbox(meta.coco_bbox);
    objects.push({
      referenceId,
      label: first.label,
      meta,
      bbox: Array.isArray(bbox) ? bbox : ringsBbox(rings),
      segmentation: rings,
      polygonArea: rings.reduce(
        (sum, ring) => sum + polygonArea(vertices(ring).map((v) => [v.x, v.y] as const)),
        0,
      ),
      confidence: first.confidence,
    });
  }
  return objects;
}

/** Numbers ids: the ones an import kept, then fresh ones after the largest. */
class IdAllocator<K> {
  private readonly ids = new Map<K, number>();
  private next = 1;

  keep(key: K, id: unknown): void {
    if (isNumber(id) && !this.ids.has(key)) {
      this.ids.set(key, id);
      this.next = Math.max(this.next, id + 1);
    }
  }

  idOf(key: K): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.next;
      this.next += 1;
      this.ids.set(key, id);
    }
    return id;
  }

  entries(): [K, number][] {
    return [...this.ids];
  }
}

/** Image and category ids for an export: those stored at import, fresh ones for the rest. */
function allocateIds(rows: readonly ExportRow[], shapes: readonly Shape[]) {
  const images = new IdAllocator<string>();
  for (const row of rows)
    images.keep(row.item.referenceId as string, (row.item.metadata as Json | null)?.coco_image_id);
  const categories = new IdAllocator<string>();
  for (const shape of shapes) {
    const meta = metaOf(shape);
    categories.keep(shape.label, meta.coco_category_id);
  }
  return { images, categories };
}

function categoriesOf(ids: ReturnType<typeof allocateIds>) {
  return ids.categories
    .entries()
    .map(([name, id]) => ({
      id,
      name,
    }))
    .sort((a, b) => a.id - b.id);
}

/**
 * Writes a dataset's ground truth (its export rows) as a COCO ground truth: boxes and polygons
 * become objects, multi-ring objects are merged back, kept segmentations written unchanged.
 * Images keep their COCO id (`coco_image_id`), objects theirs (`coco_id`); others get fresh ids.
 *
 * @example
 * ```ts
 * const rows = await client.getDataset(id).export().toArray({ limit: Number.POSITIVE_INFINITY });
 * writeFileSync("gt.json", JSON.stringify(nucleusToCoco(rows)));
 * ```
 */
export function nucleusToCoco(rows: readonly ExportRow[], options: CocoExportOptions = {}): CocoGroundTruth {
  const withSegmentation = options.segmentation ?? true;
  const objects = rows.flatMap((row) =>
    gather(row.item.referenceId as string, row.box as Shape[], row.polygon as Shape[], "coco_id"),
  );
  const ids = allocateIds(rows, rows.flatMap((row) => [...row.box, ...row.polygon]) as Shape[]);
  for (const row of rows) ids.images.idOf(row.item.referenceId as string);
  const objectIds = new IdAllocator<Gathered>();
  for (const object of objects) objectIds.keep(object, object.meta.coco_id);
  const annotations: CocoAnnotation[] = objects.map((o) => {
    const categoryId = ids.categories.idOf(o.label);
    const area = isNumber(o.meta.coco_area) ? o.meta.coco_area : (o.polygonArea ?? o.bbox[2] * o.bbox[3]);
    return {
      id: objectIds.idOf(o),
      image_id: ids.images.idOf(o.referenceId),
      category_id: categoryId,
      bbox: o.bbox,
      area,
      iscrowd: o.meta.iscrowd ? 1 : 0,
      ...(withSegmentation && o.segmentation !== undefined ? { segmentation: o.segmentation } : {}),
      ...(isObject(o.meta.coco_extra) ? o.meta.coco_extra : {}),
    };
  });
  annotations.sort((a, b) => a.id - b.id);
  const images = rows.map((row) => ({
    id: ids.images.idOf(row.item.referenceId as string),
    ...(row.item.width ? { width: row.item.width } : {}),
    ...(row.item.height ? { height: row.item.height } : {}),
    file_name: row.item.referenceId as string,
  }));
  return { images, categories: categoriesOf(ids), annotations };
}

/**
 * Writes a model's predictions as COCO results, in the order they were imported
 * (`coco_det`), with `segmentation` for polygons and kept masks. `rows` gives the image ids
 * (as {@link nucleusToCoco} numbers them) and the ground truth's category ids.
 *
 * @example
 * ```ts
 * const results = nucleusToCocoResults(rows, [{ referenceId: "a.jpg", predictions: await run.refloc("a.jpg") }]);
 * ```
 */
export function nucleusToCocoResults(
  rows: readonly ExportRow[],
  predictions: readonly { referenceId: string; predictions: PredictionGroups }[],
  options: CocoExportOptions = {},
): CocoDetection[] {
  const withSegmentation = options.segmentation ?? true;
  const objects = predictions.flatMap((p) =>
    gather(
      p.referenceId,
      (p.predictions.box ?? []) as Shape[],
      (p.predictions.polygon ?? []) as Shape[],
      "coco_det",
    ),
  );
  const shapes = [
    ...rows.flatMap((row) => [...row.box, ...row.polygon]),
    ...predictions.flatMap((p) => [...(p.predictions.box ?? []), ...(p.predictions.polygon ?? [])]),
  ] as Shape[];
  const ids = allocateIds(rows, shapes);
  for (const row of rows) ids.images.idOf(row.item.referenceId as string);
  const ordered = objects
    .map((o, i) => ({ o, order: isNumber(o.meta.coco_det) ? o.meta.coco_det : Number.MAX_SAFE_INTEGER, i }))
    .sort((a, b) => a.order - b.order || a.i - b.i);
  return ordered.map(({ o }) => ({
    image_id: ids.images.idOf(o.referenceId),
    category_id: ids.categories.idOf(o.label),
    bbox: o.bbox,
    score: o.confidence ?? 1,
    ...(withSegmentation && o.segmentation !== undefined ? { segmentation: o.segmentation } : {}),
    ...(isObject(o.meta.coco_extra) ? o.meta.coco_extra : {}),
  }));
}

/**
 * Ultralytics YOLO: `data.yaml` (`path`, `train`/`val`/`test`, `names` as a list or a map, `nc`)
 * and one `labels/*.txt` per image, a line per object in coordinates normalised by the image size:
 * `class cx cy w h` for a box, `class x1 y1 x2 y2 ...` for a polygon, a confidence last for
 * predictions.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parse, YAMLParseError } from "yaml";
import { CliError } from "../output.js";
import { listImages } from "./images.js";
import type { Problem } from "./problems.js";

/** A YOLO dataset on disk: its root, class names by index, and the images of each split. */
export interface YoloDataset {
  /** The data.yaml read, if any. */
  file?: string;
  root: string;
  /** Class names by index; a class with no name is `undefined`. */
  names: (string | undefined)[];
  /** Images of each split, as absolute paths; an image is in the first split that lists it. */
  splits: { split: string; images: string[] }[];
}

const SPLITS = ["train", "val", "test"] as const;
const YAML_NAMES = ["data.yaml", "dataset.yaml", "data.yml", "dataset.yml"];

function yamlError(file: string, message: string): CliError {
  return new CliError(
    "Cannot read data.yaml",
    `${file}: ${message}`,
    "See docs/guides/formats.md#yolo for what data.yaml may hold",
  );
}

/** Class names from `names` (a list, or a map of index to name) or, without names, `nc`. */
function namesOf(doc: Record<string, unknown>, file: string): (string | undefined)[] {
  const { names, nc } = doc;
  let out: (string | undefined)[];
  if (Array.isArray(names)) out = names.map((n) => String(n));
  else if (typeof names === "object" && names !== null) {
    out = [];
    for (const [key, value] of Object.entries(names)) {
      if (!/^\d+$/.test(key))
        throw yamlError(file, `names: the key "${key}" is not a class index (0, 1, ...)`);
      out[Number(key)] = String(value);
    }
  } else if (names === undefined && Number.isInteger(nc))
    out = Array.from({ length: nc as number }, (_, i) => `class_${i}`);
  else throw yamlError(file, "names: missing; give the class names as a list or a map {0: person, 1: car}");
  if (nc !== undefined && nc !== out.length)
    throw yamlError(file, `nc is ${JSON.stringify(nc)} but names has ${out.length} classes`);
  return out;
}

/** Ultralytics' rule for a split path: relative to the root; `../x` means `x` under the root. */
function splitPath(root: string, value: string): string {
  const direct = resolve(root, value);
  if (value.startsWith("../") && !existsSync(direct)) return resolve(root, value.slice(3));
  return direct;
}

/** The images of one split entry: a folder (searched recursively) or a .txt list of image paths. */
function imagesOf(path: string, file: string, key: string): string[] {
  if (!existsSync(path)) throw yamlError(file, `${key}: ${path} does not exist`);
  if (statSync(path).isDirectory()) return listImages(path);
  if (extname(path) === ".txt")
    return readFileSync(path, "utf8")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .map((line) => (isAbsolute(line) ? line : resolve(dirname(path), line)));
  throw yamlError(file, `${key}: ${path} is neither a folder of images nor a .txt list of them`);
}

/**
 * Reads a YOLO dataset from its data.yaml, or from a folder holding one (or, without one,
 * `images/` with a `classes.txt` of names).
 *
 * @example
 * ```ts
 * const { names, splits } = readYoloDataset("coco8/data.yaml");
 * ```
 */
export function readYoloDataset(source: string): YoloDataset {
  if (!existsSync(source))
    throw new CliError("Not found", `${source} does not exist`, "Pass a data.yaml or the dataset's folder");
  let file = source;
  if (statSync(source).isDirectory()) {
    const found = YAML_NAMES.map((n) => join(source, n)).find((p) => existsSync(p));
    if (!found) return folderDataset(source);
    file = found;
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof YAMLParseError)
      throw yamlError(file, `line ${error.linePos?.[0]?.line ?? "?"}: ${error.message.split("\n")[0]}`);
    throw yamlError(file, (error as Error).message);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw yamlError(file, "must be a map of keys (path, train, val, test, names, nc)");
  const data = doc as Record<string, unknown>;
  if (data.kpt_shape !== undefined)
    throw yamlError(file, "kpt_shape: pose (keypoint) datasets are not read; boxes and polygons are");
  const root = typeof data.path === "string" ? resolve(dirname(file), data.path) : dirname(file);
  const names = namesOf(data, file);
  const seen = new Set<string>();
  const splits: YoloDataset["splits"] = [];
  for (const split of SPLITS) {
    const value = data[split];
    if (value === undefined || value === null) continue;
    const entries = Array.isArray(value) ? value : [value];
    const images: string[] = [];
    for (const entry of entries) {
      if (typeof entry !== "string") throw yamlError(file, `${split}: must be a path or a list of paths`);
      for (const image of imagesOf(splitPath(root, entry), file, split))
        if (!seen.has(image)) {
          seen.add(image);
          images.push(image);
        }
    }
    splits.push({ split, images });
  }
  if (splits.length === 0)
    splits.push({
      split: "train",
      images: listImages(existsSync(join(root, "images")) ? join(root, "images") : root),
    });
  return { file, root, names, splits };
}

/** A folder without data.yaml: `images/` (or the folder) and names from `classes.txt`. */
function folderDataset(dir: string): YoloDataset {
  const classes = join(dir, "classes.txt");
  if (!existsSync(classes))
    throw new CliError(
      "No data.yaml",
      `${dir} has no data.yaml (nor classes.txt) to name the classes`,
      "Add a data.yaml with `names: [...]`, or pass its path",
    );
  const names = readFileSync(classes, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const images = existsSync(join(dir, "images")) ? join(dir, "images") : dir;
  return { root: dir, names, splits: [{ split: "train", images: listImages(images) }] };
}

/**
 * Where Ultralytics looks for an image's labels: the last `images` folder of its path replaced
 * by `labels`, and the extension by `.txt`.
 *
 * @example
 * ```ts
 * labelPathOf("ds/images/train/a.jpg"); // "ds/labels/train/a.txt"
 * ```
 */
export function labelPathOf(imagePath: string): string {
  for (const separator of new Set([sep, "/"])) {
    const marker = `${separator}images${separator}`;
    const at = imagePath.lastIndexOf(marker);
    if (at !== -1 || imagePath.startsWith(`images${separator}`)) {
      const cut = at === -1 ? 0 : at + 1;
      const swapped = `${imagePath.slice(0, cut)}labels${imagePath.slice(cut + "images".length)}`;
      return `${swapped.slice(0, swapped.length - extname(swapped).length)}.txt`;
    }
  }
  return `${imagePath.slice(0, imagePath.length - extname(imagePath).length)}.txt`;
}

/** A shape read from a label line, in pixels. */
export interface YoloShape {
  line: number;
  classIndex: number;
  label: string;
  geometry:
    | { x: number; y: number; width: number; height: number }
    | { vertices: { x: number; y: number }[] };
  confidence?: number;
}

/**
 * Reads one label file. Lines that cannot be read are problems (file, line, what is wrong); the
 * others are shapes in pixels of an image `width` × `height`.
 *
 * @example
 * ```ts
 * const { shapes, problems } = parseYoloLabels("0 0.5 0.5 0.2 0.1\n", "a.txt", ["cat"], 640, 480);
 * ```
 */
export function parseYoloLabels(
  text: string,
  file: string,
  names: readonly (string | undefined)[],
  width: number,
  height: number,
  predictions = false,
): { shapes: YoloShape[]; problems: Problem[] } {
  const shapes: YoloShape[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const fail = (message: string) => problems.push({ file, entry: `line ${line}`, message });
    const tokens = raw
      .trim()
      .split(/\s+/)
      .filter((t) => t !== "");
    if (tokens.length === 0) return;
    const [first, ...rest] = tokens as [string, ...string[]];
    if (!/^\d+$/.test(first)) {
      fail(`class: "${first}" is not a class index`);
      return;
    }
    const classIndex = Number(first);
    const label = names[classIndex];
    if (label === undefined) {
      fail(`class: ${classIndex} is not in names (${names.length === 0 ? "none" : `0-${names.length - 1}`})`);
      return;
    }
    const values = rest.map(Number);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) {
      fail(`value ${bad + 2}: "${rest[bad]}" is not a number`);
      return;
    }
    let confidence: number | undefined;
    const n = values.length;
    const withConfidence = predictions && (n === 5 || (n >= 7 && n % 2 === 1));
    if (withConfidence) {
      confidence = values.pop() as number;
      if (confidence < 0 || confidence > 1) {
        fail(`confidence: ${confidence} is outside 0..1`);
        return;
      }
    }
    if (values.length !== 4 && (values.length < 6 || values.length % 2 !== 0)) {
      fail(
        `has ${n} values after the class: a box needs 4 (cx cy w h), a polygon an even number of at least 6 (x1 y1 x2 y2 x3 y3)${predictions ? ", each optionally followed by a confidence" : ""}`,
      );
      return;
    }
    const outside = values.findIndex((v) => v < 0 || v > 1);
    if (outside !== -1) {
      fail(
        `value ${outside + 2}: ${values[outside]} is outside 0..1 (YOLO coordinates are divided by the image size)`,
      );
      return;
    }
    let geometry: YoloShape["geometry"];
    if (values.length === 4) {
      const [cx, cy, w, h] = values as [number, number, number, number];
      geometry = { x: (cx - w / 2) * width, y: (cy - h / 2) * height, width: w * width, height: h * height };
    } else {
      geometry = {
        vertices: Array.from({ length: values.length / 2 }, (_, k) => ({
          x: (values[2 * k] as number) * width,
          y: (values[2 * k + 1] as number) * height,
        })),
      };
    }
    shapes.push({ line, classIndex, label, geometry, ...(confidence !== undefined ? { confidence } : {}) });
  });
  return { shapes, problems };
}

/**
 * A normalised number as YOLO tools write it: at most 6 decimals, no trailing zeros.
 *
 * @example
 * ```ts
 * yoloNumber(0.1234567); // "0.123457"
 * yoloNumber(0.5); // "0.5"
 * ```
 */
export function yoloNumber(value: number): string {
  const rounded = Number(value.toFixed(6));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/**
 * One label line for a shape in pixels on an image `width` × `height`.
 *
 * @example
 * ```ts
 * yoloLine(0, { x: 256, y: 216, width: 128, height: 48 }, 640, 480); // "0 0.5 0.5 0.2 0.1"
 * ```
 */
export function yoloLine(
  classIndex: number,
  geometry: YoloShape["geometry"],
  width: number,
  height: number,
  confidence?: number | null,
): string {
  const values =
    "vertices" in geometry
      ? geometry.vertices.flatMap((v) => [v.x / width, v.y / height])
      : [
          (geometry.x + geometry.width / 2) / width,
          (geometry.y + geometry.height / 2) / height,
          geometry.width / width,
          geometry.height / height,
        ];
  const conf = confidence === undefined || confidence === null ? [] : [yoloNumber(confidence)];
  return [String(classIndex), ...values.map(yoloNumber), ...conf].join(" ");
}

/**
 * data.yaml for an export: the class names as a map, and each split's folder or list file
 * (relative, so Ultralytics reads them from the yaml's own folder).
 *
 * @example
 * ```ts
 * dataYaml(["cat", "dog"], { train: "images/train", val: "images/val" });
 * ```
 */
export function dataYaml(names: readonly string[], splits: Record<string, string>): string {
  const quote = (s: string) => JSON.stringify(s);
  const lines = Object.entries(splits).map(([split, path]) => `${split}: ${quote(path)}`);
  lines.push(`nc: ${names.length}`, "names:", ...names.map((name, i) => `  ${i}: ${quote(name)}`));
  return `${lines.join("\n")}\n`;
}

/**
 * A path relative to `root` with forward slashes: the reference id of an imported image.
 *
 * @example
 * ```ts
 * referenceIdOf("/data/coco8", "/data/coco8/images/train/a.jpg"); // "images/train/a.jpg"
 * ```
 */
export function referenceIdOf(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

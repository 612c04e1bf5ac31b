import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import {
  Annotation,
  type Annotation as AnnotationData,
  DatasetItem,
  type DatasetItem as DatasetItemData,
  Prediction,
  type Prediction as PredictionData,
} from "@nucleus/schemas";
import { readNdjson } from "@nucleus/upload";
import { UsageError } from "./args.js";
import { CliError } from "./output.js";

const IMAGE = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"]);

/** What `nu upload` sends: items, ground truth or predictions. */
export type EntryKind = "items" | "annotations" | "predictions";

/** The domain type of each kind. */
export interface EntryOf {
  items: DatasetItemData;
  annotations: AnnotationData;
  predictions: PredictionData;
}

const CODECS = { items: DatasetItem, annotations: Annotation, predictions: Prediction } as const;

/** The images under `dir`, recursively, in name order; the reference id is the path under `dir`. */
export function* imagesIn(dir: string, root = dir): Generator<{ imageUrl: string; referenceId: string }> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* imagesIn(path, root);
    else if (IMAGE.has(extname(name).toLowerCase()))
      yield { imageUrl: path, referenceId: relative(root, path) };
  }
}

/**
 * Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes doubled,
 * and line breaks). Blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      row.push(cell);
      if (row.some((value) => value !== "")) rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((value) => value !== "")) rows.push(row);
  return rows;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A CSV cell as metadata: numbers become numbers and `true`/`false` booleans, unless its column
 * is listed in `strings`; empty cells are left out.
 */
export function csvValue(value: string, column: string, strings: ReadonlySet<string>): unknown {
  if (strings.has(column)) return value;
  const trimmed = value.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
  return value;
}

/**
 * Items from a CSV with a header naming `image_url` and `reference_id`; every other column
 * becomes metadata, typed by {@link csvValue}. `width` and `height` columns set the image size.
 */
export function csvItems(path: string, stringColumns: readonly string[] = []): DatasetItemData[] {
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8"));
  const columns = (header ?? []).map((c) => c.trim());
  if (!columns.includes("image_url") || !columns.includes("reference_id")) {
    throw new CliError(
      "Bad CSV",
      `${path} needs image_url and reference_id columns`,
      "Add a header line: image_url,reference_id,...",
    );
  }
  const unknown = stringColumns.filter((c) => !columns.includes(c));
  if (unknown.length)
    throw new UsageError(`--string-columns names ${unknown.join(", ")}, which ${path} does not have`);
  const strings = new Set(stringColumns);
  return rows.map((values, row) => {
    if (values.length > columns.length)
      throw new CliError(
        "Bad CSV",
        `${path}: line ${row + 2} has ${values.length} cells but the header has ${columns.length}`,
        "Quote cells that hold commas",
      );
    const item: DatasetItemData = { imageUrl: "", referenceId: "" };
    const metadata: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = values[i] ?? "";
      if (column === "image_url") item.imageUrl = value.trim();
      else if (column === "reference_id") item.referenceId = value.trim();
      else if ((column === "width" || column === "height") && NUMBER.test(value.trim()))
        item[column] = Number(value);
      else if (value !== "") metadata[column] = csvValue(value, column, strings);
    });
    if (Object.keys(metadata).length) item.metadata = metadata as DatasetItemData["metadata"];
    return item;
  });
}

/**
 * An entry as `nu` prints it with `--json` (an item record, or an annotation of
 * `nu items get`), made into what an upload takes: `originalImageUrl` is the image, and
 * server-made fields (`id`, processed URLs) are dropped.
 */
function fromPrinted(kind: EntryKind, entry: Record<string, unknown>): Record<string, unknown> {
  if (kind !== "items") {
    const { id: _id, itemId: _item, datasetItemId: _dsItem, modelRunId: _run, ...rest } = entry;
    return rest;
  }
  const {
    id: _id,
    originalImageUrl,
    processedUrl: _processed,
    refId,
    phash: _phash,
    ...rest
  } = entry as Record<string, unknown>;
  const item = { ...rest };
  if (item.imageUrl === undefined && originalImageUrl !== undefined) item.imageUrl = originalImageUrl;
  if (item.referenceId === undefined && refId !== undefined) item.referenceId = refId;
  for (const key of ["width", "height"]) if (item[key] === null) delete item[key];
  if (item.metadata === null) delete item.metadata;
  return item;
}

/**
 * One line or element of a Nucleus file, in the wire's snake_case or the camelCase that `--json`
 * prints, as a domain object. Anything that is not an object is handed on as it is, so the
 * uploader reports it as invalid with its position.
 */
export function toEntry<K extends EntryKind>(kind: K, value: unknown): EntryOf[K] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value as EntryOf[K];
  return fromPrinted(kind, CODECS[kind].fromWire(value as never) as Record<string, unknown>) as EntryOf[K];
}

/** The entries of a `.json` document: an array of entries, one entry, or what `nu items get --json` prints. */
function documentEntries<K extends EntryKind>(kind: K, document: unknown): EntryOf[K][] {
  const list = Array.isArray(document) ? document : [document];
  return list.flatMap((value) => {
    const printed = value as { item?: unknown; annotations?: Record<string, unknown> } | null;
    // `nu items get --json` prints `{ item, annotations: { box: [...], ... } }`.
    if (printed && typeof printed === "object" && "item" in printed && "annotations" in printed) {
      if (kind === "items") return [toEntry(kind, printed.item)];
      const reference = (printed.item as { referenceId?: string } | undefined)?.referenceId;
      return Object.values(printed.annotations ?? {})
        .flatMap((group) => (Array.isArray(group) ? group : [group]))
        .map((entry) => toEntry(kind, { referenceId: reference, ...(entry as object) }));
    }
    return [toEntry(kind, value)];
  });
}

/** True when a parsed `.json` document is COCO (ground truth or results), not Nucleus entries. */
export function isCoco(document: unknown): boolean {
  if (Array.isArray(document))
    return document.length > 0 && document.every((d) => d && typeof d === "object" && "image_id" in d);
  return Boolean(
    document && typeof document === "object" && "images" in document && "annotations" in document,
  );
}

/** Reads a `.json` document, with an error naming the file when it is not JSON. */
export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(
      "Cannot read file",
      `${path}: ${(error as Error).message}`,
      "Check the path and that it is JSON",
    );
  }
}

/**
 * The entries of a Nucleus file: NDJSON (one entry a line, read in constant memory) or, for a
 * `.json` file, a JSON document (see {@link documentEntries}).
 */
export function nucleusEntries<K extends EntryKind>(
  kind: K,
  path: string,
  document?: unknown,
): EntryOf[K][] | AsyncGenerator<EntryOf[K]> {
  if (path.endsWith(".json")) return documentEntries(kind, document ?? readJsonFile(path));
  return (async function* () {
    for await (const value of readNdjson(path, { fromWire: (wire: unknown) => wire }))
      yield toEntry(kind, value);
  })();
}

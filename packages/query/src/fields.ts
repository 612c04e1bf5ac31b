import type { FieldNode } from "./ast.js";

/** What a query selects: items, or objects (annotations, predictions or match rows). */
export type Scope = "item" | "object";

/** The kind of value a field holds; `any` when it is not known (metadata without a schema). */
export type ValueType = "number" | "string" | "boolean" | "list" | "any";

/**
 * Annotation types that `annotations.<type>.count` counts.
 *
 * @example
 * ```ts
 * import { ANNOTATION_TYPES } from "@nucleus/query";
 *
 * ANNOTATION_TYPES.includes("box"); // true
 * ```
 */
export const ANNOTATION_TYPES = [
  "box",
  "polygon",
  "line",
  "keypoints",
  "cuboid",
  "category",
  "multicategory",
  "mask",
] as const;

/** A field the query names, resolved to what it means. */
export type ResolvedField =
  /** A column of the item: `item.reference_id` (or, in object scope, the object's item). */
  | { kind: "item"; column: "reference_id" | "id" | "type" | "width" | "height"; type: ValueType }
  /** A metadata value of the item or of the object, by key path. */
  | { kind: "metadata"; owner: "item" | "object"; path: string[]; type: ValueType }
  /**
   * How many ground-truth annotations or predictions an item has: all of them, those with a
   * label, or those of an annotation type.
   */
  | {
      kind: "count";
      source: "annotations" | "predictions";
      label?: string;
      annotationType?: string;
      type: "number";
    }
  /** Whether the item is in a slice (named by id or name). */
  | { kind: "slice"; slice: string; type: "boolean" }
  /** The item's tags. */
  | { kind: "tags"; type: "list" }
  /** The item's review status. */
  | { kind: "review"; type: "string" }
  /** The score in [-1, 1] an autotag (named by its name) gave the item. */
  | { kind: "autotag"; name: string; type: "number" }
  /** A score of the item's embedding, in [0, 1]: how far it lies from its nearest neighbours. */
  | { kind: "embedding"; score: "uniqueness" | "representativeness"; type: "number" }
  /** A column of the object. */
  | {
      kind: "object";
      column: "label" | "type" | "annotation_id" | "area" | "width" | "height" | "x" | "y" | "confidence";
      type: ValueType;
    }
  /** A column of a match row (patch modes and evaluations). */
  | { kind: "match"; column: "iou" | "match_type" | "gt_label" | "pred_label"; type: ValueType };

/** Known types of metadata keys (dotted paths), e.g. from a dataset's metadata schema. */
export type MetadataTypes = Readonly<Record<string, ValueType>>;

/** One kind of field a scope offers, for help and autocomplete. */
export interface FieldInfo {
  /** How it is written; `<key>` and `<label>` stand for a name. */
  pattern: string;
  type: ValueType;
  description: string;
}

const ITEM_COLUMNS = {
  reference_id: "string",
  id: "string",
  type: "string",
  width: "number",
  height: "number",
} as const;
const OBJECT_COLUMNS = {
  label: "string",
  type: "string",
  annotation_id: "string",
  area: "number",
  width: "number",
  height: "number",
  x: "number",
  y: "number",
  confidence: "number",
} as const;
const MATCH_COLUMNS = {
  iou: "number",
  match_type: "string",
  gt_label: "string",
  pred_label: "string",
} as const;

/**
 * The fields of each scope, for help and autocomplete.
 *
 * @example
 * ```ts
 * import { FIELDS } from "@nucleus/query";
 *
 * for (const field of FIELDS.item) console.log(field.pattern, field.description);
 * ```
 */
export const FIELDS: Readonly<Record<Scope, readonly FieldInfo[]>> = {
  item: [
    ...Object.entries(ITEM_COLUMNS).map(([column, type]) => ({
      pattern: `item.${column}`,
      type,
      description: `the item's ${column.replace("_", " ")}`,
    })),
    { pattern: "metadata.<key>", type: "any", description: "an item metadata value" },
    { pattern: "annotations.count", type: "number", description: "ground-truth annotations on the item" },
    {
      pattern: "annotations.<label>",
      type: "number",
      description: "ground-truth annotations with that label",
    },
    {
      pattern: "annotations.<type>.count",
      type: "number",
      description: "ground-truth annotations of a type (box, polygon, ...)",
    },
    {
      pattern: "predictions.count",
      type: "number",
      description: "predictions on the item (of the chosen model run)",
    },
    { pattern: "predictions.<label>", type: "number", description: "predictions with that label" },
    { pattern: "predictions.<type>.count", type: "number", description: "predictions of a type" },
    { pattern: "slice.<id or name>", type: "boolean", description: "true when the item is in that slice" },
    { pattern: "tags", type: "list", description: 'the item\'s tags (tags CONTAINS "hard")' },
    { pattern: "review.status", type: "string", description: "the item's review status" },
    {
      pattern: "autotag.<name>",
      type: "number",
      description: "the item's score from that autotag, in [-1, 1] (autotag.rain > 0.5)",
    },
    {
      pattern: "embedding.uniqueness",
      type: "number",
      description: "how far the item's vector lies from its nearest neighbours, in [0, 1] (once computed)",
    },
    {
      pattern: "embedding.representativeness",
      type: "number",
      description: "how close the item's vector lies to the centre of its cluster, in [0, 1] (once computed)",
    },
  ],
  object: [
    ...Object.entries(OBJECT_COLUMNS).map(([column, type]) => ({
      pattern: column,
      type,
      description: `the object's ${column.replace("_", " ")}`,
    })),
    { pattern: "metadata.<key>", type: "any", description: "an object metadata value" },
    ...Object.entries(ITEM_COLUMNS).map(([column, type]) => ({
      pattern: `item.${column}`,
      type,
      description: `its item's ${column.replace("_", " ")}`,
    })),
    { pattern: "item.metadata.<key>", type: "any", description: "a metadata value of its item" },
    ...Object.entries(MATCH_COLUMNS).map(([column, type]) => ({
      pattern: column,
      type,
      description: `the match row's ${column.replace("_", " ")} (patch modes and evaluations)`,
    })),
  ],
};

/**
 * A reason a field does not resolve, shown at the field's position.
 *
 * @example
 * ```ts
 * import { parseQuery, resolveField, UnknownField } from "@nucleus/query";
 *
 * const tree = parseQuery("label = 'car'");
 * if (tree?.kind === "compare" && tree.left.kind === "field") {
 *   const field = resolveField(tree.left, "item");
 *   if (field instanceof UnknownField) console.log(field.message);
 * }
 * ```
 */
export class UnknownField {
  constructor(readonly message: string) {}
}

const ITEM_HINT =
  "item.*, metadata.*, annotations.*, predictions.*, slice.*, tags, review.status, autotag.*, embedding.uniqueness, embedding.representativeness";
const OBJECT_HINT =
  "label, type, annotation_id, area, width, height, x, y, confidence, metadata.*, item.*, iou, match_type, gt_label, pred_label";

function metadataType(types: MetadataTypes | undefined, path: readonly string[]): ValueType {
  return types?.[path.join(".")] ?? "any";
}

function counted(source: "annotations" | "predictions", field: FieldNode): ResolvedField | UnknownField {
  const [, second, third] = field.path;
  const quoted = field.quoted;
  if (field.path.length === 2 && second === "count" && !quoted[1])
    return { kind: "count", source, type: "number" };
  if (field.path.length === 2) return { kind: "count", source, label: second as string, type: "number" };
  if (field.path.length === 3 && third === "count" && !quoted[2] && !quoted[1]) {
    if (!(ANNOTATION_TYPES as readonly string[]).includes(second as string))
      return new UnknownField(
        `${second} is not an annotation type (${ANNOTATION_TYPES.join(", ")}); quote a label: ${source}."${second}"`,
      );
    return { kind: "count", source, annotationType: second as string, type: "number" };
  }
  return new UnknownField(`expected ${source}.count, ${source}.<label> or ${source}.<type>.count`);
}

/** Resolves a field of the item scope. */
function itemField(field: FieldNode, metadata: MetadataTypes | undefined): ResolvedField | UnknownField {
  const [head, second] = field.path;
  const plain = !field.quoted[0];
  if (
    plain &&
    head === "item" &&
    field.path.length === 2 &&
    second &&
    second in ITEM_COLUMNS &&
    !field.quoted[1]
  )
    return {
      kind: "item",
      column: second as keyof typeof ITEM_COLUMNS,
      type: ITEM_COLUMNS[second as keyof typeof ITEM_COLUMNS],
    };
  if (plain && head === "metadata" && field.path.length >= 2)
    return {
      kind: "metadata",
      owner: "item",
      path: field.path.slice(1),
      type: metadataType(metadata, field.path.slice(1)),
    };
  if (plain && (head === "annotations" || head === "predictions") && field.path.length >= 2)
    return counted(head, field);
  if (plain && head === "slice" && field.path.length === 2)
    return { kind: "slice", slice: second as string, type: "boolean" };
  if (plain && head === "tags" && field.path.length === 1) return { kind: "tags", type: "list" };
  if (plain && head === "review" && field.path.length === 2 && second === "status")
    return { kind: "review", type: "string" };
  if (plain && head === "autotag" && field.path.length === 2)
    return { kind: "autotag", name: second as string, type: "number" };
  if (
    plain &&
    head === "embedding" &&
    field.path.length === 2 &&
    (second === "uniqueness" || second === "representativeness") &&
    !field.quoted[1]
  )
    return { kind: "embedding", score: second, type: "number" };
  return new UnknownField(`unknown field for items (fields: ${ITEM_HINT})`);
}

/** Resolves a field of the object scope. */
function objectField(
  field: FieldNode,
  metadata: MetadataTypes | undefined,
  objectMetadata: MetadataTypes | undefined,
): ResolvedField | UnknownField {
  const [head, second] = field.path;
  const plain = !field.quoted[0];
  if (plain && field.path.length === 1 && head && head in OBJECT_COLUMNS)
    return {
      kind: "object",
      column: head as keyof typeof OBJECT_COLUMNS,
      type: OBJECT_COLUMNS[head as keyof typeof OBJECT_COLUMNS],
    };
  if (plain && field.path.length === 1 && head && head in MATCH_COLUMNS)
    return {
      kind: "match",
      column: head as keyof typeof MATCH_COLUMNS,
      type: MATCH_COLUMNS[head as keyof typeof MATCH_COLUMNS],
    };
  if (plain && head === "metadata" && field.path.length >= 2)
    return {
      kind: "metadata",
      owner: "object",
      path: field.path.slice(1),
      type: metadataType(objectMetadata, field.path.slice(1)),
    };
  if (plain && head === "item" && second === "metadata" && !field.quoted[1] && field.path.length >= 3)
    return {
      kind: "metadata",
      owner: "item",
      path: field.path.slice(2),
      type: metadataType(metadata, field.path.slice(2)),
    };
  if (
    plain &&
    head === "item" &&
    field.path.length === 2 &&
    second &&
    second in ITEM_COLUMNS &&
    !field.quoted[1]
  )
    return {
      kind: "item",
      column: second as keyof typeof ITEM_COLUMNS,
      type: ITEM_COLUMNS[second as keyof typeof ITEM_COLUMNS],
    };
  return new UnknownField(`unknown field for objects (fields: ${OBJECT_HINT})`);
}

/**
 * Resolves a field in a scope, or says why it does not resolve.
 *
 * @example
 * ```ts
 * import { parseQuery, resolveField } from "@nucleus/query";
 *
 * const tree = parseQuery("annotations.car >= 3");
 * if (tree?.kind === "compare" && tree.left.kind === "field")
 *   console.log(resolveField(tree.left, "item")); // { kind: "count", source: "annotations", label: "car", ... }
 * ```
 */
export function resolveField(
  field: FieldNode,
  scope: Scope,
  types: { metadata?: MetadataTypes; objectMetadata?: MetadataTypes } = {},
): ResolvedField | UnknownField {
  return scope === "item"
    ? itemField(field, types.metadata)
    : objectField(field, types.metadata, types.objectMetadata);
}

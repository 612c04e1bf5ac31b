import * as z from "zod";

/** A JSON primitive. Numbers are finite: the wire forbids NaN and Infinity. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value, as it may appear in user metadata. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object of user data (`metadata`, `class_pdf` values are separate). */
export type JsonObject = { [key: string]: JsonValue };

/**
 * How deep user JSON (metadata) may nest. Deeper values are refused with an issue that names the
 * limit: checking them would otherwise recurse as deep as they go.
 */
export const MAX_JSON_DEPTH = 64;

/** Asks the issue formatter to print the offending value after the message. */
const SHOW_VALUE = { showValue: true };

/**
 * Any JSON value. Rejects `NaN`, `Infinity`, `undefined`, functions, class instances and cycles
 * at any depth, naming the exact path of each (`metadata.a.b[1] must be a finite number`).
 *
 * @example
 * ```ts
 * JsonValueSchema.parse({ weather: "rain", tags: ["a", "b"], score: 0.5 });
 * ```
 */
export const JsonValueSchema: z.ZodType<JsonValue> = z.custom<JsonValue>().superRefine((value, ctx) => {
  if (!isPlainJson(value, new Set())) reportJsonIssues(value, [], new Set(), ctx);
});

function isPlainObject(node: object): boolean {
  const proto = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
}

/** The allocation-free check that almost every value passes. */
function isPlainJson(node: unknown, ancestors: Set<object>, depth = 0): boolean {
  switch (typeof node) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(node);
    case "object": {
      if (node === null) return true;
      if (ancestors.has(node) || depth >= MAX_JSON_DEPTH) return false;
      const array = Array.isArray(node);
      if (!array && !isPlainObject(node)) return false;
      ancestors.add(node);
      let ok = true;
      if (array) {
        for (const entry of node) if (!isPlainJson(entry, ancestors, depth + 1)) ok = false;
      } else {
        for (const key in node)
          if (!isPlainJson((node as Record<string, unknown>)[key], ancestors, depth + 1)) ok = false;
      }
      ancestors.delete(node);
      return ok;
    }
    default:
      return false;
  }
}

/** The slow walk, run only on bad values: one issue per bad leaf, with its path. */
function reportJsonIssues(
  node: unknown,
  path: (string | number)[],
  ancestors: Set<object>,
  ctx: z.RefinementCtx,
): void {
  switch (typeof node) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(node)) {
        ctx.addIssue({ code: "custom", path, message: "must be a finite number", params: SHOW_VALUE });
      }
      return;
    case "object": {
      if (node === null) return;
      if (ancestors.has(node)) {
        ctx.addIssue({ code: "custom", path, message: "must not contain itself" });
        return;
      }
      if (path.length >= MAX_JSON_DEPTH) {
        ctx.addIssue({ code: "custom", path, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` });
        return;
      }
      if (!Array.isArray(node) && !isPlainObject(node)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: "must be plain JSON (an object, array, string, number, boolean or null)",
        });
        return;
      }
      ancestors.add(node);
      const entries: [string | number, unknown][] = Array.isArray(node)
        ? [...node.entries()]
        : Object.entries(node);
      for (const [key, entry] of entries) reportJsonIssues(entry, [...path, key], ancestors, ctx);
      ancestors.delete(node);
      return;
    }
    default:
      ctx.addIssue({
        code: "custom",
        path,
        message: `must be JSON, not ${node === undefined ? "undefined" : `a ${typeof node}`}`,
      });
  }
}

/**
 * Free-form user metadata attached to items, annotations, predictions, models and runs: a JSON
 * object. Its keys belong to the user: codecs never rename them.
 *
 * @example
 * ```ts
 * MetadataSchema.parse({ camera: "front", weather: { rain: true } });
 * ```
 */
export const MetadataSchema: z.ZodType<{ [key: string]: JsonValue }> = z
  .custom<{ [key: string]: JsonValue }>()
  .superRefine((value, ctx) => {
    if (typeof value !== "object" || value === null || Array.isArray(value) || !isPlainObject(value)) {
      ctx.addIssue({ code: "custom", path: [], message: "must be an object", params: SHOW_VALUE });
      return;
    }
    if (!isPlainJson(value, new Set())) reportJsonIssues(value, [], new Set(), ctx);
  });

/** Free-form user metadata (see {@link MetadataSchema}). */
export type Metadata = { [key: string]: JsonValue };

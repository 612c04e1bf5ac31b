import { z } from "zod";

/** A JSON primitive. Numbers are finite: the wire forbids NaN and Infinity. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value, as it may appear in user metadata. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object of user data (`metadata`, `class_pdf` values are separate). */
export type JsonObject = { [key: string]: JsonValue };

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
  const ancestors = new Set<object>();
  const visit = (node: unknown, path: (string | number)[]): void => {
    switch (typeof node) {
      case "string":
      case "boolean":
        return;
      case "number":
        if (!Number.isFinite(node))
          ctx.addIssue({ code: "custom", path, message: "must be a finite number", params: SHOW_VALUE });
        return;
      case "object": {
        if (node === null) return;
        if (ancestors.has(node)) {
          ctx.addIssue({ code: "custom", path, message: "must not contain itself" });
          return;
        }
        const proto = Object.getPrototypeOf(node);
        if (!Array.isArray(node) && proto !== Object.prototype && proto !== null) {
          ctx.addIssue({
            code: "custom",
            path,
            message: "must be plain JSON (an object, array, string, number, boolean or null)",
          });
          return;
        }
        ancestors.add(node);
        if (Array.isArray(node)) for (const [i, entry] of node.entries()) visit(entry, [...path, i]);
        else for (const [key, entry] of Object.entries(node)) visit(entry, [...path, key]);
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
  };
  visit(value, []);
});

/**
 * Free-form user metadata attached to items, annotations, predictions, models and runs.
 * Its keys belong to the user: codecs never rename them.
 *
 * @example
 * ```ts
 * MetadataSchema.parse({ camera: "front", weather: { rain: true } });
 * ```
 */
export const MetadataSchema = z.record(z.string(), JsonValueSchema);

/** Free-form user metadata (see {@link MetadataSchema}). */
export type Metadata = z.infer<typeof MetadataSchema>;

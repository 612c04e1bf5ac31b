import { z } from "zod";

/** A JSON primitive. Numbers are finite: the wire forbids NaN and Infinity. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value, as it may appear in user metadata. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object of user data (`metadata`, `class_pdf` values are separate). */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Any JSON value. Rejects `NaN`, `Infinity`, `undefined`, functions and other non-JSON values,
 * at any depth.
 *
 * @example
 * ```ts
 * JsonValueSchema.parse({ weather: "rain", tags: ["a", "b"], score: 0.5 });
 * ```
 */
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

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

import type * as z from "zod";
import { type Camelize, camelCase } from "./case.js";
import { formatIssues, type PathPrefix, toIssues, type ValidationIssue } from "./issues.js";

type Convert = (value: unknown) => unknown;
type Direction = "fromWire" | "toWire";

const identity: Convert = (value) => value;

/** Zod 4 keeps its definition on `_zod.def`; only the fields read here are typed. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  in?: z.ZodType;
  values?: unknown[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "nonoptional", "catch"]);

/**
 * Builds the key converter for one schema and one direction, once: the converter renames the keys
 * of every object the schema declares and leaves record keys and unknown keys untouched.
 */
function compile(schema: z.ZodType, direction: Direction, seen: Map<z.ZodType, Convert>): Convert {
  const cached = seen.get(schema);
  if (cached) return cached;
  const def = defOf(schema);

  if (WRAPPERS.has(def.type) && def.innerType) return compile(def.innerType, direction, seen);
  if (def.type === "pipe" && def.in) return compile(def.in, direction, seen);

  if (def.type === "array" && def.element) {
    const element = compile(def.element, direction, seen);
    if (element === identity) return identity;
    return (value) => (Array.isArray(value) ? value.map(element) : value);
  }

  if (def.type === "tuple" && def.items) {
    const items = def.items.map((item) => compile(item, direction, seen));
    if (items.every((item) => item === identity)) return identity;
    return (value) => (Array.isArray(value) ? value.map((entry, i) => (items[i] ?? identity)(entry)) : value);
  }

  if (def.type === "record" && def.valueType) {
    const inner = compile(def.valueType, direction, seen);
    if (inner === identity) return identity;
    return (value) => {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = inner(value[key]);
      return out;
    };
  }

  if (def.type === "object" && def.shape) return compileObject(schema, def.shape, direction, seen);

  if (def.type === "union" && def.options) return compileUnion(def, direction, seen);

  // Primitives, literals, enums, lazy JSON values and `unknown` carry no keys of ours.
  return identity;
}

function compileObject(
  schema: z.ZodType,
  shape: Record<string, z.ZodType>,
  direction: Direction,
  seen: Map<z.ZodType, Convert>,
): Convert {
  // Placeholder for recursive schemas; replaced below.
  let converter: Convert = identity;
  seen.set(schema, (value) => converter(value));

  // A prototype-less lookup table: `for...in` plus a property read is the fastest path here.
  const fields: Record<string, { to: string; convert: Convert }> = Object.create(null);
  let renames = false;
  for (const [wireKey, fieldSchema] of Object.entries(shape)) {
    const domainKey = camelCase(wireKey);
    const convert = compile(fieldSchema, direction, seen);
    const [from, to] = direction === "fromWire" ? [wireKey, domainKey] : [domainKey, wireKey];
    if (from !== to || convert !== identity) renames = true;
    fields[from] = { to, convert };
  }

  converter = renames
    ? (value) => {
        if (!isPlainObject(value)) return value;
        const out: Record<string, unknown> = {};
        for (const key in value) {
          const field = fields[key];
          if (field === undefined) out[key] = value[key];
          else if (field.convert === identity) out[field.to] = value[key];
          else out[field.to] = field.convert(value[key]);
        }
        return out;
      }
    : identity;
  seen.set(schema, converter);
  return converter;
}

function compileUnion(def: Def, direction: Direction, seen: Map<z.ZodType, Convert>): Convert {
  const options = def.options ?? [];
  const converters = options.map((option) => compile(option, direction, seen));
  if (converters.every((convert) => convert === identity)) return identity;
  const discriminator = def.discriminator;
  if (!discriminator) {
    throw new Error("codec: a union of objects needs a discriminator (use z.discriminatedUnion)");
  }
  // The discriminator keeps its name in both directions (`type`).
  const byTag = new Map<unknown, Convert>();
  options.forEach((option, i) => {
    const tag = defOf(option).shape?.[discriminator];
    for (const value of tag ? (defOf(tag).values ?? []) : []) byTag.set(value, converters[i] ?? identity);
  });
  return (value) => {
    if (!isPlainObject(value)) return value;
    const convert = byTag.get(value[discriminator]);
    return convert ? convert(value) : value;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The result of checking one value against a wire schema. */
export type CheckResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/**
 * A wire object together with its camelCase domain form: the one place where Nucleus keys are
 * converted. `S` is the zod schema of the wire (snake_case) form; the domain (camelCase) form is
 * derived from it. Only `S` is a type parameter, so a codec's type stays short where it is shown.
 */
export interface Codec<S extends z.ZodType> {
  /** The zod schema of the wire form. */
  readonly schema: S;
  /** Renames the keys of a wire value into its domain form. Values are left untouched. */
  fromWire(wire: z.output<S>): Camelize<z.output<S>>;
  /** Renames the keys of a domain value into its wire form. Values are left untouched. */
  toWire(domain: Camelize<z.output<S>>): z.output<S>;
  /** Validates an unknown wire value; throws a {@link PayloadValidationError} naming every problem. */
  parse(wire: unknown, at?: PathPrefix): z.output<S>;
  /** Validates an unknown wire value and returns every problem instead of throwing. */
  check(wire: unknown, at?: PathPrefix): CheckResult<z.output<S>>;
  /** Validates a wire value and converts it into its domain form. */
  decode(wire: unknown, at?: PathPrefix): Camelize<z.output<S>>;
  /** Converts a domain value into its wire form and validates it. */
  encode(domain: Camelize<z.output<S>>, at?: PathPrefix): z.output<S>;
}

/**
 * Thrown when a payload does not match its schema. `issues` lists every problem, each with its
 * path; the message names them all (the first twenty in full).
 */
export class PayloadValidationError extends Error {
  /** Every problem found, in input order. */
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super(formatIssues(issues));
    this.name = "PayloadValidationError";
    this.issues = issues;
  }
}

/**
 * Creates the codec of a wire schema. Object keys become camelCase in the domain form; record keys
 * (metadata, `class_pdf` labels, sensor names) and values are never changed.
 *
 * @example
 * ```ts
 * import * as z from "zod";
 * import { createCodec } from "@nucleus/schemas";
 *
 * const Size = createCodec(z.object({ dataset_id: z.string(), count: z.number() }));
 * Size.fromWire({ dataset_id: "ds_1", count: 3 }); // { datasetId: "ds_1", count: 3 }
 * ```
 */
export function createCodec<S extends z.ZodType>(schema: S): Codec<S> {
  // Converters are compiled on first use, so importing the package costs little and codecs an
  // application never uses cost nothing.
  let toDomain: Convert | undefined;
  let toWireForm: Convert | undefined;
  const fromWire = (wire: unknown) => {
    toDomain ??= compile(schema, "fromWire", new Map());
    return toDomain(wire);
  };
  const toWire = (domain: unknown) => {
    toWireForm ??= compile(schema, "toWire", new Map());
    return toWireForm(domain);
  };
  const check = (wire: unknown, at?: PathPrefix): CheckResult<z.output<S>> => {
    const result = schema.safeParse(wire);
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, issues: toIssues(result.error, wire, at) };
  };
  const parse = (wire: unknown, at?: PathPrefix): z.output<S> => {
    const result = check(wire, at);
    if (!result.ok) throw new PayloadValidationError(result.issues);
    return result.value;
  };
  return {
    schema,
    fromWire: fromWire as Codec<S>["fromWire"],
    toWire: toWire as Codec<S>["toWire"],
    parse,
    check,
    decode: (wire, at) => fromWire(parse(wire, at)) as Camelize<z.output<S>>,
    encode: (domain, at) => parse(toWire(domain), at),
  };
}

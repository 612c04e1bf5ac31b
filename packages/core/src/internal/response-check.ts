import { JsonValueSchema, MAX_JSON_DEPTH, MetadataSchema } from "@nucleus/schemas";
import type * as z from "zod";

/** A check that a value passes its schema unchanged: zod would accept it and return its equal. */
export type SameCheck = (value: unknown) => boolean;

/** The parts of a zod 4 definition read here (zod keeps it on `_zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  values?: unknown[];
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  checks?: { _zod: { def: CheckDef } }[];
  /** Set on types that are themselves a check (`z.int()`, `z.email()`). */
  check?: string;
  getter?: () => z.ZodType;
}

/** The definition of a check: its kind and, for bounds, its limit. */
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: unknown;
  inclusive?: boolean;
}

interface Internals {
  def: Def;
  optin?: string;
  optout?: string;
}

const internalsOf = (schema: z.ZodType) => (schema as unknown as { _zod: Internals })._zod;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (!isObject(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * Whether a value is plain JSON (finite numbers, plain objects and arrays) nested less than
 * `MAX_JSON_DEPTH` deep, as `JsonValueSchema` has it. A cycle goes too deep, so it fails too.
 */
function isJson(node: unknown, depth: number): boolean {
  switch (typeof node) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(node);
    case "object": {
      if (node === null) return true;
      if (depth >= MAX_JSON_DEPTH) return false;
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i += 1) if (!isJson(node[i], depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(node)) return false;
      for (const key in node) if (!isJson(node[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** Types whose zod output may differ from their input (defaults, transforms, frozen copies). */
const CHANGING = new Set([
  "default",
  "prefault",
  "catch",
  "pipe",
  "transform",
  "readonly",
  "success",
  "codec",
  "promise",
  "function",
]);

/** Leaf types zod returns as they came in: checked by zod itself, keeping what it returns. */
const LEAVES = new Set(["custom", "enum", "template_literal", "nan", "undefined", "void", "never", "symbol"]);

const PRIMITIVES = new Set(["string", "number", "boolean", "bigint"]);

const compiled = new WeakMap<z.ZodType, SameCheck | null>();

/**
 * A fast check of JSON responses against a wire schema, or `undefined` where the schema may
 * change what it parses (defaults, transforms, frozen or stripped objects). When it passes, zod's
 * parse would succeed and return a value equal to its input, so the input can be used as it is:
 * no object is copied, and a valid page of thousands of entries costs a walk over it. When it
 * fails, the value is not necessarily invalid (an object with keys its schema strips, say): zod
 * decides and names the problems.
 *
 * @example
 * ```ts
 * const same = sameCheckOf(ItemsPageResponse.schema);
 * const value = same?.(body) ? body : ItemsPageResponse.parse(body);
 * ```
 */
export function sameCheckOf(schema: z.ZodType): SameCheck | undefined {
  let check = compiled.get(schema);
  if (check === undefined) {
    try {
      check = compile(schema, new Map());
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      check = null;
    }
    compiled.set(schema, check);
  }
  return check ?? undefined;
}

/** Thrown while compiling a schema the fast check cannot follow. */
class Unsupported extends Error {}

function compile(schema: z.ZodType, seen: Map<z.ZodType, SameCheck>): SameCheck {
  const cached = seen.get(schema);
  if (cached) return cached;
  // Recursive schemas come back here through `lazy`: they call the check being built.
  let built: SameCheck | undefined;
  seen.set(schema, (value) => (built as SameCheck)(value));
  built = withChecks(schema, compileType(schema, seen));
  seen.set(schema, built);
  return built;
}

/** A type's refinements (`min`, `max`, `superRefine`), run when the type itself passes. */
function withChecks(schema: z.ZodType, check: SameCheck): SameCheck {
  const { def } = internalsOf(schema);
  if (!def.checks?.length || LEAVES.has(def.type)) return check;
  if (def.checks.some((entry) => entry._zod.def.check === "overwrite")) throw new Unsupported();
  const bounds = def.checks.map((entry) => boundOf(entry._zod.def));
  if (bounds.every((bound) => bound !== undefined)) {
    return (value) => {
      if (!check(value)) return false;
      for (const bound of bounds) if (!(bound as SameCheck)(value)) return false;
      return true;
    };
  }
  // Only primitives and containers already found equal get here, so zod's own copy adds nothing.
  return (value) => check(value) && schema.safeParse(value).success;
}

/** The common bounds (lengths, number ranges) as plain comparisons; undefined for the others. */
function boundOf(def: CheckDef): SameCheck | undefined {
  const length = (value: unknown) => (value as { length: number }).length;
  switch (def.check) {
    case "min_length":
      return (value) => length(value) >= (def.minimum as number);
    case "max_length":
      return (value) => length(value) <= (def.maximum as number);
    case "length_equals":
      return (value) => length(value) === def.length;
    case "greater_than": {
      const limit = def.value as number;
      return def.inclusive ? (value) => (value as number) >= limit : (value) => (value as number) > limit;
    }
    case "less_than": {
      const limit = def.value as number;
      return def.inclusive ? (value) => (value as number) <= limit : (value) => (value as number) < limit;
    }
    default:
      return undefined;
  }
}

/** A leaf checked by zod: accepted when zod returns the very value it was given. */
const byZod =
  (schema: z.ZodType): SameCheck =>
  (value) => {
    const result = schema.safeParse(value);
    return result.success && result.data === value;
  };

function compileType(schema: z.ZodType, seen: Map<z.ZodType, SameCheck>): SameCheck {
  // User JSON (metadata) is checked by a refinement zod cannot skip; this is the same walk.
  if (schema === MetadataSchema) return (value) => isPlainObject(value) && isJson(value, 0);
  if (schema === JsonValueSchema) return (value) => isJson(value, 0);
  const { def } = internalsOf(schema);
  if (CHANGING.has(def.type)) throw new Unsupported();
  if (LEAVES.has(def.type)) return byZod(schema);
  if (def.check !== undefined) {
    // A format of its own (`z.int()`, `z.email()`): zod checks the primitive.
    if (PRIMITIVES.has(def.type)) return byZod(schema);
    throw new Unsupported();
  }
  switch (def.type) {
    case "string":
      return (value) => typeof value === "string";
    case "number":
      return (value) => typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return (value) => typeof value === "boolean";
    case "null":
      return (value) => value === null;
    case "unknown":
    case "any":
      return () => true;
    case "literal": {
      const values = def.values ?? [];
      return (value) => values.includes(value);
    }
    case "optional": {
      const inner = compile(def.innerType as z.ZodType, seen);
      return (value) => value === undefined || inner(value);
    }
    case "nullable": {
      const inner = compile(def.innerType as z.ZodType, seen);
      return (value) => value === null || inner(value);
    }
    case "nonoptional": {
      const inner = compile(def.innerType as z.ZodType, seen);
      return (value) => value !== undefined && inner(value);
    }
    case "lazy":
      return compile((def.getter as () => z.ZodType)(), seen);
    case "array": {
      const element = compile(def.element as z.ZodType, seen);
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i += 1) if (!element(value[i])) return false;
        return true;
      };
    }
    case "tuple": {
      const items = (def.items ?? []).map((item) => compile(item, seen));
      // A rest element or optional trailing items: zod decides.
      if (def.rest) throw new Unsupported();
      return (value) => {
        if (!Array.isArray(value) || value.length !== items.length) return false;
        for (let i = 0; i < items.length; i += 1) if (!(items[i] as SameCheck)(value[i])) return false;
        return true;
      };
    }
    case "record":
      return compileRecord(def, seen);
    case "object":
      return compileObject(def, seen);
    case "union":
      return compileUnion(def, seen);
    default:
      throw new Unsupported();
  }
}

function compileRecord(def: Def, seen: Map<z.ZodType, SameCheck>): SameCheck {
  const key = internalsOf(def.keyType as z.ZodType).def;
  // Records keyed by enums or checked keys are exhaustive or renamed: zod decides.
  if (key.type !== "string" || key.checks?.length) throw new Unsupported();
  const inner = compile(def.valueType as z.ZodType, seen);
  return (value) => {
    if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
    for (const name in value) {
      if (name === "__proto__" || !inner(value[name])) return false;
    }
    return true;
  };
}

function compileObject(def: Def, seen: Map<z.ZodType, SameCheck>): SameCheck {
  const shape = def.shape ?? {};
  const names = Object.keys(shape);
  const fields = names.map((name) => {
    const field = shape[name] as z.ZodType;
    const { optin, optout } = internalsOf(field);
    return { name, check: compile(field, seen), absentOk: optin === "optional" && optout === "optional" };
  });
  const known = new Set(names);
  const catchall = def.catchall;
  // A plain object strips the keys it does not know, a strict one refuses them: either way such
  // a value is not passed on unchanged, so zod decides.
  const extra: SameCheck | undefined =
    catchall && internalsOf(catchall).def.type !== "never" ? compile(catchall, seen) : undefined;
  return (value) => {
    if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
    for (const field of fields) {
      const entry = value[field.name];
      if (entry === undefined && !(field.name in value)) {
        if (!field.absentOk) return false;
      } else if (!field.check(entry)) return false;
    }
    for (const name in value) {
      if (!known.has(name) && (extra === undefined || name === "__proto__" || !extra(value[name])))
        return false;
    }
    return true;
  };
}

function compileUnion(def: Def, seen: Map<z.ZodType, SameCheck>): SameCheck {
  const options = def.options ?? [];
  const checks = options.map((option) => compile(option, seen));
  const discriminator = def.discriminator;
  if (discriminator) {
    // zod picks the option by the discriminator's value; so does this.
    const byTag = new Map<unknown, SameCheck>();
    options.forEach((option, i) => {
      const tag = internalsOf(option).def.shape?.[discriminator];
      if (!tag) throw new Unsupported();
      const { def: tagDef } = internalsOf(tag);
      if (tagDef.type !== "literal") throw new Unsupported();
      for (const value of tagDef.values ?? []) {
        if (byTag.has(value)) throw new Unsupported();
        byTag.set(value, checks[i] as SameCheck);
      }
    });
    return (value) => {
      if (!isObject(value)) return false;
      const check = byTag.get(value[discriminator]);
      return check?.(value) === true;
    };
  }
  // zod returns the first option that parses: an earlier option that fails here but that zod
  // accepts (one that strips a key, say) would give another value, so zod decides then.
  return (value) => {
    for (let i = 0; i < checks.length; i += 1) {
      if ((checks[i] as SameCheck)(value)) return true;
      if ((options[i] as z.ZodType).safeParse(value).success) return false;
    }
    return false;
  };
}

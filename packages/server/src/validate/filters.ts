/**
 * Annotation and prediction filters of the standard evaluation functions, in the official
 * client's wire form: each filter is `[key, op, value, allow_missing, type]` (or an object with
 * those keys); a flat list is an AND chain, a list of lists an OR of AND chains.
 */

/** One filter, read from the wire. */
interface Filter {
  key: string;
  op: string;
  value: unknown;
  allowMissing: boolean;
  type: string;
}

/** A filter that cannot be read: its position and what is wrong. */
export class EvalFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalFilterError";
  }
}

const OPS = new Set([">", ">=", "<", "<=", "=", "==", "!=", "in", "not in"]);
const TYPES = new Set(["field", "metadata", "segment_field", "segment_metadata"]);

function readFilter(raw: unknown, where: string): Filter {
  let key: unknown;
  let op: unknown;
  let value: unknown;
  let allowMissing: unknown = false;
  let type: unknown = "field";
  if (Array.isArray(raw)) [key, op, value, allowMissing = false, type = "field"] = raw;
  else if (raw !== null && typeof raw === "object") {
    ({
      key,
      op,
      value,
      allow_missing: allowMissing = false,
      type = "field",
    } = raw as Record<string, unknown>);
  } else throw new EvalFilterError(`${where}: a filter is [key, op, value, allow_missing, type]`);
  if (typeof key !== "string" || key === "") throw new EvalFilterError(`${where}: key must be a string`);
  if (typeof op !== "string" || !OPS.has(op)) {
    throw new EvalFilterError(`${where}: op must be one of ${[...OPS].join(", ")}`);
  }
  if (typeof type !== "string" || !TYPES.has(type)) {
    throw new EvalFilterError(`${where}: type must be one of ${[...TYPES].join(", ")}`);
  }
  if ((op === "in" || op === "not in") && !Array.isArray(value)) {
    throw new EvalFilterError(`${where}: op "${op}" needs a list value`);
  }
  return { key, op, value, allowMissing: Boolean(allowMissing), type };
}

/** A parsed filter expression: an OR of AND chains; null keeps everything. */
export type FilterExpression = Filter[][] | null;

/**
 * Reads the filters of one argument (`annotation_filters` or `prediction_filters`); throws
 * {@link EvalFilterError} naming the argument and the position of a filter it cannot read.
 */
export function parseFilters(raw: unknown, name: string): FilterExpression {
  if (raw === null || raw === undefined) return null;
  if (!Array.isArray(raw)) throw new EvalFilterError(`${name}: filters are a list`);
  if (raw.length === 0) return null;
  // A list of lists is DNF; a list of filters (each itself a list or object) is one AND chain.
  const isDnf = raw.every(
    (entry) => Array.isArray(entry) && entry.every((f) => Array.isArray(f) || isObject(f)),
  );
  const chains: unknown[][] = isDnf ? (raw as unknown[][]) : [raw];
  return chains.map((chain, i) =>
    chain.map((filter, j) => readFilter(filter, isDnf ? `${name}[${i}][${j}]` : `${name}[${j}]`)),
  );
}

const isObject = (value: unknown): boolean =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function compare(actual: unknown, op: string, expected: unknown): boolean {
  switch (op) {
    case "=":
    case "==":
      return actual === expected;
    case "!=":
      return actual !== expected;
    case "in":
      return (expected as unknown[]).includes(actual);
    case "not in":
      return !(expected as unknown[]).includes(actual);
    default: {
      if (typeof actual !== typeof expected || (typeof actual !== "number" && typeof actual !== "string")) {
        return false;
      }
      const a = actual as number | string;
      const e = expected as number | string;
      return op === ">" ? a > e : op === ">=" ? a >= e : op === "<" ? a < e : a <= e;
    }
  }
}

/** Whether one label passes one filter; segment filters apply to masks only and pass here. */
function passes(label: Record<string, unknown>, filter: Filter): boolean {
  if (filter.type === "segment_field" || filter.type === "segment_metadata") return true;
  const source =
    filter.type === "metadata"
      ? ((label.metadata as Record<string, unknown> | null | undefined) ?? {})
      : label;
  if (!(filter.key in source))
    return filter.allowMissing ? false : compare(undefined, filter.op, filter.value);
  return compare(source[filter.key], filter.op, filter.value);
}

/** The labels an expression keeps. */
export function applyFilters<T extends object>(labels: readonly T[], expression: FilterExpression): T[] {
  if (expression === null) return [...labels];
  return labels.filter((label) =>
    expression.some((chain) => chain.every((filter) => passes(label as Record<string, unknown>, filter))),
  );
}

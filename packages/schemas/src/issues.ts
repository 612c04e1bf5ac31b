import type * as z from "zod";

/** One problem found while validating a payload. */
export interface ValidationIssue {
  /** Where the problem is, from the validated value's root (`["annotations", 3, "geometry", "width"]`). */
  path: (string | number)[];
  /** What is wrong, phrased as a rule (`must be >= 0`). */
  message: string;
  /** The offending value (`undefined` when it is missing). */
  received: unknown;
  /** The reference id of the nearest enclosing item or annotation, when it has one. */
  referenceId?: string;
  /** The full sentence: `annotations[3] (reference_id "img_7"): geometry.width must be >= 0, got -2`. */
  text: string;
}

type RawIssue = z.core.$ZodIssue;

/** Converts zod issues into {@link ValidationIssue}s that name the item, the field and the value. */
export function toIssues(error: z.ZodError, input: unknown, at?: PathPrefix): ValidationIssue[] {
  const prefix = at === undefined ? [] : typeof at === "string" ? [at] : at;
  return error.issues.map((issue) => describeIssue(issue, input, prefix));
}

/** Where a validated value sits in a larger payload: `"items"`, or `["annotations", 3]`. */
export type PathPrefix = string | (string | number)[];

function describeIssue(issue: RawIssue, input: unknown, prefix: (string | number)[]): ValidationIssue {
  const relative = toKeys(issue.path);
  const fieldPath = relative;
  const received = valueAt(input, fieldPath);

  // Find the deepest array element on the path that carries a reference id: it names the entry.
  let splitAt = 0;
  let referenceId: string | undefined;
  let cursor: unknown = input;
  fieldPath.forEach((key, i) => {
    cursor = step(cursor, key);
    if (typeof key === "number") {
      const ref = referenceOf(cursor);
      if (ref !== undefined) {
        referenceId = ref;
        splitAt = i + 1;
      }
    }
  });
  if (referenceId === undefined) {
    const rootRef = referenceOf(input);
    if (rootRef !== undefined) referenceId = rootRef;
  }

  const path = [...prefix, ...fieldPath];
  const where = [
    formatPath([...prefix, ...fieldPath.slice(0, splitAt)]),
    referenceId !== undefined ? `(reference_id ${JSON.stringify(referenceId)})` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const field = formatPath(fieldPath.slice(splitAt));
  const rule = ruleOf(issue, received);
  const sentence = `${field ? `${field} ` : ""}${rule.message}${rule.showValue ? `, got ${show(received)}` : ""}`;
  const text = where ? `${where}: ${sentence}` : sentence;
  return referenceId === undefined
    ? { path, message: rule.message, received, text }
    : { path, message: rule.message, received, referenceId, text };
}

function ruleOf(issue: RawIssue, received: unknown): { message: string; showValue: boolean } {
  switch (issue.code) {
    case "invalid_type": {
      if (received === undefined) return { message: "is required", showValue: false };
      if (issue.expected === "number" && typeof received === "number") {
        return { message: "must be a finite number", showValue: true };
      }
      return { message: `must be ${article(issue.expected)}`, showValue: true };
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") {
        return min <= 1
          ? { message: "must not be empty", showValue: true }
          : { message: `must have at least ${min} characters`, showValue: true };
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return { message: `must have at least ${min} ${min === 1 ? "entry" : "entries"}`, showValue: false };
      }
      return { message: `must be ${issue.inclusive ? ">=" : ">"} ${min}`, showValue: true };
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string")
        return { message: `must have at most ${max} characters`, showValue: false };
      if (issue.origin === "array" || issue.origin === "set") {
        return { message: `must have at most ${max} ${max === 1 ? "entry" : "entries"}`, showValue: false };
      }
      return { message: `must be ${issue.inclusive ? "<=" : "<"} ${max}`, showValue: true };
    }
    case "invalid_value": {
      const values = issue.values.map((v) => JSON.stringify(v));
      return {
        message: values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(", ")}`,
        showValue: true,
      };
    }
    case "not_multiple_of":
      return { message: `must be a multiple of ${String(issue.divisor)}`, showValue: true };
    case "unrecognized_keys":
      return {
        message: `has unknown ${issue.keys.length === 1 ? "key" : "keys"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`,
        showValue: false,
      };
    case "invalid_format":
      return { message: `must be a valid ${issue.format}`, showValue: true };
    case "invalid_key":
      return { message: "has an invalid key", showValue: false };
    case "invalid_element":
      return { message: "has an invalid entry", showValue: false };
    case "invalid_union":
      return { message: issue.message, showValue: received !== undefined };
    default:
      return { message: issue.message, showValue: issue.params?.showValue === true };
  }
}

function article(expected: string): string {
  if (expected === "array") return "an array";
  if (expected === "object") return "an object";
  if (expected === "int") return "an integer";
  return `a ${expected}`;
}

function toKeys(path: PropertyKey[]): (string | number)[] {
  return path.map((key) => (typeof key === "symbol" ? String(key) : key));
}

function step(value: unknown, key: string | number): unknown {
  if (value === null || typeof value !== "object") return undefined;
  return (value as Record<string | number, unknown>)[key];
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let cursor = value;
  for (const key of path) cursor = step(cursor, key);
  return cursor;
}

function referenceOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const ref = record.reference_id ?? record.referenceId;
  return typeof ref === "string" ? ref : undefined;
}

/** Formats a path as `annotations[3].geometry.width`. */
export function formatPath(path: (string | number)[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const MAX_LISTED = 20;

/** One message for a list of issues: every issue up to twenty, then a count of the rest. */
export function formatIssues(issues: ValidationIssue[]): string {
  if (issues.length === 0) return "invalid payload";
  const listed = issues.slice(0, MAX_LISTED).map((issue) => issue.text);
  const more = issues.length - listed.length;
  const head = issues.length === 1 ? "1 invalid field" : `${issues.length} invalid fields`;
  return `${head}:\n  ${listed.join("\n  ")}${more > 0 ? `\n  ...and ${more} more` : ""}`;
}

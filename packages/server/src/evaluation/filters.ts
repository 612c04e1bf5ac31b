/**
 * Evaluations V2 filters (`EvaluationV2FilterArgs.to_api_filters` of the official client) as a
 * query over match rows in the query language, so filters and `query` are compiled by the same
 * compiler: `{"confidenceRange": {"min": 0.5}}` is `confidence >= 0.5`.
 */

/** A filter object that cannot be read: what is wrong with it. */
export class FilterError extends Error {
  constructor(message: string) {
    super(`filters: ${message}`);
    this.name = "FilterError";
  }
}

/** A literal of the query language. */
function literal(value: unknown, where: string): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  if (value === null) return "null";
  throw new FilterError(
    `${where}: expected a text, number, true/false or null, got ${JSON.stringify(value)}`,
  );
}

/** A field path of the query language, each key quoted as a name. */
function field(prefix: string, key: unknown, where: string): string {
  if (typeof key !== "string" || key === "") throw new FilterError(`${where}: key must be a non-empty text`);
  const segments = key.split(".").map((part) => `\`${part.replace(/`/g, "")}\``);
  return `${prefix}.${segments.join(".")}`;
}

function range(name: string, value: unknown, where: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object") throw new FilterError(`${where}: expected {min, max}`);
  const { min, max } = value as { min?: unknown; max?: unknown };
  const out: string[] = [];
  if (min !== undefined && min !== null) out.push(`${name} >= ${literal(min, `${where}.min`)}`);
  if (max !== undefined && max !== null) out.push(`${name} <= ${literal(max, `${where}.max`)}`);
  return out;
}

function labels(name: string, value: unknown, where: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw new FilterError(`${where}: expected a list of labels`);
  return value.length === 0 ? [] : [`${name} IN [${value.map((v) => JSON.stringify(v)).join(", ")}]`];
}

const OPERATORS: Record<string, string> = { EQ: "=", GT: ">", LT: "<", GTE: ">=", LTE: "<=", NEQ: "!=" };

function predicates(prefix: string, value: unknown, where: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new FilterError(`${where}: expected a list of {key, op, value}`);
  return value.map((entry, i) => {
    const at = `${where}[${i}]`;
    if (typeof entry !== "object" || entry === null)
      throw new FilterError(`${at}: expected {key, op, value}`);
    const { key, op, value: v } = entry as { key?: unknown; op?: unknown; value?: unknown };
    const path = field(prefix, key, `${at}.key`);
    const operator = typeof op === "string" ? op.toUpperCase() : "";
    if (operator === "IN") {
      if (!Array.isArray(v)) throw new FilterError(`${at}.value: IN needs a list`);
      return `${path} IN [${v.map((x, j) => literal(x, `${at}.value[${j}]`)).join(", ")}]`;
    }
    const symbol = OPERATORS[operator];
    if (!symbol) throw new FilterError(`${at}.op: expected one of EQ, IN, GT, LT, GTE, LTE, NEQ`);
    return `${path} ${symbol} ${literal(v, `${at}.value`)}`;
  });
}

const KNOWN = new Set([
  "confidenceRange",
  "iouRange",
  "predLabels",
  "gtLabels",
  "itemMetadata",
  "predictionMetadata",
  "labelEquality",
  "hasGroundTruth",
  "tideBackground",
]);

/** Reads filters sent as an object or as JSON text (a query string). */
export function parseFilters(filters: unknown): Record<string, unknown> | undefined {
  if (filters === undefined || filters === null || filters === "") return undefined;
  let value = filters;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new FilterError("not valid JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new FilterError("expected an object");
  return value as Record<string, unknown>;
}

/**
 * The query (over match rows) that keeps the rows the filters keep; empty when they keep all.
 *
 * @example
 * ```ts
 * filtersQuery({ confidenceRange: { min: 0.5 }, predLabels: ["car"], tideBackground: true });
 * // 'confidence >= 0.5 AND pred_label IN ["car"] AND (match_type = "FP" AND iou < 0.1)'
 * ```
 */
export function filtersQuery(filters: unknown): string {
  const object = parseFilters(filters);
  if (!object) return "";
  // Keys as the official client camelises them; snake_case is read too.
  const get = (key: string) => object[key] ?? object[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
  for (const key of Object.keys(object)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!KNOWN.has(camel))
      throw new FilterError(`unknown filter ${JSON.stringify(key)} (known: ${[...KNOWN].join(", ")})`);
  }
  const parts = [
    ...range("confidence", get("confidenceRange"), "confidenceRange"),
    ...range("iou", get("iouRange"), "iouRange"),
    ...labels("pred_label", get("predLabels"), "predLabels"),
    ...labels("gt_label", get("gtLabels"), "gtLabels"),
    ...predicates("item.metadata", get("itemMetadata"), "itemMetadata"),
    ...predicates("metadata", get("predictionMetadata"), "predictionMetadata"),
  ];
  const equality = get("labelEquality");
  if (equality !== undefined && equality !== null) {
    if (equality === "EQ") parts.push("pred_label = gt_label");
    else if (equality === "NEQ") parts.push("pred_label != gt_label");
    else throw new FilterError('labelEquality: expected "EQ" or "NEQ"');
  }
  const hasGroundTruth = get("hasGroundTruth");
  if (hasGroundTruth === true) parts.push("gt_label EXISTS");
  else if (hasGroundTruth === false) parts.push("NOT gt_label EXISTS");
  const background = get("tideBackground");
  if (background === true) parts.push('(match_type = "FP" AND iou < 0.1)');
  else if (background === false) parts.push('NOT (match_type = "FP" AND iou < 0.1)');
  return parts.join(" AND ");
}

/** Two queries that must both hold, either possibly empty. */
export function bothQueries(a: string, b: string): string {
  if (!a.trim()) return b;
  if (!b.trim()) return a;
  return `(${a}) AND (${b})`;
}

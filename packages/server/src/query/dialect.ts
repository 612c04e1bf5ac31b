/**
 * What differs between the SQL of SQLite and of PostgreSQL in compiled queries: parameters,
 * JSON access, text tests and arithmetic. The compiler writes everything else the same way for
 * both, so a query means the same on either backend.
 */

/** A SQL dialect, as the query compiler needs it. */
export interface SqlDialect {
  readonly name: "sqlite" | "postgres";
  /** The placeholder of the `n`th (1-based) parameter. */
  param(n: number): string;
  /** The number at `path` of a JSON document, or NULL when it is missing or not a number. */
  jsonNumber(doc: string, path: string): string;
  /** The text at `path`, or NULL when missing or not a string. */
  jsonText(doc: string, path: string): string;
  /** 1 or 0 for a boolean at `path`, or NULL when missing or not a boolean. */
  jsonBoolean(doc: string, path: string): string;
  /** 1 when `path` holds JSON null, NULL otherwise. */
  jsonNull(doc: string, path: string): string;
  /** Whether a list at `path` holds the string `value` (NULL when there is no list there). */
  jsonListContains(doc: string, path: string, value: string): string;
  /** Whether a JSON list kept as text (a facts column) holds the string `value`. */
  listContains(list: string, value: string): string;
  /** Whether `text` holds `part` (case-sensitive). */
  containsText(text: string, part: string): string;
  /** A case-sensitive LIKE (`%` any run, `_` one character) with `pattern` already made by {@link likePattern}. */
  like(text: string, pattern: string): string;
  /** The bound value of a LIKE pattern of the language, escaped for this dialect. */
  likePattern(pattern: string): string;
  /** A JSON path parameter's bound value for a key path. */
  jsonPath(path: readonly string[]): string;
  /** `expr` as a floating-point number, so that `/` never divides integers. */
  real(expr: string): string;
  /** `expr` rounded toward zero. */
  trunc(expr: string): string;
  /** The area of a label's shape (box, polygon) from its stored JSON, NULL for other types. */
  area(payload: string): string;
  /** A bound integer, in a context that needs a type. */
  integer(param: string): string;
}

/** Escapes a JSON path key for SQLite (`$."a.b"`). */
function sqliteKey(key: string): string {
  return `"${key.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * SQLite (3.45+ JSON functions). LIKE there ignores case, so patterns become GLOB patterns;
 * JSON paths are bound as `$."key"."key"` texts.
 */
export const SQLITE: SqlDialect = {
  name: "sqlite",
  param: () => "?",
  jsonNumber: (doc, path) =>
    `(CASE WHEN json_type(${doc}, ${path}) IN ('integer', 'real') THEN json_extract(${doc}, ${path}) END)`,
  jsonText: (doc, path) =>
    `(CASE WHEN json_type(${doc}, ${path}) = 'text' THEN json_extract(${doc}, ${path}) END)`,
  jsonBoolean: (doc, path) => `(CASE json_type(${doc}, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`,
  jsonNull: (doc, path) => `(CASE WHEN json_type(${doc}, ${path}) = 'null' THEN 1 END)`,
  jsonListContains: (doc, path, value) =>
    `(CASE WHEN json_type(${doc}, ${path}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(${doc}, ${path}) WHERE type = 'text' AND value = ${value}) END)`,
  listContains: (list, value) =>
    `(CASE WHEN ${list} IS NOT NULL THEN EXISTS (SELECT 1 FROM json_each(${list}) WHERE type = 'text' AND value = ${value}) END)`,
  containsText: (text, part) => `(instr(${text}, ${part}) > 0)`,
  like: (text, pattern) => `(${text} GLOB ${pattern})`,
  // GLOB has no escape character: its own wildcards are matched literally inside brackets.
  likePattern: (pattern) =>
    [...pattern]
      .map((ch) => {
        if (ch === "%") return "*";
        if (ch === "_") return "?";
        if (ch === "*" || ch === "?" || ch === "[" || ch === "]") return `[${ch}]`;
        return ch;
      })
      .join(""),
  jsonPath: (path) => `$.${path.map(sqliteKey).join(".")}`,
  real: (expr) => `CAST(${expr} AS REAL)`,
  trunc: (expr) => `trunc(${expr})`,
  area: (payload) => `nucleus_area(${payload})`,
  integer: (param) => param,
};

/**
 * PostgreSQL: documents are `json` (paths bound as `text[]`), LIKE is case-sensitive with `\`
 * as its escape character.
 */
export const POSTGRES: SqlDialect = {
  name: "postgres",
  param: (n) => `$${n}`,
  jsonNumber: (doc, path) =>
    `(CASE WHEN json_typeof(${doc} #> ${path}) = 'number' THEN (${doc} #>> ${path})::double precision END)`,
  jsonText: (doc, path) =>
    `(CASE WHEN json_typeof(${doc} #> ${path}) = 'string' THEN ${doc} #>> ${path} END)`,
  jsonBoolean: (doc, path) =>
    `(CASE WHEN json_typeof(${doc} #> ${path}) = 'boolean' THEN (CASE WHEN (${doc} #>> ${path})::boolean THEN 1 ELSE 0 END) END)`,
  jsonNull: (doc, path) => `(CASE WHEN json_typeof(${doc} #> ${path}) = 'null' THEN 1 END)`,
  jsonListContains: (doc, path, value) =>
    `(CASE WHEN json_typeof(${doc} #> ${path}) = 'array' THEN (${doc} #> ${path})::jsonb @> jsonb_build_array(${value}::text) END)`,
  listContains: (list, value) =>
    `(CASE WHEN ${list} IS NOT NULL THEN ${list}::jsonb @> jsonb_build_array(${value}::text) END)`,
  containsText: (text, part) => `(strpos(${text}, ${part}) > 0)`,
  like: (text, pattern) => `(${text} LIKE ${pattern})`,
  likePattern: (pattern) => pattern.replace(/\\/g, "\\\\"),
  jsonPath: (path) =>
    `{${path.map((key) => `"${key.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`,
  real: (expr) => `(${expr})::double precision`,
  trunc: (expr) => `trunc(${expr})`,
  area: (payload) => `nucleus_area(${payload})`,
  integer: (param) => `${param}::bigint`,
};

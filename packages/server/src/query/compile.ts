/**
 * Compiling a checked query (`@nucleus/query`) to a SQL condition. One compiler serves both
 * backends: what differs between SQLite and PostgreSQL is the dialect, and where values live is
 * the catalog. A field that can hold several kinds of value (metadata without a schema) is
 * compiled once per kind; a comparison takes the first kind both sides have (`COALESCE`), so a
 * missing value, or a number compared with a text, is SQL's unknown: false, and false under NOT
 * too, as the language says.
 */
import {
  type CheckedQuery,
  type Condition,
  type Expression,
  type FieldNode,
  type Literal,
  QueryError,
  type ResolvedField,
  type ValueType,
} from "@nucleus/query";
import {
  type CountKey,
  type CountSource,
  FAMILIES,
  type FactsCatalog,
  type FactsColumn,
  type Family,
  type SliceRef,
} from "./catalog.js";
import type { SqlDialect } from "./dialect.js";
import { type Bindings, numberLiteral } from "./sql.js";

/** Test and presence of a list value. */
export interface ListValue {
  contains(value: string): string;
  exists: string;
}

/**
 * A value as SQL, one expression per kind it can have on a row; each is NULL on rows where the
 * value is missing or of another kind. `null` is 1 where the value is JSON null.
 */
export interface Value {
  number?: string;
  string?: string;
  boolean?: string;
  list?: ListValue;
  null?: string;
}

/** The rows an object query reads: ground truth, a run's predictions, or a run's match rows. */
export type ObjectRows =
  | { kind: "annotations" }
  | { kind: "predictions"; runId: string }
  | { kind: "matches"; runId: string };

/** What the compiler reads besides the query: dialect, storage, and the statement's bindings. */
export interface CompileContext {
  dialect: SqlDialect;
  catalog: FactsCatalog;
  bindings: Bindings;
  /**
   * Set when the condition reads the `items` row (alias `i`) and not only the facts row (`f`),
   * so a statement that can do without the join leaves it out.
   */
  usesItems?: boolean;
  /** The run whose predictions `predictions.*` counts; every run when absent. */
  runId?: string | null;
  /** Parses and checks the saved query of a dynamic slice, as the routes check a query. */
  recheck(text: string): CheckedQuery;
}

/** Aliases of the tables a compiled condition refers to. */
export const ALIASES = {
  facts: "f",
  items: "i",
  object: "o",
  match: "m",
} as const;

const OBJECT_HELP = "patch_mode iou, false_positive or false_negative with a model_run_id";

/** Slices already being expanded, to refuse a dynamic slice that names itself. */
type Expanding = ReadonlySet<string>;

class Compiler {
  constructor(
    private readonly query: CheckedQuery,
    private readonly ctx: CompileContext,
    private readonly rows: ObjectRows | undefined,
    private readonly expanding: Expanding,
  ) {}

  private get d(): SqlDialect {
    return this.ctx.dialect;
  }

  private fail(node: { start: number; end: number }, message: string): never {
    throw new QueryError(node.start + 1, this.query.text.slice(node.start, node.end), message);
  }

  private bind(value: unknown): string {
    return this.ctx.bindings.add(value);
  }

  private path(path: readonly string[]): string {
    const marker = this.bind(this.d.jsonPath(path));
    return this.d.name === "postgres" ? `${marker}::text[]` : marker;
  }

  private items(): string {
    this.ctx.usesItems = true;
    return ALIASES.items;
  }

  condition(node: Condition): string {
    switch (node.kind) {
      case "and":
      case "or":
        return `(${node.operands.map((o) => this.condition(o)).join(node.kind === "and" ? " AND " : " OR ")})`;
      case "not":
        return `(NOT ${this.condition(node.operand)})`;
      case "exists":
        return present(this.field(node.field));
      case "contains": {
        const value = this.field(node.field);
        const part = this.bind(node.value.value);
        const tests: string[] = [];
        if (value.string) tests.push(this.d.containsText(value.string, part));
        if (value.list) tests.push(value.list.contains(part));
        return coalesce(tests);
      }
      case "like": {
        const value = this.field(node.field);
        if (!value.string) return "(NULL)";
        return this.d.like(value.string, this.bind(this.d.likePattern(node.pattern.value)));
      }
      case "in": {
        const value = this.expression(node.value);
        const tests: string[] = [];
        for (const family of ["number", "string", "boolean"] as const) {
          const side = value[family];
          const members = node.list.filter((l) => familyOfLiteral(l) === family);
          if (side && members.length > 0)
            tests.push(`(${side} IN (${members.map((l) => this.literalSql(l)).join(", ")}))`);
        }
        const test = coalesce(tests);
        // `x IN [null, ...]` also holds where x is missing or null.
        return node.list.some((l) => l.kind === "null") ? `(${test} OR NOT ${present(value)})` : test;
      }
      case "compare":
        return this.compare(node.operator, node.left, node.right);
    }
  }

  private compare(operator: string, leftNode: Expression, rightNode: Expression): string {
    const op = operator === "==" ? "=" : operator;
    const leftNull = leftNode.kind === "null";
    const rightNull = rightNode.kind === "null";
    if (leftNull || rightNull) {
      // `x = null`: x is missing or null; `x != null`: x has a value. `null = null` holds.
      if (leftNull && rightNull) return op === "=" ? "(1 = 1)" : "(1 = 0)";
      const { null: _jsonNull, ...value } = this.expression(leftNull ? rightNode : leftNode);
      const hasValue = present(value);
      return op === "=" ? `(NOT ${hasValue})` : hasValue;
    }
    const left = this.expression(leftNode);
    const right = this.expression(rightNode);
    const tests: string[] = [];
    for (const family of ["number", "string", "boolean"] as const) {
      const a = left[family];
      const b = right[family];
      if (a && b) tests.push(`(${a} ${op} ${b})`);
    }
    return coalesce(tests);
  }

  private literalSql(literal: Literal): string {
    switch (literal.kind) {
      case "number":
        return numberLiteral(literal.value);
      case "string":
        return this.bind(literal.value);
      case "boolean":
        return literal.value ? "1" : "0";
      case "null":
        return "NULL";
    }
  }

  expression(node: Expression): Value {
    switch (node.kind) {
      case "number":
        return { number: numberLiteral(node.value) };
      case "string":
        return { string: this.bind(node.value) };
      case "boolean":
        return { boolean: node.value ? "1" : "0" };
      case "null":
        return {};
      case "field":
        return this.field(node);
      case "negate": {
        const operand = this.expression(node.operand).number;
        return operand ? { number: `(-${operand})` } : {};
      }
      case "binary": {
        const a = this.expression(node.left).number;
        const b = this.expression(node.right).number;
        if (!a || !b) return {};
        switch (node.operator) {
          case "+":
          case "-":
          case "*":
            return { number: `(${a} ${node.operator} ${b})` };
          case "/":
            return { number: `(${this.d.real(a)} / NULLIF(${b}, 0))` };
          case "%": {
            // The remainder as JavaScript has it, for integers and fractions alike.
            const quotient = this.d.trunc(`${this.d.real(a)} / NULLIF(${b}, 0)`);
            return { number: `(${a} - ${b} * ${quotient})` };
          }
        }
      }
    }
  }

  private resolved(node: FieldNode): ResolvedField {
    const field = this.query.fields.get(node);
    if (!field) throw new Error(`field ${node.path.join(".")} was not checked`);
    return field;
  }

  field(node: FieldNode): Value {
    const field = this.resolved(node);
    switch (field.kind) {
      case "item":
        return this.itemColumn(field.column);
      case "metadata":
        return field.owner === "item"
          ? this.itemMetadata(field.path, field.type)
          : this.objectMetadata(node, field.path, field.type);
      case "count":
        return { number: this.count(node, field) };
      case "slice":
        return { boolean: `(CASE WHEN ${this.slice(node, field.slice)} THEN 1 ELSE 0 END)` };
      case "tags":
        return {
          list: {
            contains: (tag) =>
              `EXISTS (SELECT 1 FROM item_tags t WHERE t.item_seq = ${ALIASES.facts}.item_seq AND t.tag = ${tag})`,
            exists: `EXISTS (SELECT 1 FROM item_tags t WHERE t.item_seq = ${ALIASES.facts}.item_seq)`,
          },
        };
      case "review":
        // Nucleus's own review writes `metadata.review_status`: the two are one value.
        return { string: this.itemMetadata(["review_status"], "string").string as string };
      case "autotag": {
        const id = this.ctx.catalog.autotag?.(field.name);
        if (id === undefined) this.fail(node, `no autotag ${JSON.stringify(field.name)} in this dataset`);
        // Items the autotag has not scored (no vector) have no score: comparisons with it are false.
        return {
          number: `(SELECT s.score FROM autotag_scores s WHERE s.autotag_id = ${this.bind(id)} AND s.item_id = ${this.items()}.id)`,
        };
      }
      case "embedding":
        // Items without a vector, or whose vector changed since the scores were computed, have none.
        return {
          number: `(SELECT e.${field.score} FROM item_embeddings e WHERE e.item_seq = ${this.items()}.seq)`,
        };
      case "object":
        return this.objectColumn(node, field.column);
      case "match":
        return this.matchColumn(node, field.column);
    }
  }

  private itemColumn(column: "reference_id" | "id" | "type" | "width" | "height"): Value {
    // Every item this server holds is an image; scenes are not served.
    if (column === "type") return { string: "'image'" };
    const i = this.items();
    return column === "width" || column === "height"
      ? { number: `${i}.${column}` }
      : { string: `${i}.${column}` };
  }

  /** An item metadata value: its facts columns, or its document where no column keeps it. */
  private itemMetadata(path: readonly string[], type: ValueType): Value {
    const value: Value = {};
    for (const family of familiesOf(type)) {
      const column = this.ctx.catalog.metadata(path, family);
      if (column === undefined) continue;
      const expr = column === null ? undefined : `${ALIASES.facts}.${column}`;
      this.setFamily(value, family, expr, () => `${this.items()}.metadata`, path);
    }
    return value;
  }

  /** Sets one kind of a value: a facts column when there is one, else the JSON document. */
  private setFamily(
    value: Value,
    family: Family,
    column: string | undefined,
    docOf: () => string,
    path: readonly string[],
  ): void {
    if (column) {
      if (family === "list") {
        value.list = {
          contains: (v) => this.d.listContains(column, v),
          exists: `(${column} IS NOT NULL)`,
        };
      } else value[family] = column;
      return;
    }
    const at = () => this.path(path);
    const doc = docOf();
    switch (family) {
      case "number":
        value.number = this.d.jsonNumber(doc, at());
        return;
      case "string":
        value.string = this.d.jsonText(doc, at());
        return;
      case "boolean":
        value.boolean = this.d.jsonBoolean(doc, at());
        return;
      case "null":
        value.null = this.d.jsonNull(doc, at());
        return;
      case "list":
        value.list = {
          contains: (v) => this.d.jsonListContains(doc, at(), v),
          exists: `(${this.d.jsonListContains(doc, at(), "''")} IS NOT NULL)`,
        };
        return;
    }
  }

  private count(node: FieldNode, field: Extract<ResolvedField, { kind: "count" }>): string {
    const key: CountKey =
      field.label !== undefined
        ? { kind: "label", label: field.label }
        : field.annotationType !== undefined
          ? { kind: "type", type: field.annotationType }
          : { kind: "total" };
    if (field.source === "annotations") return this.countOf({ kind: "annotations" }, key);
    const runId = this.ctx.runId;
    if (runId) {
      if (!this.ctx.catalog.runIds.includes(runId))
        this.fail(node, `model run ${runId} is not a run of this dataset`);
      return this.countOf({ kind: "predictions", runId }, key);
    }
    const runs = this.ctx.catalog.runIds;
    if (runs.length === 0) return "0";
    return `(${runs.map((id) => this.countOf({ kind: "predictions", runId: id }, key)).join(" + ")})`;
  }

  private countOf(source: CountSource, key: CountKey): string {
    const column: FactsColumn = this.ctx.catalog.count(source, key);
    if (column === undefined) return "0";
    if (column !== null) return `COALESCE(${ALIASES.facts}.${column}, 0)`;
    // Not kept in a column: counted from the labels themselves.
    const table = source.kind === "annotations" ? "annotations" : "predictions";
    const where = [`c.item_id = ${this.items()}.id`];
    if (source.kind === "predictions") where.push(`c.run_id = ${this.bind(source.runId)}`);
    if (key.kind === "label") {
      const label = this.bind(key.label);
      where.push(
        `(${this.d.jsonText("c.payload", this.path(["label"]))} = ${label} OR ${this.d.jsonListContains("c.payload", this.path(["labels"]), label)})`,
      );
    } else if (key.kind === "type") {
      where.push(`${this.d.jsonText("c.payload", this.path(["type"]))} = ${this.bind(key.type)}`);
    }
    return `(SELECT COUNT(*) FROM ${table} c WHERE ${where.join(" AND ")})`;
  }

  private slice(node: FieldNode, name: string): string {
    const slice: SliceRef | undefined = this.ctx.catalog.slice(name);
    if (!slice) this.fail(node, `no slice ${JSON.stringify(name)} in this dataset`);
    if (slice.kind === "static") {
      return `EXISTS (SELECT 1 FROM slice_items s WHERE s.slice_id = ${this.bind(slice.id)} AND s.item_id = ${this.items()}.id)`;
    }
    if (this.expanding.has(slice.id))
      this.fail(node, `slice ${JSON.stringify(slice.name)} names itself through its query`);
    let inner: CheckedQuery;
    try {
      inner = this.ctx.recheck(slice.query);
    } catch (error) {
      if (error instanceof QueryError)
        this.fail(node, `the query of slice ${JSON.stringify(slice.name)} no longer holds: ${error.message}`);
      throw error;
    }
    if (!inner.tree) return "(1 = 1)";
    const saved = this.ctx.runId;
    this.ctx.runId = slice.runId;
    try {
      const compiler = new Compiler(inner, this.ctx, undefined, new Set([...this.expanding, slice.id]));
      return `COALESCE(${compiler.condition(inner.tree)}, 1 = 0)`;
    } finally {
      this.ctx.runId = saved;
    }
  }

  private rowsOr(node: FieldNode): ObjectRows {
    if (!this.rows) throw new Error(`object field ${node.path.join(".")} outside an object query`);
    return this.rows;
  }

  /** The stored document of the object (a match row's prediction, or its ground truth). */
  private objectDocument(node: FieldNode): string {
    const rows = this.rowsOr(node);
    if (rows.kind !== "matches") return `${ALIASES.object}.payload`;
    const m = ALIASES.match;
    const i = this.items();
    const run = this.bind(rows.runId);
    return `COALESCE((SELECT p.payload FROM predictions p WHERE p.run_id = ${run} AND p.item_id = ${i}.id AND p.id = ${m}.prediction_id), (SELECT a.payload FROM annotations a WHERE a.item_id = ${i}.id AND a.id = ${m}.annotation_id))`;
  }

  private objectColumn(
    node: FieldNode,
    column: "label" | "type" | "annotation_id" | "area" | "width" | "height" | "x" | "y" | "confidence",
  ): Value {
    const rows = this.rowsOr(node);
    if (rows.kind === "matches") {
      const m = ALIASES.match;
      switch (column) {
        case "label":
          return { string: `COALESCE(${m}.pred_label, ${m}.gt_label)` };
        case "type":
          return { string: `${m}.shape` };
        case "annotation_id":
          return { string: `COALESCE(${m}.pred_annotation_id, ${m}.gt_annotation_id)` };
        case "confidence":
          return { number: `${m}.score` };
        case "width":
          return { number: `${m}.w` };
        case "height":
          return { number: `${m}.h` };
        default:
          return { number: `${m}.${column}` };
      }
    }
    const o = ALIASES.object;
    const text = (key: string) => this.d.jsonText(`${o}.payload`, this.path([key]));
    const geometry = (key: string) => this.d.jsonNumber(`${o}.payload`, this.path(["geometry", key]));
    switch (column) {
      case "label":
        return { string: text("label") };
      case "type":
        return { string: text("type") };
      case "annotation_id":
        return { string: text("annotation_id") };
      case "area":
        return { number: this.d.area(`${o}.payload`) };
      case "confidence":
        return rows.kind === "predictions"
          ? { number: this.d.jsonNumber(`${o}.payload`, this.path(["confidence"])) }
          : {};
      default:
        return { number: geometry(column) };
    }
  }

  private objectMetadata(node: FieldNode, path: readonly string[], type: ValueType): Value {
    const doc = this.objectDocument(node);
    const value: Value = {};
    for (const family of familiesOf(type))
      this.setFamily(value, family, undefined, () => doc, ["metadata", ...path]);
    return value;
  }

  private matchColumn(node: FieldNode, column: "iou" | "match_type" | "gt_label" | "pred_label"): Value {
    if (this.rowsOr(node).kind !== "matches")
      this.fail(node, `${column} belongs to match rows: query them with ${OBJECT_HELP}`);
    const m = ALIASES.match;
    return column === "iou" ? { number: `${m}.iou` } : { string: `${m}.${column}` };
  }
}

function familiesOf(type: ValueType): readonly Family[] {
  switch (type) {
    case "number":
    case "string":
    case "boolean":
    case "list":
      return [type];
    default:
      return FAMILIES;
  }
}

function familyOfLiteral(literal: Literal): "number" | "string" | "boolean" | "null" {
  return literal.kind;
}

/** Whether a value is there (of any kind, JSON null included). */
function present(value: Value): string {
  const tests: string[] = [];
  for (const family of ["number", "string", "boolean", "null"] as const) {
    const expr = value[family];
    if (expr) tests.push(`${expr} IS NOT NULL`);
  }
  if (value.list) tests.push(value.list.exists);
  return tests.length === 0 ? "(1 = 0)" : `(${tests.join(" OR ")})`;
}

/** The first test that is not unknown; unknown when every one is (or there is none). */
function coalesce(tests: readonly string[]): string {
  if (tests.length === 0) return "(NULL)";
  return tests.length === 1 ? (tests[0] as string) : `COALESCE(${tests.join(", ")})`;
}

/**
 * The SQL condition of an item query over the facts row `f` (and the items row `i` when
 * `ctx.usesItems` is set afterwards); `(1 = 1)` for an empty query.
 *
 * @example
 * ```ts
 * const ctx = { dialect: SQLITE, catalog, bindings: new Bindings(), recheck };
 * const where = compileItemCondition(checkQuery("annotations.car >= 3", "item"), ctx);
 * ```
 */
export function compileItemCondition(query: CheckedQuery, ctx: CompileContext): string {
  if (query.scope !== "item") throw new Error("an item condition needs an item query");
  if (!query.tree) return "(1 = 1)";
  return new Compiler(query, ctx, undefined, new Set()).condition(query.tree);
}

/**
 * The SQL condition of an object query over the object row (`o`, or the match row `m`), its
 * item's facts row `f` and items row `i`.
 *
 * @example
 * ```ts
 * const where = compileObjectCondition(checkQuery("label = 'car' AND area < 1024", "object"), { kind: "annotations" }, ctx);
 * ```
 */
export function compileObjectCondition(query: CheckedQuery, rows: ObjectRows, ctx: CompileContext): string {
  if (query.scope !== "object") throw new Error("an object condition needs an object query");
  if (!query.tree) return "(1 = 1)";
  return new Compiler(query, ctx, rows, new Set()).condition(query.tree);
}

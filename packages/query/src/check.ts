import type { Condition, Expression, FieldNode, Literal } from "./ast.js";
import { QueryError } from "./errors.js";
import {
  type MetadataTypes,
  type ResolvedField,
  resolveField,
  type Scope,
  UnknownField,
  type ValueType,
} from "./fields.js";
import { parseQuery } from "./parser.js";

/** A query that parsed and fits its scope, with every field resolved. */
export interface CheckedQuery {
  /** The query as written. */
  text: string;
  scope: Scope;
  /** The syntax tree; undefined for an empty query (everything). */
  tree: Condition | undefined;
  /** What each field node of the tree means. */
  fields: ReadonlyMap<FieldNode, ResolvedField>;
}

/** Options of {@link checkQuery}. */
export interface CheckOptions {
  /** Known types of item metadata keys (dotted paths), so comparisons with them are checked. */
  metadata?: MetadataTypes;
  /** Known types of object metadata keys. */
  objectMetadata?: MetadataTypes;
}

type Kind = ValueType | "null";

const TYPE_NAMES: Record<Kind, string> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  list: "a list",
  any: "a value",
  null: "null",
};

class Checker {
  readonly fields = new Map<FieldNode, ResolvedField>();

  constructor(
    private readonly text: string,
    private readonly scope: Scope,
    private readonly options: CheckOptions,
  ) {}

  private error(node: { start: number; end: number }, message: string): never {
    throw new QueryError(node.start + 1, this.text.slice(node.start, node.end), message);
  }

  private field(node: FieldNode): ResolvedField {
    const resolved = resolveField(node, this.scope, this.options);
    if (resolved instanceof UnknownField) this.error(node, resolved.message);
    this.fields.set(node, resolved);
    return resolved;
  }

  private literalKind(literal: Literal): Kind {
    return literal.kind;
  }

  /** The kind of value an expression gives, checking arithmetic on the way. */
  private kind(expression: Expression): Kind {
    switch (expression.kind) {
      case "number":
      case "string":
      case "boolean":
      case "null":
        return this.literalKind(expression);
      case "field":
        return this.field(expression).type;
      case "negate":
        this.numeric(expression.operand, "-");
        return "number";
      case "binary":
        this.numeric(expression.left, expression.operator);
        this.numeric(expression.right, expression.operator);
        return "number";
    }
  }

  private numeric(expression: Expression, operator: string): void {
    const kind = this.kind(expression);
    if (kind !== "number" && kind !== "any")
      this.error(expression, `${operator} needs numbers, and this is ${TYPE_NAMES[kind]}`);
  }

  private name(expression: Expression): string {
    return this.text.slice(expression.start, expression.end);
  }

  condition(node: Condition): void {
    switch (node.kind) {
      case "and":
      case "or":
        for (const operand of node.operands) this.condition(operand);
        return;
      case "not":
        this.condition(node.operand);
        return;
      case "exists":
        this.field(node.field);
        return;
      case "contains": {
        const type = this.field(node.field).type;
        if (type !== "string" && type !== "list" && type !== "any")
          this.error(
            node.field,
            `CONTAINS needs a text or a list, and ${this.name(node.field)} is ${TYPE_NAMES[type]}`,
          );
        return;
      }
      case "like": {
        const type = this.field(node.field).type;
        if (type !== "string" && type !== "any")
          this.error(node.field, `LIKE needs a text, and ${this.name(node.field)} is ${TYPE_NAMES[type]}`);
        return;
      }
      case "in": {
        const kind = this.kind(node.value);
        if (kind === "list") this.error(node.value, `${this.name(node.value)} is a list: use CONTAINS`);
        for (const literal of node.list)
          this.comparable(node.value, kind, literal, this.literalKind(literal));
        return;
      }
      case "compare": {
        const left = this.kind(node.left);
        const right = this.kind(node.right);
        for (const [side, kind] of [
          [node.left, left],
          [node.right, right],
        ] as const) {
          if (kind === "list") this.error(side, `${this.name(side)} is a list: use CONTAINS`);
        }
        const ordering = node.operator !== "=" && node.operator !== "!=";
        if (ordering && (left === "boolean" || right === "boolean"))
          this.error(node, `${node.operator} does not apply to true/false values`);
        if (ordering && (left === "null" || right === "null"))
          this.error(node, `${node.operator} does not apply to null`);
        this.comparable(node.left, left, node.right, right);
        return;
      }
    }
  }

  /** Refuses a comparison of two known, different kinds of value (a number with a string). */
  private comparable(left: Expression, leftKind: Kind, right: Expression | Literal, rightKind: Kind): void {
    if (leftKind === "any" || rightKind === "any" || leftKind === "null" || rightKind === "null") return;
    if (leftKind !== rightKind)
      this.error(
        right,
        `expected ${TYPE_NAMES[leftKind]} to compare with ${this.name(left)}, found ${TYPE_NAMES[rightKind]}`,
      );
  }
}

/**
 * Parses a query and checks it against a scope: every field must exist there, and values must be
 * compared with values of their kind (a number with a number; `<` never on true/false). Throws a
 * {@link QueryError} naming the position and what is wrong.
 *
 * @example
 * ```ts
 * import { checkQuery } from "@nucleus/query";
 *
 * const checked = checkQuery('annotations."traffic light" > 0 AND metadata.night = true', "item");
 * for (const field of checked.fields.values()) console.log(field.kind); // "count", "metadata"
 * ```
 */
export function checkQuery(text: string, scope: Scope, options: CheckOptions = {}): CheckedQuery {
  const tree = parseQuery(text);
  const checker = new Checker(text, scope, options);
  if (tree) checker.condition(tree);
  return { text, scope, tree, fields: checker.fields };
}

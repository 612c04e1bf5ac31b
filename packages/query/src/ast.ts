/** Where a node sits in the query text: 0-based offsets, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** A literal value. */
export type Literal =
  | ({ kind: "number"; value: number } & Span)
  | ({ kind: "string"; value: string } & Span)
  | ({ kind: "boolean"; value: boolean } & Span)
  | ({ kind: "null" } & Span);

/**
 * A field: its path as written (`metadata."camera id"` is `["metadata", "camera id"]`) and, per
 * segment, whether it was quoted (a quoted segment is always a name, never a keyword of the field
 * catalog: `annotations."count"` counts the label `count`).
 */
export interface FieldNode extends Span {
  kind: "field";
  path: string[];
  quoted: boolean[];
}

/** Arithmetic on values. */
export interface BinaryNode extends Span {
  kind: "binary";
  operator: "+" | "-" | "*" | "/" | "%";
  left: Expression;
  right: Expression;
}

/** `-x`. */
export interface NegateNode extends Span {
  kind: "negate";
  operand: Expression;
}

/** Something with a value: a literal, a field, or arithmetic on them. */
export type Expression = Literal | FieldNode | BinaryNode | NegateNode;

/** The comparison operators (`==` is read as `=`). */
export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** `left op right`. */
export interface ComparisonNode extends Span {
  kind: "compare";
  operator: ComparisonOperator;
  left: Expression;
  right: Expression;
}

/** `expr IN [a, b, ...]`. */
export interface InNode extends Span {
  kind: "in";
  value: Expression;
  list: Literal[];
}

/** `field EXISTS`. */
export interface ExistsNode extends Span {
  kind: "exists";
  field: FieldNode;
}

/** `field CONTAINS "text"` (a substring, or a member of a list). */
export interface ContainsNode extends Span {
  kind: "contains";
  field: FieldNode;
  value: Literal & { kind: "string" };
}

/** `field LIKE "pat%tern"` (`%` any run of characters, `_` one). */
export interface LikeNode extends Span {
  kind: "like";
  field: FieldNode;
  pattern: Literal & { kind: "string" };
}

/** `a AND b AND ...`, `a OR b OR ...`. */
export interface LogicalNode extends Span {
  kind: "and" | "or";
  operands: Condition[];
}

/** `NOT a`. */
export interface NotNode extends Span {
  kind: "not";
  operand: Condition;
}

/** Something true or false about an item or object. */
export type Condition =
  | ComparisonNode
  | InNode
  | ExistsNode
  | ContainsNode
  | LikeNode
  | LogicalNode
  | NotNode;

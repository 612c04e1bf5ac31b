import type { ComparisonOperator, Condition, Expression, FieldNode, Literal, LogicalNode } from "./ast.js";
import { END, QueryError } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";

const COMPARISONS = new Set(["=", "==", "!=", "<", "<=", ">", ">="]);
const EXPECTED_OPERATOR = "expected an operator (=, !=, <, <=, >, >=, IN, CONTAINS, EXISTS, LIKE)";
const EXPECTED_VALUE = "expected a value (a number, a 'string', true, false, null, a field or '(')";
/** Words that cannot start a value (they join or negate conditions, or follow a value). */
const RESERVED = new Set(["and", "or", "not", "in", "contains", "exists", "like"]);

class Parser {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private get token(): Token {
    return this.tokens[this.index] as Token;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private fail(expected: string, token = this.token): never {
    const found = token.type === "end" ? END : this.text.slice(token.start, token.end);
    throw new QueryError(token.start + 1, found, expected);
  }

  private isKeyword(word: string, token = this.token): boolean {
    return token.type === "word" && token.value.toLowerCase() === word;
  }

  private isPunct(value: string, token = this.token): boolean {
    return token.type === "punct" && token.value === value;
  }

  private next(): Token {
    const token = this.token;
    if (token.type !== "end") this.index += 1;
    return token;
  }

  private atEnd(): boolean {
    return this.token.type === "end";
  }

  parse(): Condition | undefined {
    if (this.atEnd()) return undefined;
    const query = this.or();
    if (!this.atEnd()) this.fail("expected AND, OR or the end of the query");
    return query;
  }

  private logical(kind: "and" | "or", operand: () => Condition): Condition {
    const first = operand();
    const operands = [first];
    while (this.isKeyword(kind)) {
      this.next();
      operands.push(operand());
    }
    if (operands.length === 1) return first;
    const node: LogicalNode = { kind, operands, start: first.start, end: (operands.at(-1) as Condition).end };
    return node;
  }

  private or(): Condition {
    return this.logical("or", () => this.and());
  }

  private and(): Condition {
    return this.logical("and", () => this.not());
  }

  private not(): Condition {
    if (this.isKeyword("not")) {
      const start = this.next().start;
      const operand = this.not();
      return { kind: "not", operand, start, end: operand.end };
    }
    return this.atom();
  }

  private atom(): Condition {
    if (!this.isPunct("(")) return this.predicate();
    // A parenthesis opens either a condition, `(a OR b)`, or a value, `(a + b) > 2`: try the
    // condition first and fall back to a value when an operator follows it. When both fail, the
    // attempt that read more of the query says best what is wrong.
    const saved = this.index;
    let first: { error: QueryError; reached: number } | undefined;
    try {
      const open = this.next();
      const inner = this.or();
      if (!this.isPunct(")")) this.fail("expected ')'");
      const close = this.next();
      if (!this.followsValue()) return { ...inner, start: open.start, end: close.end };
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      first = { error, reached: this.index };
    }
    this.index = saved;
    try {
      return this.predicate();
    } catch (error) {
      throw first && error instanceof QueryError && first.reached > this.index ? first.error : error;
    }
  }

  /** A comparison, IN, EXISTS, CONTAINS or LIKE on a value. */
  private predicate(): Condition {
    const left = this.expression();
    const token = this.token;
    if (this.isKeyword("exists")) {
      this.next();
      return { kind: "exists", field: this.requireField(left, "EXISTS"), start: left.start, end: token.end };
    }
    if (this.isKeyword("in")) {
      this.next();
      const list = this.list();
      return { kind: "in", value: left, list: list.values, start: left.start, end: list.end };
    }
    if (this.isKeyword("contains") || this.isKeyword("like")) {
      const keyword = this.next().value.toUpperCase();
      const field = this.requireField(left, keyword);
      const value = this.token;
      if (value.type !== "single" && value.type !== "double")
        this.fail(`expected a 'string' after ${keyword}`);
      this.next();
      const literal = { kind: "string" as const, value: value.value, start: value.start, end: value.end };
      return keyword === "LIKE"
        ? { kind: "like", field, pattern: literal, start: left.start, end: value.end }
        : { kind: "contains", field, value: literal, start: left.start, end: value.end };
    }
    if (token.type === "op" && COMPARISONS.has(token.value)) {
      this.next();
      const right = this.expression();
      const operator = (token.value === "==" ? "=" : token.value) as ComparisonOperator;
      return { kind: "compare", operator, left, right, start: left.start, end: right.end };
    }
    return this.fail(EXPECTED_OPERATOR);
  }

  /** True when the token after a closing parenthesis continues a value rather than a condition. */
  private followsValue(): boolean {
    const token = this.token;
    if (token.type === "op") return true;
    return ["in", "contains", "exists", "like"].some((word) => this.isKeyword(word));
  }

  private requireField(expression: Expression, keyword: string): FieldNode {
    if (expression.kind === "field") return expression;
    throw new QueryError(
      expression.start + 1,
      this.text.slice(expression.start, expression.end),
      `${keyword} needs a field before it`,
    );
  }

  private list(): { values: Literal[]; end: number } {
    if (!this.isPunct("[")) this.fail("expected '[' to start the list of values");
    this.next();
    const values: Literal[] = [];
    for (;;) {
      values.push(this.literal());
      if (this.isPunct(",")) {
        this.next();
        continue;
      }
      if (!this.isPunct("]")) this.fail("expected ',' or ']'");
      return { values, end: this.next().end };
    }
  }

  private literal(): Literal {
    const token = this.token;
    if (token.type === "op" && token.value === "-" && this.peek().type === "number") {
      this.next();
      const number = this.next();
      return { kind: "number", value: -Number(number.value), start: token.start, end: number.end };
    }
    const value = this.constant();
    if (!value) this.fail("expected a literal value (a number, a 'string', true, false or null)");
    return value;
  }

  /** A number, string or keyword constant at the current token, consumed; undefined otherwise. */
  private constant(): Literal | undefined {
    const token = this.token;
    const span = { start: token.start, end: token.end };
    if (token.type === "number") {
      this.next();
      return { kind: "number", value: Number(token.value), ...span };
    }
    if (token.type === "single" || (token.type === "double" && !this.isPunct(".", this.peek()))) {
      this.next();
      return { kind: "string", value: token.value, ...span };
    }
    if (token.type === "word") {
      const word = token.value.toLowerCase();
      if (word === "true" || word === "false") {
        this.next();
        return { kind: "boolean", value: word === "true", ...span };
      }
      if (word === "null") {
        this.next();
        return { kind: "null", ...span };
      }
    }
    return undefined;
  }

  private expression(): Expression {
    let left = this.term();
    while (this.token.type === "op" && (this.token.value === "+" || this.token.value === "-")) {
      const operator = this.next().value as "+" | "-";
      const right = this.term();
      left = { kind: "binary", operator, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private term(): Expression {
    let left = this.factor();
    while (this.token.type === "op" && ["*", "/", "%"].includes(this.token.value)) {
      const operator = this.next().value as "*" | "/" | "%";
      const right = this.factor();
      left = { kind: "binary", operator, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private factor(): Expression {
    const token = this.token;
    if (token.type === "op" && token.value === "-") {
      this.next();
      const operand = this.factor();
      return { kind: "negate", operand, start: token.start, end: operand.end };
    }
    if (this.isPunct("(")) {
      this.next();
      const inner = this.expression();
      if (!this.isPunct(")")) this.fail("expected ')'");
      const close = this.next();
      return { ...inner, start: token.start, end: close.end };
    }
    const constant = this.constant();
    if (constant) return constant;
    if (
      (token.type === "word" && !RESERVED.has(token.value.toLowerCase())) ||
      token.type === "back" ||
      token.type === "double"
    )
      return this.field();
    return this.fail(EXPECTED_VALUE);
  }

  private field(): FieldNode {
    const first = this.next();
    const path = [first.value];
    const quoted = [first.type !== "word"];
    let end = first.end;
    while (this.isPunct(".")) {
      this.next();
      const segment = this.token;
      if (segment.type !== "word" && segment.type !== "double" && segment.type !== "back")
        this.fail('expected a field name after "." (quote names with spaces: "traffic light")');
      this.next();
      path.push(segment.value);
      quoted.push(segment.type !== "word");
      end = segment.end;
    }
    return { kind: "field", path, quoted, start: first.start, end };
  }
}

/**
 * Parses a query into its syntax tree; an empty query (only spaces) gives `undefined`, which
 * selects everything. Throws a {@link QueryError} naming the position and what was expected.
 *
 * @example
 * ```ts
 * import { parseQuery } from "@nucleus/query";
 *
 * const tree = parseQuery('metadata.weather = "foggy" AND annotations.car >= 3');
 * console.log(tree?.kind); // "and"
 * ```
 */
export function parseQuery(text: string): Condition | undefined {
  return new Parser(text, tokenize(text)).parse();
}

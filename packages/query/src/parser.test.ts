/**
 * The parser on a table of valid queries (each shown back in a compact form that makes the tree's
 * shape visible) and on every class of syntax error, with its position and message.
 */
import { describe, expect, it } from "vitest";
import type { Condition, Expression } from "./ast.js";
import { QueryError } from "./errors.js";
import { parseQuery } from "./parser.js";

/** The tree as text: fields as paths, strings quoted, every operation parenthesised. */
function show(node: Condition | Expression): string {
  switch (node.kind) {
    case "number":
      return String(node.value);
    case "string":
      return JSON.stringify(node.value);
    case "boolean":
      return String(node.value);
    case "null":
      return "null";
    case "field":
      return node.path.map((p, i) => (node.quoted[i] ? `"${p}"` : p)).join(".");
    case "negate":
      return `(-${show(node.operand)})`;
    case "binary":
      return `(${show(node.left)} ${node.operator} ${show(node.right)})`;
    case "compare":
      return `(${show(node.left)} ${node.operator} ${show(node.right)})`;
    case "in":
      return `(${show(node.value)} IN [${node.list.map(show).join(", ")}])`;
    case "exists":
      return `(${show(node.field)} EXISTS)`;
    case "contains":
      return `(${show(node.field)} CONTAINS ${show(node.value)})`;
    case "like":
      return `(${show(node.field)} LIKE ${show(node.pattern)})`;
    case "not":
      return `(NOT ${show(node.operand)})`;
    case "and":
    case "or":
      return `(${node.operands.map(show).join(` ${node.kind.toUpperCase()} `)})`;
  }
}

const VALID: [query: string, tree: string][] = [
  ["annotations.count > 6", "(annotations.count > 6)"],
  [
    'metadata.weather = "foggy" AND annotations.car >= 3',
    '((metadata.weather = "foggy") AND (annotations.car >= 3))',
  ],
  [
    'metadata.speed_mph >= 50 AND NOT metadata.city IN ["boston", "pittsburgh"]',
    '((metadata.speed_mph >= 50) AND (NOT (metadata.city IN ["boston", "pittsburgh"])))',
  ],
  [
    'annotations."traffic light" > 0 OR metadata.time_of_day = "night"',
    '((annotations."traffic light" > 0) OR (metadata.time_of_day = "night"))',
  ],
  [
    "predictions.pedestrian - annotations.pedestrian > 2",
    "((predictions.pedestrian - annotations.pedestrian) > 2)",
  ],
  [
    'label = "car" AND area < 32 * 32 AND confidence > 0.5',
    '((label = "car") AND (area < (32 * 32)) AND (confidence > 0.5))',
  ],
  [
    'match_type = "FP" AND iou < 0.1 AND item.metadata.weather = "rainy"',
    '((match_type = "FP") AND (iou < 0.1) AND (item.metadata.weather = "rainy"))',
  ],
  // precedence: AND binds tighter than OR; NOT tighter than AND; * before +
  ["a = 1 OR b = 2 AND c = 3", "((a = 1) OR ((b = 2) AND (c = 3)))"],
  ["NOT a = 1 AND b = 2", "((NOT (a = 1)) AND (b = 2))"],
  ["a + b * c - d / e % f = 0", "(((a + (b * c)) - ((d / e) % f)) = 0)"],
  ["-a * 2 < -1.5e3", "(((-a) * 2) < (-1500))"],
  // parentheses around conditions and around values
  ["(a = 1 OR b = 2) AND c = 3", "(((a = 1) OR (b = 2)) AND (c = 3))"],
  ["(a + b) * 2 > c", "(((a + b) * 2) > c)"],
  ["((a + b)) > 1", "((a + b) > 1)"],
  ["NOT (a = 1)", "(NOT (a = 1))"],
  // keywords in any case; == as =; literals
  ["a == 1 and B != 'x' or not c exists", '(((a = 1) AND (B != "x")) OR (NOT (c EXISTS)))'],
  [
    "metadata.flag = TRUE AND metadata.other = false AND metadata.z = null",
    "((metadata.flag = true) AND (metadata.other = false) AND (metadata.z = null))",
  ],
  ["metadata.n IN [1, -2, 3.5]", "(metadata.n IN [1, -2, 3.5])"],
  ['tags CONTAINS "hard"', '(tags CONTAINS "hard")'],
  ["item.reference_id LIKE 'cam_%'", '(item.reference_id LIKE "cam_%")'],
  // quoted and back-quoted segments, keywords and digits as segments after a dot
  ['metadata."camera id" = `metadata`.x', '(metadata."camera id" = "metadata".x)'],
  ["metadata.in = metadata.2024", "(metadata.in = metadata.2024)"],
  ['annotations."count" >= 1', '(annotations."count" >= 1)'],
  ['metadata.s = "say \\"hi\\"\\n\\u00e9"', '(metadata.s = "say \\"hi\\"\\né")'],
  // a double-quoted token alone is a string
  ['"x" = metadata.a', '("x" = metadata.a)'],
];

describe("parseQuery: valid queries", () => {
  it.each(VALID)("%s", (query, tree) => {
    const parsed = parseQuery(query);
    expect(parsed && show(parsed)).toBe(tree);
  });

  it("an empty query selects everything", () => {
    expect(parseQuery("")).toBeUndefined();
    expect(parseQuery("   \n\t")).toBeUndefined();
  });

  it("spans cover the text of each node", () => {
    const query = '  metadata.weather = "foggy"  ';
    const parsed = parseQuery(query);
    expect(parsed?.kind).toBe("compare");
    expect(query.slice(parsed?.start, parsed?.end)).toBe('metadata.weather = "foggy"');
    if (parsed?.kind === "compare") expect(query.slice(parsed.right.start, parsed.right.end)).toBe('"foggy"');
  });
});

const INVALID: [query: string, position: number, found: string, expected: string][] = [
  [
    'metadata.weather bad "x"',
    18,
    "bad",
    "expected an operator (=, !=, <, <=, >, >=, IN, CONTAINS, EXISTS, LIKE)",
  ],
  [
    "annotations.count >",
    20,
    "end of query",
    "expected a value (a number, a 'string', true, false, null, a field or '(')",
  ],
  ["a = 1 b = 2", 7, "b", "expected AND, OR or the end of the query"],
  ["(a = 1", 7, "end of query", "expected ')'"],
  ["a IN 1", 6, "1", "expected '[' to start the list of values"],
  ["a IN [1 2]", 9, "2", "expected ',' or ']'"],
  ["a IN [b]", 7, "b", "expected a literal value (a number, a 'string', true, false or null)"],
  ["a CONTAINS 3", 12, "3", "expected a 'string' after CONTAINS"],
  ["3 EXISTS", 1, "3", "EXISTS needs a field before it"],
  ["(a + 1) LIKE 'x'", 1, "(a + 1)", "LIKE needs a field before it"],
  ["metadata. = 1", 11, "=", 'expected a field name after "." (quote names with spaces: "traffic light")'],
  ["a = 'open", 5, "'open", "this 'quote' is never closed"],
  ["a = 1 # 2", 7, "#", "unexpected character"],
  ['a = "x\\q"', 7, "\\q", 'unknown escape in a quoted text (use \\" or \\\\)'],
  ["AND a = 1", 1, "AND", "expected a value (a number, a 'string', true, false, null, a field or '(')"],
  [
    "(a = 1 OR b = ) AND c = 1",
    15,
    ")",
    "expected a value (a number, a 'string', true, false, null, a field or '(')",
  ],
];

describe("parseQuery: errors", () => {
  it.each(INVALID)("%s", (query, position, found, expected) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(QueryError);
    const queryError = error as QueryError;
    expect({ position: queryError.position, found: queryError.found, expected: queryError.expected }).toEqual(
      {
        position,
        found,
        expected,
      },
    );
    expect(queryError.message).toBe(
      `query: at ${position} (${found === "end of query" ? found : JSON.stringify(found)}): ${expected}`,
    );
  });
});

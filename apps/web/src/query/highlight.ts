/**
 * Colouring of a query as it is typed. The parser of `@nucleus/query` stops at the first error;
 * this scanner never does, so a half-written query still shows its fields, strings and keywords.
 */

/** What a stretch of query text is, for its colour. */
export type TokenClass = "field" | "keyword" | "string" | "number" | "operator" | "punct" | "space" | "bad";

/** A stretch of the text: `start`/`end` are 0-based offsets. */
export interface HighlightToken {
  cls: TokenClass;
  start: number;
  end: number;
}

const KEYWORDS = new Set(["and", "or", "not", "in", "contains", "exists", "like", "true", "false", "null"]);

/** Where a quoted text that starts at `start` ends (the end of the text when it is never closed). */
function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/**
 * Splits a query into coloured stretches that cover the whole text.
 *
 * @example
 * ```ts
 * highlight('metadata.weather = "foggy"').map((t) => t.cls); // ["field", "space", "operator", "space", "string"]
 * ```
 */
export function highlight(text: string): HighlightToken[] {
  const tokens: HighlightToken[] = [];
  let i = 0;
  const push = (cls: TokenClass, end: number) => {
    tokens.push({ cls, start: i, end });
    i = end;
  };
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = text[i] as string;
    const space = /^\s+/.exec(rest);
    if (space) {
      push("space", i + space[0].length);
      continue;
    }
    // A field: segments joined by dots, where a segment may be quoted ("traffic light").
    const field = /^[A-Za-z_]\w*(?:\.(?:\w+|"(?:[^"\\]|\\.)*"?|`[^`]*`?)?)*/.exec(rest);
    if (field) {
      const word = field[0];
      push(!word.includes(".") && KEYWORDS.has(word.toLowerCase()) ? "keyword" : "field", i + word.length);
      continue;
    }
    if (ch === "'" || ch === '"') {
      push("string", quotedEnd(text, i));
      continue;
    }
    if (ch === "`") {
      push("field", quotedEnd(text, i));
      continue;
    }
    const number = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (number) {
      push("number", i + number[0].length);
      continue;
    }
    const operator = /^(?:==|!=|<=|>=|[=<>+\-*/%])/.exec(rest);
    if (operator) {
      push("operator", i + operator[0].length);
      continue;
    }
    push("()[],.".includes(ch) ? "punct" : "bad", i + 1);
  }
  return tokens;
}

import { QueryError } from "./errors.js";

/** One token of a query. `start`/`end` are 0-based offsets into the text. */
export interface Token {
  type:
    | "word" // identifier or keyword (keywords are recognised by the parser, case-insensitively)
    | "number"
    | "single" // 'single-quoted': always a string
    | "double" // "double-quoted": a string, or a field segment after a dot
    | "back" // `back-quoted`: always a field segment
    | "punct" // ( ) [ ] , .
    | "op" // = == != < <= > >= + - * / %
    | "end";
  /** The token's value: a string's contents unescaped, a number's text, the operator. */
  value: string;
  start: number;
  end: number;
}

const NUMBER = /(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
/** After a dot a segment may start with a digit (`metadata.2024`). */
const SEGMENT = /[A-Za-z0-9_]+/y;
const OPERATORS = ["==", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%"];
const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  "`": "`",
  "\\": "\\",
  "/": "/",
  n: "\n",
  t: "\t",
  r: "\r",
};

function quoted(text: string, start: number, quote: string): { value: string; end: number } {
  let value = "";
  for (let i = start + 1; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (ch === quote) return { value, end: i + 1 };
    if (ch !== "\\") {
      value += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (next !== undefined && ESCAPES[next] !== undefined) {
      value += ESCAPES[next];
      i += 1;
    } else {
      throw new QueryError(
        i + 1,
        text.slice(i, i + 2),
        `unknown escape in a quoted text (use \\${quote} or \\\\)`,
      );
    }
  }
  throw new QueryError(
    start + 1,
    text.slice(start, start + 12),
    `this ${quote}quote${quote} is never closed`,
  );
}

/** Splits a query into tokens, ending with an `end` token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const afterDot = tokens.at(-1)?.type === "punct" && tokens.at(-1)?.value === ".";
    if (ch === "'" || ch === '"' || ch === "`") {
      const { value, end } = quoted(text, i, ch);
      tokens.push({ type: ch === "'" ? "single" : ch === '"' ? "double" : "back", value, start: i, end });
      i = end;
      continue;
    }
    const pattern = afterDot ? SEGMENT : /\d/.test(ch) ? NUMBER : WORD;
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (match) {
      const type = afterDot ? "word" : pattern === NUMBER ? "number" : "word";
      tokens.push({ type, value: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
      continue;
    }
    if ("()[],.".includes(ch)) {
      tokens.push({ type: "punct", value: ch, start: i, end: i + 1 });
      i += 1;
      continue;
    }
    const operator = OPERATORS.find((op) => text.startsWith(op, i));
    if (operator) {
      tokens.push({ type: "op", value: operator, start: i, end: i + operator.length });
      i += operator.length;
      continue;
    }
    throw new QueryError(i + 1, ch, "unexpected character");
  }
  tokens.push({ type: "end", value: "", start: text.length, end: text.length });
  return tokens;
}

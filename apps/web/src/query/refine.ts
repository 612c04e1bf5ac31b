import { parseQuery } from "@nucleus/query";

/** The top-level conditions of a query joined by AND (the whole query when it is not an AND). */
function conjuncts(query: string): string[] {
  try {
    const tree = parseQuery(query);
    if (!tree) return [];
    const parts: string[] = [];
    const walk = (node: typeof tree): void => {
      if (node.kind === "and") for (const operand of node.operands) walk(operand);
      else parts.push(query.slice(node.start, node.end).trim());
    };
    walk(tree);
    return parts;
  } catch {
    return [query.trim()];
  }
}

/**
 * A query narrowed by one more condition (`query AND condition`), bracketing a query whose top
 * is an OR; a condition the query already has is not added again.
 *
 * @example
 * ```ts
 * refine("a = 1 OR b = 2", "c = 3"); // "(a = 1 OR b = 2) AND c = 3"
 * ```
 */
export function refine(query: string, condition: string): string {
  const text = query.trim();
  if (!text) return condition;
  if (conjuncts(text).includes(condition)) return text;
  let top: string | undefined;
  try {
    top = parseQuery(text)?.kind;
  } catch {
    top = undefined;
  }
  return `${top === "or" ? `(${text})` : text} AND ${condition}`;
}

/**
 * The first depth past `limit` that JSON text reaches, or undefined: a linear scan of brackets
 * outside strings, so nesting too deep to parse or validate is refused before either runs.
 *
 * @example
 * ```ts
 * depthPast("[[[1]]]", 2); // 3
 * depthPast('{"a": "[[["}', 2); // undefined: brackets in strings do not count
 * ```
 */
export function depthPast(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92)
        i += 1; // backslash: skip the escaped character
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 91 || code === 123) {
      depth += 1;
      if (depth > limit) return depth;
    } else if (code === 93 || code === 125) depth -= 1;
  }
  return undefined;
}

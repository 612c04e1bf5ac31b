/**
 * Entries an import could not take, each named precisely enough to fix: the file, the entry
 * (a line, an array index, an XML element) and what is wrong with it.
 */

/** One entry that was not imported, and why. */
export interface Problem {
  /** The file the entry is in. */
  file: string;
  /** Where in the file: `line 3`, `annotations[7] (id 12)`, `object[2]`. */
  entry: string;
  /** What is wrong, naming the field: `bbox: must be 4 numbers`. */
  message: string;
}

/**
 * One line for a terminal: `file: entry: message`.
 *
 * @example
 * ```ts
 * problemText({ file: "labels/a.txt", entry: "line 2", message: "class 7 is not in names (0-2)" });
 * // "labels/a.txt: line 2: class 7 is not in names (0-2)"
 * ```
 */
export function problemText(problem: Problem): string {
  return `${problem.file}: ${problem.entry}: ${problem.message}`;
}

/**
 * Writes problems to standard error, at most `limit` of them, saying how many more there are.
 *
 * @example
 * ```ts
 * reportProblems((text) => process.stderr.write(text), [{ file: "a.xml", entry: "object[0]", message: "no bndbox" }]);
 * ```
 */
export function reportProblems(
  write: (text: string) => void,
  problems: readonly Problem[],
  limit = 50,
): void {
  for (const problem of problems.slice(0, limit)) write(`  ${problemText(problem)}\n`);
  if (problems.length > limit) write(`  ...and ${problems.length - limit} more (use --json for all)\n`);
}

/** Where a command writes: standard output for results, standard error for everything else. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether standard error is a terminal (progress bars only then). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** The working folder, where a project's `.nucleus/config.json` is looked for (default: the process's). */
  cwd?: string;
}

/** An error shown as a title, a message and a hint; exit code 1. */
export class CliError extends Error {
  constructor(
    /** What failed, in a few words. */
    readonly title: string,
    message: string,
    /** What to do about it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Renders rows as an aligned text table with a header: the column names in capitals, or
 * `headers` when given.
 */
export function table(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  headers: readonly string[] = columns.map((c) => c.toUpperCase()),
): string {
  const cell = (value: unknown) =>
    value === null || value === undefined
      ? ""
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  const widths = columns.map((column, i) =>
    Math.max((headers[i] ?? column).length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  return [
    line(columns.map((c, i) => headers[i] ?? c)),
    ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
  ].join("\n");
}

/** A progress bar on standard error, drawn only on a terminal. */
export function progressBar(io: Io, enabled: boolean) {
  let last = 0;
  return {
    update(done: number, total: number | undefined, rate: number) {
      if (!enabled || !io.isTTY) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = 30;
      const fraction = total ? Math.min(1, done / total) : 0;
      const bar = total ? `[${"#".repeat(Math.round(fraction * width)).padEnd(width, ".")}] ` : "";
      io.err(`\r${bar}${done}${total ? `/${total}` : ""} (${Math.round(rate)}/s)`);
    },
    done() {
      if (enabled && io.isTTY) io.err("\n");
    },
  };
}

/** Refuses a destructive command unless `--yes` was given, saying what would be lost. */
export function requireYes(flags: Record<string, unknown>, id: string, loses: string): void {
  if (!flags.yes)
    throw new CliError("Not deleted", `Deleting ${id} removes ${loses}`, "Run again with --yes to delete it");
}

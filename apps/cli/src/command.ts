import type { NucleusClient } from "@nucleus/core";
import type { FlagSpec, ParsedArgs } from "./args.js";
import type { Io } from "./output.js";

/** What a command's `run` gets. */
export interface Context {
  /** The command line as given (without the program name). */
  argv: readonly string[];
  args: ParsedArgs;
  io: Io;
  /** True with `--json`: print one JSON document on standard output, nothing else there. */
  json: boolean;
  /** A client for the resolved endpoint and key (made on first use). */
  client(): NucleusClient;
  /** Prints a result: JSON with `--json`, else a table of `columns` or plain lines. */
  print(data: unknown, columns?: readonly string[]): void;
  /** A string flag, or undefined. */
  flag(name: string): string | undefined;
  /** An integer flag (checked when parsed), or undefined. */
  integer(name: string): number | undefined;
  /** A required positional argument. */
  arg(index: number, name: string): string;
}

/** One `nu <noun> <verb>` command. */
export interface Command {
  /** The words that name it: `["datasets", "list"]`. */
  path: string[];
  summary: string;
  /**
   * Positional arguments, for help and completion (`<dataset> <reference-id>`). A `<dataset>`,
   * `<model-id>`, `<run-id>`, `<slice-id>` or `<job-id>` argument completes to ids.
   */
  usage?: string;
  flags?: Record<string, FlagSpec>;
  /** Lines shown under the options in `--help`: examples, formats. */
  details?: string;
  /** Left out of the help (internal commands). */
  hidden?: boolean;
  /** Runs it; returns the exit code (0 by default). */
  run(context: Context): Promise<unknown> | unknown;
}

/** Flags every command takes, before or after the command's words. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  json: { type: "boolean", description: "print JSON for scripts" },
  "api-key": {
    type: "string",
    value: "KEY",
    description: "API key (default: NUCLEUS_API_KEY, the config file, or the local server's key)",
  },
  endpoint: {
    type: "string",
    value: "URL",
    description:
      "API base URL (default: NUCLEUS_ENDPOINT, the config file, or http://127.0.0.1:8080/v1/nucleus)",
  },
  data: {
    type: "string",
    value: "DIR",
    description: "the local server's data folder, to find its key (default ./nucleus-data)",
  },
  debug: { type: "boolean", description: "print stack traces" },
  help: { type: "boolean", description: "show help" },
  version: { type: "boolean", description: "print the version" },
};

/**
 * A command's `run` that loads the module doing the work when the command runs, so that `nu
 * --help` and the other commands never load it.
 */
export function lazyRun<M>(
  load: () => Promise<M>,
  pick: (module: M) => (c: Context) => unknown,
): Command["run"] {
  return async (c) => pick(await load())(c);
}

import { readFileSync } from "node:fs";
import { commandWords, type FlagSpec, parseArgs, UsageError } from "./args.js";
import { type Command, type Context, GLOBAL_FLAGS } from "./command.js";
import { autotagCommands } from "./commands/autotags.js";
import { cocoCommands } from "./commands/coco.js";
import { curationCommands } from "./commands/curation.js";
import { datasetCommands, itemCommands } from "./commands/datasets.js";
import { dbCommands } from "./commands/db.js";
import { embeddingCommands } from "./commands/embeddings.js";
import { evalCommand } from "./commands/eval.js";
import { formatCommands } from "./commands/formats.js";
import { miscCommands } from "./commands/misc.js";
import { modelCommands } from "./commands/models.js";
import { objectEmbeddingCommands } from "./commands/object-embeddings.js";
import { protocolCommands } from "./commands/protocol.js";
import { sceneCommands } from "./commands/scenes.js";
import { serveCommand } from "./commands/serve.js";
import { sliceCommands } from "./commands/slices.js";
import { testCommands } from "./commands/tests.js";
import { uploadCommands } from "./commands/upload.js";
import { CliError, type Io, table } from "./output.js";

/** Every command of `nu`, in help order. */
export const COMMANDS: Command[] = [
  serveCommand,
  ...datasetCommands,
  ...itemCommands,
  ...curationCommands,
  ...embeddingCommands,
  ...objectEmbeddingCommands,
  ...autotagCommands,
  ...modelCommands,
  ...sliceCommands,
  ...testCommands,
  ...protocolCommands,
  ...sceneCommands,
  ...uploadCommands,
  ...cocoCommands,
  ...formatCommands,
  evalCommand,
  ...dbCommands,
];
COMMANDS.push(...miscCommands(() => COMMANDS));

/** The version of `nu`, from its package.json (one folder above both `src/` and `dist/`). */
export function version(): string {
  return (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
}

function flagUsage(name: string, spec: FlagSpec): string {
  const value = spec.type === "boolean" ? "" : ` ${spec.value ?? (spec.type === "integer" ? "N" : "VALUE")}`;
  return `--${name}${value}`;
}

/** The help text, made from the command definitions. */
export function helpText(): string {
  const shown = COMMANDS.filter((c) => !c.hidden);
  const width = Math.max(...shown.map((c) => `${c.path.join(" ")} ${c.usage ?? ""}`.length));
  const lines = shown.map(
    (c) => `  nu ${`${c.path.join(" ")} ${c.usage ?? ""}`.padEnd(width)}  ${c.summary}`,
  );
  const globals = Object.entries(GLOBAL_FLAGS).map(
    ([name, spec]) => `  ${flagUsage(name, spec).padEnd(16)} ${spec.description}`,
  );
  return `nu: Nucleus from a terminal\n\nUsage: nu <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nOptions of every command (before or after it):\n${globals.join("\n")}\n\nRun \`nu <command> --help\` for a command's options.\nExit codes: 0 ok, 1 failure, 2 usage error.\n`;
}

/** The help of one command: usage, summary, its options and the global ones, and its details. */
export function commandHelp(command: Command): string {
  const own = Object.entries(command.flags ?? {});
  const width = Math.max(
    16,
    ...[...own, ...Object.entries(GLOBAL_FLAGS)].map(([n, s]) => flagUsage(n, s).length),
  );
  const describe = ([name, spec]: [string, FlagSpec]) =>
    `  ${flagUsage(name, spec).padEnd(width)}  ${spec.description}${spec.required ? " (required)" : ""}`;
  return [
    `Usage: nu ${command.path.join(" ")} ${command.usage ?? ""}`.trimEnd(),
    "",
    command.summary,
    ...(own.length ? ["", "Options:", ...own.map(describe)] : []),
    "",
    "Global options:",
    ...Object.entries(GLOBAL_FLAGS).map(describe),
    ...(command.details ? ["", command.details.trimEnd()] : []),
    "",
  ].join("\n");
}

/** Which flags, of any command, take a value: so that `--endpoint URL` is never read as words. */
const VALUE_FLAGS = new Set(
  [GLOBAL_FLAGS, ...COMMANDS.map((c) => c.flags ?? {})].flatMap((specs) =>
    Object.entries(specs)
      .filter(([, spec]) => spec.type !== "boolean")
      .map(([name]) => name),
  ),
);

/**
 * The command that `argv` names (its first two, or first, non-flag words) and how many words
 * name it; undefined when none does.
 */
export function findCommand(argv: readonly string[]): Command | undefined {
  const words = commandWords(argv, (name) => VALUE_FLAGS.has(name));
  return (
    COMMANDS.find((c) => c.path.length === 2 && c.path[0] === words[0] && c.path[1] === words[1]) ??
    COMMANDS.find((c) => c.path.length === 1 && c.path[0] === words[0])
  );
}

/** Runs `nu` with `argv` (without the program name) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  // What the completion scripts call: the words typed so far, answered one candidate a line.
  if (argv[0] === "__complete") {
    const { completions } = await import("./completion.js");
    const candidates = await completions(COMMANDS, argv.slice(1), io);
    io.out(candidates.length ? `${candidates.join("\n")}\n` : "");
    return 0;
  }
  const command = findCommand(argv);
  const debug = argv.includes("--debug");
  if (!command) {
    const words = commandWords(argv, (name) => VALUE_FLAGS.has(name));
    if (argv.includes("--version") && words.length === 0) {
      io.out(`${version()}\n`);
      return 0;
    }
    if (words.length === 0 || words[0] === "help" || argv.includes("--help")) {
      const noun = words[0] === "help" ? words[1] : words[0];
      const verbs = COMMANDS.filter((c) => c.path[0] === noun && !c.hidden);
      io.out(verbs.length > 0 ? nounHelp(noun as string, verbs) : helpText());
      return words.length === 0 && !argv.includes("--help") ? 2 : 0;
    }
    const verbs = COMMANDS.filter((c) => c.path[0] === words[0] && !c.hidden);
    io.err(
      verbs.length > 0
        ? `Usage error: nu ${words[0]} needs one of: ${verbs.map((c) => c.path[1]).join(", ")}\n${words[1] ? `("${words[1]}" is not one of them)\n` : ""}Run \`nu ${words[0]} --help\` to see them.\n`
        : `Usage error: unknown command "${words.slice(0, 2).join(" ")}"\nRun \`nu --help\` to see the commands.\n`,
    );
    return 2;
  }
  const specs = { ...GLOBAL_FLAGS, ...command.flags };
  if (argv.includes("--help")) {
    io.out(commandHelp(command));
    return 0;
  }
  if (argv.includes("--version")) {
    io.out(`${version()}\n`);
    return 0;
  }
  // Loaded only for a command that runs: `nu --help` and `nu --version` never load the SDK.
  const { clientFor, closeLocal, probeLocal } = await import("./client.js");
  try {
    const args = parseArgs(argv, specs);
    // The command's own words come first among the positionals; the rest are its arguments.
    args.positionals = args.positionals.slice(command.path.length);
    const extra = args.positionals[positionalLimit(command)];
    if (extra !== undefined)
      throw new UsageError(
        `unexpected argument "${extra}": nu ${command.path.join(" ")} takes ${command.usage ?? "no arguments"}`,
      );
    await probeLocal(args.flags, io);
    const json = Boolean(args.flags.json);
    let client: ReturnType<typeof clientFor> | undefined;
    const context: Context = {
      argv,
      args,
      io,
      json,
      client: () => {
        client ??= clientFor(args.flags, io);
        return client;
      },
      print(data, columns) {
        if (json) io.out(`${JSON.stringify(data, null, 2)}\n`);
        else if (columns)
          io.out(`${table(Array.isArray(data) ? data : [data as Record<string, unknown>], columns)}\n`);
        else io.out(`${typeof data === "string" ? data : JSON.stringify(data, null, 2)}\n`);
      },
      flag(name) {
        const value = args.flags[name];
        return typeof value === "string" ? value : undefined;
      },
      integer(name) {
        const value = args.flags[name];
        return typeof value === "number" ? value : undefined;
      },
      arg(index, name) {
        const value = args.positionals[index];
        if (value === undefined)
          throw new UsageError(`missing <${name}>: nu ${command.path.join(" ")} ${command.usage ?? ""}`);
        return value;
      },
    };
    const code = await command.run(context);
    await closeLocal();
    return typeof code === "number" ? code : 0;
  } catch (error) {
    await closeLocal().catch(() => {});
    if (error instanceof UsageError) {
      io.err(`Usage error: ${error.message}\nRun \`nu ${command.path.join(" ")} --help\` for its options.\n`);
      return 2;
    }
    const shown = await describe(error);
    io.err(`Error: ${shown.title}\n${shown.message}\n${shown.hint ? `Hint: ${shown.hint}\n` : ""}`);
    if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    return 1;
  }
}

function nounHelp(noun: string, verbs: Command[]): string {
  const width = Math.max(...verbs.map((c) => `${c.path.join(" ")} ${c.usage ?? ""}`.length));
  return `Commands of nu ${noun}:\n${verbs
    .map((c) => `  nu ${`${c.path.join(" ")} ${c.usage ?? ""}`.padEnd(width)}  ${c.summary}`)
    .join("\n")}\n\nRun \`nu ${noun} <command> --help\` for a command's options.\n`;
}

async function describe(error: unknown): Promise<{ title: string; message: string; hint?: string }> {
  const { APIError, NucleusError, ValidationError } = await import("@nucleus/core");
  if (error instanceof CliError)
    return { title: error.title, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof ValidationError)
    return { title: "Invalid input", message: error.message, hint: "Fix the entries named above" };
  if (error instanceof APIError) {
    const hint =
      error.status === 401
        ? "Check --api-key or NUCLEUS_API_KEY"
        : error.status === 404
          ? "Check the id (list them with `nu datasets list`, `nu models list`, ...)"
          : undefined;
    return {
      title: `The server answered ${error.status}`,
      message: error.message,
      ...(hint ? { hint } : {}),
    };
  }
  if (NucleusError.isInstance(error)) {
    return {
      title: "Cannot reach Nucleus",
      message: (error as Error).message,
      hint: "Is the server running? Start one with `nu serve`",
    };
  }
  return {
    title: "Unexpected failure",
    message: (error as Error)?.message ?? String(error),
    hint: "Run again with --debug for details",
  };
}

/**
 * How many arguments a command takes after its words, read from its usage: one per word there
 * (`<dataset> <reference-id>`, `items|annotations|predictions <file>`), any number when a word
 * repeats (`<reference-id...>`), none without a usage.
 */
export function positionalLimit(command: Pick<Command, "usage">): number {
  const usage = command.usage?.trim();
  if (!usage) return 0;
  if (usage.includes("...")) return Number.POSITIVE_INFINITY;
  return usage.split(/\s+/).length;
}

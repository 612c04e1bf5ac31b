import { APIError, NucleusError, ValidationError } from "@nucleus/core";
import { parseArgs, UsageError } from "./args.js";
import { type Command, type Context, GLOBAL_FLAGS } from "./command.js";
import { cocoCommands } from "./commands/coco.js";
import { datasetCommands, itemCommands } from "./commands/datasets.js";
import { evalCommand } from "./commands/eval.js";
import { miscCommands } from "./commands/misc.js";
import { modelCommands } from "./commands/models.js";
import { serveCommand } from "./commands/serve.js";
import { sliceCommands } from "./commands/slices.js";
import { uploadCommands } from "./commands/upload.js";
import { clientFor } from "./config.js";
import { CliError, type Io, table } from "./output.js";

/** Every command of `nu`, in help order. */
export const COMMANDS: Command[] = [
  serveCommand,
  ...datasetCommands,
  ...itemCommands,
  ...modelCommands,
  ...sliceCommands,
  ...uploadCommands,
  ...cocoCommands,
  evalCommand,
];
COMMANDS.push(...miscCommands(() => COMMANDS));

/** The help text, made from the command definitions. */
export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.path.join(" ")} ${c.usage ?? ""}`.length));
  const lines = COMMANDS.map(
    (c) => `  nu ${`${c.path.join(" ")} ${c.usage ?? ""}`.padEnd(width)}  ${c.summary}`,
  );
  const globals = Object.entries(GLOBAL_FLAGS).map(
    ([name, spec]) => `  --${name.padEnd(10)} ${spec.description}`,
  );
  return `nu: Nucleus from a terminal\n\nCommands:\n${lines.join("\n")}\n\nOptions of every command:\n${globals.join("\n")}\n\nExit codes: 0 ok, 1 failure, 2 usage error.\n`;
}

function commandHelp(command: Command): string {
  const flags = Object.entries({ ...command.flags, ...GLOBAL_FLAGS }).map(
    ([name, spec]) => `  --${name.padEnd(14)} ${spec.description}`,
  );
  return `nu ${command.path.join(" ")} ${command.usage ?? ""}\n\n${command.summary}\n\nOptions:\n${flags.join("\n")}\n`;
}

/** Runs `nu` with `argv` (without the program name) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const words = argv.filter((a) => !a.startsWith("--"));
  const command =
    COMMANDS.find((c) => c.path.length === 2 && c.path[0] === words[0] && c.path[1] === words[1]) ??
    COMMANDS.find((c) => c.path.length === 1 && c.path[0] === words[0]);
  const debug = argv.includes("--debug");
  if (!command) {
    if (words.length === 0 || words[0] === "help" || argv.includes("--help")) {
      io.out(helpText());
      return words.length === 0 && !argv.includes("--help") ? 2 : 0;
    }
    io.err(
      `Error: unknown command "${words.slice(0, 2).join(" ")}"\nRun \`nu --help\` to see the commands.\n`,
    );
    return 2;
  }
  try {
    const args = parseArgs(argv, { ...GLOBAL_FLAGS, ...command.flags });
    if (args.flags.help) {
      io.out(commandHelp(command));
      return 0;
    }
    args.positionals = args.positionals.slice(command.path.length);
    const json = Boolean(args.flags.json);
    let client: ReturnType<typeof clientFor> | undefined;
    const context: Context = {
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
      arg(index, name) {
        const value = args.positionals[index];
        if (value === undefined)
          throw new UsageError(`missing <${name}>: nu ${command.path.join(" ")} ${command.usage ?? ""}`);
        return value;
      },
    };
    const code = await command.run(context);
    return typeof code === "number" ? code : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Usage error: ${error.message}\nRun \`nu ${command.path.join(" ")} --help\` for its options.\n`);
      return 2;
    }
    const shown = describe(error);
    io.err(`Error: ${shown.title}\n${shown.message}\n${shown.hint ? `Hint: ${shown.hint}\n` : ""}`);
    if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    return 1;
  }
}

function describe(error: unknown): { title: string; message: string; hint?: string } {
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

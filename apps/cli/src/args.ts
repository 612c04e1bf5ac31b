/** A flag a command accepts. */
export interface FlagSpec {
  /**
   * `string` takes a value, `integer` takes a whole number (checked against `min`/`max`),
   * `boolean` is on when present.
   */
  type: "string" | "integer" | "boolean";
  description: string;
  /** May be given several times (string flags). */
  multiple?: boolean;
  /** Leaving it out is a usage error. */
  required?: boolean;
  /** Smallest accepted value of an integer flag. */
  min?: number;
  /** Largest accepted value of an integer flag. */
  max?: number;
  /** The placeholder shown in help (`--dataset ID_OR_NAME`). */
  value?: string;
}

/** Parsed command-line arguments. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | string[] | number | boolean>;
}

/** A usage mistake: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** True when `arg` is a flag (`--name`, `--name=value`) rather than a word or a value. */
export function isFlag(arg: string): boolean {
  return arg.startsWith("--") && arg.length > 2;
}

/** The name of a flag argument: `--name=value` gives `name`. */
export function flagName(arg: string): string {
  const eq = arg.indexOf("=");
  return arg.slice(2, eq === -1 ? undefined : eq);
}

/**
 * The words of `argv` that are not flags or flag values, in order: what names the command.
 * `takesValue` tells which flags consume the next argument (`--endpoint URL`), so that a value is
 * never taken for a command word.
 */
export function commandWords(argv: readonly string[], takesValue: (name: string) => boolean): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (!isFlag(arg)) words.push(arg);
    else if (!arg.includes("=") && takesValue(flagName(arg))) i += 1;
  }
  return words;
}

function integerValue(name: string, value: string, spec: FlagSpec): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isInteger(number))
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  if (spec.min !== undefined && number < spec.min)
    throw new UsageError(`--${name} must be at least ${spec.min}, got ${number}`);
  if (spec.max !== undefined && number > spec.max)
    throw new UsageError(`--${name} must be at most ${spec.max}, got ${number}`);
  return number;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--flag` anywhere on the line; everything
 * else is positional. Unknown flags, values of the wrong type and missing required flags are
 * usage errors.
 */
export function parseArgs(argv: readonly string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs["flags"] = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // A single dash and a letter is an option written short, which no command has; a negative
    // number stays a word.
    if (/^-[A-Za-z]/.test(arg)) {
      const name = arg.slice(1).split("=")[0] as string;
      throw new UsageError(
        `Unknown option ${arg.split("=")[0]}${specs[name] ? `: options take two dashes (--${name})` : ""}`,
      );
    }
    if (!isFlag(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = flagName(arg);
    const spec = specs[name];
    if (!spec) throw new UsageError(`Unknown option --${name}`);
    if (spec.type === "boolean") {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || (eq === -1 && isFlag(value))) throw new UsageError(`--${name} needs a value`);
    if (spec.type === "integer") flags[name] = integerValue(name, value, spec);
    else if (spec.multiple) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && flags[name] === undefined)
      throw new UsageError(`--${name} is required${spec.value ? ` (--${name} ${spec.value})` : ""}`);
  }
  return { positionals, flags };
}

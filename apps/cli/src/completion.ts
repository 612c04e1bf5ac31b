import { commandWords, type FlagSpec, flagName, isFlag } from "./args.js";
import { type Command, GLOBAL_FLAGS } from "./command.js";
import { resolveConnection } from "./config.js";
import type { Io } from "./output.js";

/** What an argument or a flag value completes to. */
type Kind = "dataset" | "model" | "run" | "slice" | "job";

/** Positional placeholders (`<dataset>` in a command's usage) and flags whose values are ids. */
const ARGUMENT_KINDS: Record<string, Kind> = {
  "<dataset>": "dataset",
  "<model-id>": "model",
  "<run-id>": "run",
  "<slice-id>": "slice",
  "<job-id>": "job",
};
const FLAG_KINDS: Record<string, Kind> = { dataset: "dataset", model: "model", run: "run", slice: "slice" };

/** Ids (and dataset names) from the server; nothing when it cannot be reached within two seconds. */
async function ids(kind: Kind, flags: Record<string, unknown>, io: Io): Promise<string[]> {
  try {
    const { endpoint, apiKey } = resolveConnection(flags, io);
    const { NucleusClient } = await import("@nucleus/core");
    const client = new NucleusClient({ apiKey, endpoint, timeout: 2_000, maxRetries: 0 });
    if (kind === "dataset")
      return (await client.listDatasets()).flatMap((d) => (/\s/.test(d.name) ? [d.id] : [d.id, d.name]));
    if (kind === "model") return (await client.listModels()).map((m) => m.id);
    if (kind === "slice") return (await client.listSlices()).map((s) => s.id);
    if (kind === "job") return (await client.listJobs()).map((j) => j.id);
    // Runs are listed per dataset: cheap for the few datasets a local server usually has.
    const datasets = (await client.listDatasets()).slice(0, 50);
    const infos = await Promise.all(datasets.map((d) => client.getDataset(d.id).info()));
    return infos.flatMap((info) => info.modelRunIds);
  } catch {
    return [];
  }
}

/** Connection flags given on the line being completed (`--endpoint URL`, `--api-key K`, `--data DIR`). */
function connectionFlags(words: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (!isFlag(word)) continue;
    const name = flagName(word);
    if (!["endpoint", "api-key", "data"].includes(name)) continue;
    const eq = word.indexOf("=");
    const value = eq === -1 ? words[i + 1] : word.slice(eq + 1);
    if (value !== undefined) flags[name] = value;
  }
  return flags;
}

/**
 * The completions of the last of `words` (the words after `nu`, the last one being typed, maybe
 * empty): command words, flags of the command, ids for id arguments and flags, and the choices
 * of arguments such as `bash|zsh|fish`. An empty answer lets the shell complete file names.
 */
export async function completions(
  commands: readonly Command[],
  words: readonly string[],
  io: Io,
): Promise<string[]> {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  const specsOf = (command?: Command): Record<string, FlagSpec> => ({ ...GLOBAL_FLAGS, ...command?.flags });
  const valueFlags = new Set(
    commands.flatMap((c) =>
      Object.entries(specsOf(c))
        .filter(([, spec]) => spec.type !== "boolean")
        .map(([name]) => name),
    ),
  );
  const typed = commandWords(before, (name) => valueFlags.has(name));
  const command =
    commands.find((c) => c.path.length === 2 && c.path[0] === typed[0] && c.path[1] === typed[1]) ??
    commands.find((c) => c.path.length === 1 && c.path[0] === typed[0]);
  const matching = (candidates: readonly string[]) =>
    [...new Set(candidates)].filter((c) => c.startsWith(current));

  const previous = before.at(-1);
  if (previous && isFlag(previous) && !previous.includes("=")) {
    const name = flagName(previous);
    const spec = specsOf(command)[name];
    if (spec && spec.type !== "boolean") {
      const kind = FLAG_KINDS[name];
      return kind ? matching(await ids(kind, connectionFlags(words), io)) : [];
    }
  }
  if (current.startsWith("-")) return matching(Object.keys(specsOf(command)).map((name) => `--${name}`));
  if (!command) {
    const shown = commands.filter((c) => !c.hidden);
    if (typed.length === 0) return matching(shown.map((c) => c.path[0] as string));
    if (typed.length === 1)
      return matching(shown.filter((c) => c.path[0] === typed[0]).map((c) => c.path[1] ?? ""));
    return [];
  }
  const position = typed.length - command.path.length;
  const placeholders = (command.usage ?? "").split(/\s+/).filter(Boolean);
  const last = placeholders.at(-1) ?? "";
  const placeholder = placeholders[position] ?? (/\.\.\.[>\]]$/.test(last) ? last : "");
  const kind = ARGUMENT_KINDS[placeholder.replace(/^\[/, "<").replace(/(\.\.\.)?[>\]]$/, ">")];
  if (kind) return matching(await ids(kind, connectionFlags(words), io));
  if (!placeholder.startsWith("<") && placeholder.includes("|")) return matching(placeholder.split("|"));
  return [];
}

/** A completion script for `shell` that asks `nu __complete` for everything past the first word. */
export function completionScript(shell: "bash" | "zsh" | "fish", nouns: readonly string[]): string {
  if (shell === "fish") {
    return `# nu completion for fish: nu completion fish > ~/.config/fish/completions/nu.fish
complete -c nu -f -n "__fish_use_subcommand" -a "${nouns.join(" ")}"
complete -c nu -n "not __fish_use_subcommand" -a "(nu __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)"
`;
  }
  const zsh = shell === "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" : "";
  return `# nu completion for ${shell}: nu completion ${shell} > ~/.nu-completion && source ~/.nu-completion
${zsh}_nu_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ] && [[ "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "${nouns.join(" ")}" -- "$cur"))
    return
  fi
  local IFS=$'\\n'
  COMPREPLY=($(nu __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _nu_complete nu
`;
}

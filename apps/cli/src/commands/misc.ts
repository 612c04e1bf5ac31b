import { readFileSync } from "node:fs";
import {
  Annotation,
  type CheckResult,
  DatasetItem,
  type PathPrefix,
  Prediction,
  validateBatch,
} from "@nucleus/schemas";
import type { Command } from "../command.js";
import { CliError } from "../output.js";

interface LineChecker {
  check(wire: unknown, at?: PathPrefix): CheckResult<unknown>;
}

const CODECS: Record<string, LineChecker> = {
  items: DatasetItem,
  annotations: Annotation,
  predictions: Prediction,
};

/** `nu validate` and `nu completion`. */
export function miscCommands(all: () => Command[]): Command[] {
  return [
    {
      path: ["validate"],
      summary: "check a Nucleus NDJSON file of items, annotations or predictions",
      usage: "items|annotations|predictions <file>",
      run(c) {
        const kind = c.arg(0, "kind");
        const codec = CODECS[kind];
        if (!codec)
          throw new CliError(
            "Unknown kind",
            `${kind} is not items, annotations or predictions`,
            "nu validate annotations FILE",
          );
        const file = c.arg(1, "file");
        let text: string;
        try {
          text = readFileSync(file, "utf8");
        } catch (error) {
          throw new CliError("Cannot read file", `${file}: ${(error as Error).message}`);
        }
        const lines = text
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map((line, i) => {
            try {
              return JSON.parse(line) as unknown;
            } catch {
              throw new CliError("Not NDJSON", `${file}: line ${i + 1} is not valid JSON`);
            }
          });
        const { valid, issues } = validateBatch(codec, lines, kind);
        if (c.json) c.print({ total: lines.length, valid: valid.length, issues: issues.map((i) => i.text) });
        else {
          for (const issue of issues) c.io.err(`${issue.text}\n`);
          c.io.out(`${valid.length} of ${lines.length} ${kind} valid\n`);
        }
        return issues.length === 0 ? 0 : 1;
      },
    },
    {
      path: ["completion"],
      summary: "print a shell completion script",
      usage: "bash|zsh|fish",
      run(c) {
        const shell = c.arg(0, "shell");
        const nouns = [...new Set(all().map((command) => command.path[0] as string))].sort();
        const verbs = (noun: string) =>
          all()
            .filter((command) => command.path[0] === noun && command.path[1])
            .map((command) => command.path[1] as string);
        if (shell === "bash" || shell === "zsh") {
          const cases = nouns
            .map((noun) => `    ${noun}) COMPREPLY=($(compgen -W "${verbs(noun).join(" ")}" -- "$cur")) ;;`)
            .join("\n");
          const script = `# nu completion for ${shell}
${shell === "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" : ""}_nu() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${nouns.join(" ")}" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
}
complete -F _nu nu
`;
          c.io.out(script);
          return 0;
        }
        if (shell === "fish") {
          const lines = [
            `complete -c nu -f -n "__fish_use_subcommand" -a "${nouns.join(" ")}"`,
            ...nouns
              .filter((noun) => verbs(noun).length > 0)
              .map(
                (noun) =>
                  `complete -c nu -f -n "__fish_seen_subcommand_from ${noun}" -a "${verbs(noun).join(" ")}"`,
              ),
          ];
          c.io.out(`${lines.join("\n")}\n`);
          return 0;
        }
        throw new CliError(
          "Unknown shell",
          `${shell} is not bash, zsh or fish`,
          "nu completion bash > ~/.nu-completion && source ~/.nu-completion",
        );
      },
    },
  ];
}

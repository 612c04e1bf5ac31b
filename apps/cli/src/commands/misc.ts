import { readFileSync } from "node:fs";
import type { CheckResult, PathPrefix } from "@nucleus/schemas";
import type { Command } from "../command.js";
import { completionScript } from "../completion.js";
import { CliError } from "../output.js";

interface LineChecker {
  check(wire: unknown, at?: PathPrefix): CheckResult<unknown>;
}

/** The codec that checks each kind of NDJSON line (the schemas load only when `nu validate` runs). */
async function codecOf(kind: string): Promise<LineChecker | undefined> {
  const { Annotation, DatasetItem, Prediction } = await import("@nucleus/schemas");
  return (
    { items: DatasetItem, annotations: Annotation, predictions: Prediction } as Record<string, LineChecker>
  )[kind];
}

/** `nu validate` and `nu completion`. */
export function miscCommands(all: () => Command[]): Command[] {
  return [
    {
      path: ["validate"],
      summary: "check a Nucleus NDJSON file of items, annotations or predictions",
      usage: "items|annotations|predictions <file>",
      async run(c) {
        const kind = c.arg(0, "kind");
        const codec = await codecOf(kind);
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
        const { validateBatch } = await import("@nucleus/schemas");
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
      summary: "print a shell completion script (commands, flags, and ids from the server)",
      usage: "bash|zsh|fish",
      details:
        "bash: nu completion bash > ~/.nu-completion && echo 'source ~/.nu-completion' >> ~/.bashrc\nzsh:  nu completion zsh > ~/.nu-completion && echo 'source ~/.nu-completion' >> ~/.zshrc\nfish: nu completion fish > ~/.config/fish/completions/nu.fish",
      run(c) {
        const shell = c.arg(0, "shell");
        if (shell !== "bash" && shell !== "zsh" && shell !== "fish")
          throw new CliError(
            "Unknown shell",
            `${shell} is not bash, zsh or fish`,
            "nu completion bash > ~/.nu-completion && source ~/.nu-completion",
          );
        const nouns = [
          ...new Set(
            all()
              .filter((command) => !command.hidden)
              .map((command) => command.path[0] as string),
          ),
        ];
        c.io.out(completionScript(shell, nouns.sort()));
        return 0;
      },
    },
  ];
}

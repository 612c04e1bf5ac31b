// Writes guides/cli.md from nu's own command definitions, so the reference cannot drift.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "@nucleus/cli";

const lines = [
  "---",
  "title: CLI reference",
  "---",
  "",
  "# CLI reference",
  "",
  "`nu` does everything the packages do, from a terminal. Every command takes `--json` (one JSON",
  "document on standard output, for scripts), `--api-key`, `--endpoint`, `--data`, `--debug` and",
  "`--help`. The key and endpoint come from the flags, then `NUCLEUS_API_KEY` and",
  "`NUCLEUS_ENDPOINT`, then `~/.config/nucleus/config.json`, then, for a server on this machine,",
  "the key in its data folder. Exit codes: 0 ok, 1 failure, 2 usage error.",
  "",
  "This page is generated from the command definitions.",
  "",
];
for (const command of COMMANDS) {
  lines.push(
    `## nu ${command.path.join(" ")}`,
    "",
    command.summary,
    "",
    "```sh",
    `nu ${command.path.join(" ")} ${command.usage ?? ""}`.trimEnd(),
    "```",
    "",
  );
  const flags = Object.entries(command.flags ?? {});
  if (flags.length > 0) {
    lines.push("| option | meaning |", "|---|---|");
    for (const [name, spec] of flags)
      lines.push(
        `| \`--${name}${spec.type === "boolean" ? "" : ` ${spec.value ?? (spec.type === "integer" ? "N" : "VALUE")}`}\` | ${spec.description} |`,
      );
    lines.push("");
  }
  // Examples and formats a command's help shows under its options (query syntax, file formats).
  if (command.details) lines.push("```text", command.details.trimEnd(), "```", "");
}
writeFileSync(fileURLToPath(new URL("../guides/cli.md", import.meta.url)), lines.join("\n"));

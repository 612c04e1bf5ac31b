#!/usr/bin/env node
import { readFileSync } from "node:fs";
import {
  Annotation,
  type CheckResult,
  DatasetItem,
  type PathPrefix,
  Prediction,
  validateBatch,
} from "@nucleus/schemas";

const USAGE = `nu: Nucleus from a terminal

Usage:
  nu validate items|annotations|predictions FILE [--json]   check a Nucleus NDJSON file
  nu help                                                    show this help

Exit codes: 0 ok, 1 invalid input, 2 usage error.`;

/** Anything that validates one NDJSON line. */
interface LineChecker {
  check(wire: unknown, at?: PathPrefix): CheckResult<unknown>;
}

const CODECS: Record<string, LineChecker> = {
  items: DatasetItem,
  annotations: Annotation,
  predictions: Prediction,
};

/** Runs one invocation and returns its exit code. */
export function run(argv: string[], out = process.stdout, err = process.stderr): number {
  const args = argv.filter((arg) => !arg.startsWith("--"));
  const json = argv.includes("--json");
  const [command, kind, file] = args;
  if (command === undefined || command === "help" || argv.includes("--help")) {
    out.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== "validate" || kind === undefined || file === undefined || !(kind in CODECS)) {
    err.write(`Usage error: expected \`nu validate items|annotations|predictions FILE\`\n\n${USAGE}\n`);
    return 2;
  }
  const codec = CODECS[kind] as LineChecker;
  let lines: unknown[];
  try {
    lines = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, i) => {
        try {
          return JSON.parse(line);
        } catch {
          throw new Error(`line ${i + 1} is not valid JSON`);
        }
      });
  } catch (error) {
    err.write(`Cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const { valid, issues } = validateBatch(codec, lines, kind);
  if (json) {
    out.write(
      `${JSON.stringify({ total: lines.length, valid: valid.length, issues: issues.map((i) => i.text) })}\n`,
    );
  } else {
    for (const issue of issues) err.write(`${issue.text}\n`);
    out.write(`${valid.length} of ${lines.length} ${kind} valid\n`);
  }
  return issues.length === 0 ? 0 : 1;
}

process.exitCode = run(process.argv.slice(2));

#!/usr/bin/env node
// Prints each failed test of a vitest JSON report on one line (file, name, first line of its
// error), so the failures are readable from the last lines of a long CI log.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** One line per failed test (or per file that failed before its tests ran) of a vitest JSON report. */
export function failedTestLines(report) {
  const lines = [];
  const firstLine = (text) =>
    String(text ?? "")
      .split("\n")[0]
      .slice(0, 300);
  for (const file of report.testResults ?? []) {
    const where = relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === "failed");
    // A timeout's message is not in the report, only a stack: the duration shows it.
    for (const test of failed) {
      const ms = Math.round(test.duration ?? 0);
      lines.push(`FAILED ${where} > ${test.fullName} (${ms} ms): ${firstLine(test.failureMessages?.[0])}`);
    }
    if (file.status === "failed" && failed.length === 0)
      lines.push(`FAILED ${where}: ${firstLine(file.message)}`);
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = JSON.parse(readFileSync(process.argv[2] ?? "reports/vitest.json", "utf8"));
  for (const line of failedTestLines(report)) console.log(line);
}

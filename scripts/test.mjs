#!/usr/bin/env node
// Runs every vitest project once and ends with a plain `N passed, N failed` line.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { failedTestLines } from "./failed-tests.mjs";

const report = "reports/vitest.json";
mkdirSync("reports", { recursive: true });
rmSync(report, { force: true });

// A test run started by the README test itself leaves that test out, or it would recurse.
const nested = process.env.NUCLEUS_NESTED_RUN ? ["--exclude", "**/readme.test.ts"] : [];
const run = spawnSync(
  "vitest",
  [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...nested,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", shell: process.platform === "win32" },
);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(report, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  if (results.numTotalTests === 0) failed += 1;
  for (const line of failedTestLines(results)) console.log(line);
} catch {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);

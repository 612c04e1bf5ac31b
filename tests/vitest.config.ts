import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@nucleus/e2e",
    // Real servers, databases and browsers on a shared 2-core machine: a test may wait its turn
    // for a core well past vitest's 5 s default, which would fail it for no fault of its own.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A page may take a few seconds to show what a poll waits for when the cores are busy.
    expect: { poll: { timeout: 10_000 } },
    // A database of this project's own on a PostgreSQL server, for the team tests.
    globalSetup: ["../scripts/postgres.mjs"],
  },
});

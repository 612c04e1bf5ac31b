import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@nucleus/core",
    // Real servers, databases and browsers on a shared 2-core machine: a test may wait its turn
    // for a core well past vitest's 5 s default, which would fail it for no fault of its own.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});

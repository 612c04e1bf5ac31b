import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@nucleus/query",
    // A shared 2-core machine may keep a test waiting for a core well past vitest's 5 s default.
    testTimeout: 60_000,
  },
});

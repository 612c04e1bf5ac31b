import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@nucleus/cli", testTimeout: 30_000 },
});

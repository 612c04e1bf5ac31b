import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@nucleus/server",
    // A database of this project's own on a PostgreSQL server, for the PostgreSQL runs.
    globalSetup: ["../../scripts/postgres.mjs"],
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});

import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@nucleus/e2e",
    // A database of this project's own on a PostgreSQL server, for the team tests.
    globalSetup: ["../scripts/postgres.mjs"],
  },
});

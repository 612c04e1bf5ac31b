import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@nucleus/examples",
    // A database of this project's own on a PostgreSQL server, for the SDK suite's PostgreSQL run.
    globalSetup: ["../../scripts/postgres.mjs"],
  },
});

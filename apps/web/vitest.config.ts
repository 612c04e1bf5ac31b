import { defineProject } from "vitest/config";

/** Unit tests of the app's logic (geometry, colours, state); the browser tests live in `tests/`. */
export default defineProject({
  test: { name: "@nucleus/web", environment: "node", include: ["src/**/*.test.ts"] },
});

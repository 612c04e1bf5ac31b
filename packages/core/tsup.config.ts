import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

/** The browser build takes the browser platform wherever the source imports Node's. */
const browserPlatform: Plugin = {
  name: "nucleus-browser-platform",
  setup(build) {
    build.onResolve({ filter: /^\.\/node\.js$/ }, (args) =>
      /platform[\\/]index\.ts$/.test(args.importer)
        ? { path: fileURLToPath(new URL("./src/platform/browser.ts", import.meta.url)) }
        : undefined,
    );
  },
};

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    // The two builds run side by side: each cleans only its own files.
    clean: ["!browser.*"],
    target: "node20",
  },
  {
    entry: { browser: "src/index.ts" },
    format: ["esm"],
    platform: "browser",
    sourcemap: true,
    clean: ["!index.*"],
    target: "es2022",
    esbuildPlugins: [browserPlatform],
  },
]);

import { defineConfig } from "tsup";

export default defineConfig({
  // `node` and its `worker` are the Node-only entry (worker threads); `index` runs anywhere.
  entry: { index: "src/index.ts", node: "src/node.ts", worker: "src/coco/engine/worker.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", node: "src/node.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // import.meta.url in the CommonJS build, to find the worker file.
  shims: true,
});

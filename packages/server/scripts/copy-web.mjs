#!/usr/bin/env node
// Copies the built web app (apps/web/dist) into dist/web, which the server serves at `/` and
// which ships in the package. Runs after tsup, whose --clean empties dist first.
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../../apps/web/dist/", import.meta.url));
const target = fileURLToPath(new URL("../dist/web/", import.meta.url));

rmSync(target, { recursive: true, force: true });
if (!existsSync(`${source}index.html`)) {
  console.warn(
    "@nucleus/server: apps/web is not built, so this server build has no web app (build the workspace with `pnpm build`)",
  );
} else {
  cpSync(source, target, { recursive: true });
}

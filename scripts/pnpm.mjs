#!/usr/bin/env node
// Runs the pinned pnpm through npm, so a machine with only Node and npm can drive the workspace.
// Native addons (better-sqlite3) build against the headers npm is configured with: pnpm does not
// forward npm's `nodedir` setting to node-gyp, so it is exported here.
import { execFileSync, spawnSync } from "node:child_process";

const PNPM = "pnpm@12.4.2";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const env = { ...process.env };

if (!env.npm_config_nodedir) {
  try {
    const nodedir = execFileSync(npm, ["config", "get", "nodedir"], { encoding: "utf8" }).trim();
    if (nodedir && nodedir !== "undefined" && nodedir !== "null") env.npm_config_nodedir = nodedir;
  } catch {
    // No npm config: node-gyp falls back to its own defaults.
  }
}

const result = spawnSync(
  npm,
  ["exec", "--yes", `--package=${PNPM}`, "--", "pnpm", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env,
  },
);
process.exit(result.status ?? 1);

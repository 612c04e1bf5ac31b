import { readFile } from "node:fs/promises";
import { sendNative } from "./node-http.js";
import type { Platform } from "./platform.js";

/**
 * Node: environment variables from `process.env`, local files from the file system, requests by
 * the `http` module.
 */
export const platform: Platform = {
  name: "node",
  env(name) {
    const value = process.env[name]?.trim();
    return value ? value : undefined;
  },
  async readFile(location) {
    return new Blob([new Uint8Array(await readFile(location))]);
  },
  cookie: () => undefined,
  sendNative,
};

import { NucleusError } from "../errors.js";
import type { Platform } from "./platform.js";

/**
 * Browsers: no environment variables and no file system. Local files come as `File` or `Blob`
 * objects in an upload's `files` option, or as `blob:` and `data:` URLs, which are fetched.
 */
export const platform: Platform = {
  name: "browser",
  env: () => undefined,
  async readFile(location) {
    if (/^(blob|data):/i.test(location)) return (await fetch(location)).blob();
    throw new NucleusError(
      `Cannot read the local file ${JSON.stringify(location)} in a browser: pass it in the upload's files option ({ files: { ${JSON.stringify(location)}: file } }) as a File or Blob, or give a blob: URL`,
    );
  },
  cookie(name) {
    const prefix = `${name}=`;
    // Typed by hand: the package compiles without the DOM library.
    const { document } = globalThis as { document?: { cookie: string } };
    const entry = document?.cookie.split("; ").find((part) => part.startsWith(prefix));
    return entry === undefined ? undefined : decodeURIComponent(entry.slice(prefix.length));
  },
};

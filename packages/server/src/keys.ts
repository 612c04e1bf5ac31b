import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { preparePrivateFolder, warnIfLoose } from "./db/data-folder.js";

/** The file in the data folder that keeps the key made on first start. */
export const KEY_FILE = "api-key";

/**
 * The keys to accept when none were given: the one stored in the data folder, or a new one,
 * stored there (readable by its owner only) for the next start. `created` says which. A stored
 * key that others can read is still used, with a warning on `log` (default: standard error).
 *
 * @example
 * ```ts
 * import { storedApiKey } from "@nucleus/server";
 *
 * const { key } = storedApiKey("./nucleus-data"); // the same key on every start
 * ```
 */
export function storedApiKey(
  dataDir: string,
  log?: (line: string) => void,
): { key: string; created: boolean } {
  const path = join(dataDir, KEY_FILE);
  if (existsSync(path)) {
    const key = readFileSync(path, "utf8").trim();
    if (key) {
      warnIfLoose(path, log);
      return { key, created: false };
    }
  }
  preparePrivateFolder(dataDir, log);
  const key = `nuc_${randomBytes(24).toString("hex")}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return { key, created: true };
}

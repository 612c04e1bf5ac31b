import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** The file in the data folder that keeps the secret tenant ids are derived with. */
export const TENANT_SECRET_FILE = "tenant-secret";

/** Mode bits that let anyone but the owner in. */
const GROUP_OR_OTHER = 0o077;

/** Warnings already given, so a folder opened by many stores in one process warns once. */
const warned = new Set<string>();

/** Warns (once per path) when a file or folder of the data folder is open to others than its owner. */
export function warnIfLoose(path: string, log: (line: string) => void = defaultLog): boolean {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return false;
  }
  if ((mode & GROUP_OR_OTHER) === 0) return false;
  if (!warned.has(path)) {
    warned.add(path);
    const octal = (mode & 0o777).toString(8).padStart(3, "0");
    log(
      `Warning: ${path} is readable by other users (mode ${octal}): it holds every tenant's data. Run: chmod go-rwx ${JSON.stringify(path)}`,
    );
  }
  return true;
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Makes the data folder if it is missing, readable by its owner only (0700); warns when an
 * existing one is open to others (it is left as it is: the owner may share it on purpose).
 */
export function preparePrivateFolder(dir: string, log?: (line: string) => void): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask; say it exactly.
    chmodSync(dir, 0o700);
    return;
  }
  warnIfLoose(dir, log);
}

/**
 * Makes a file of the data folder before a library opens it, readable and writable by its owner
 * only (0600): SQLite gives its WAL and shared-memory files the database file's mode. Warns when
 * an existing one is open to others.
 */
export function preparePrivateFile(path: string, log?: (line: string) => void): void {
  if (!existsSync(path)) {
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
    return;
  }
  warnIfLoose(path, log);
}

/**
 * The secret of a data folder that tenant ids are derived with (HMAC of the key), made on first
 * use: 32 random bytes in `tenant-secret`, readable by the owner only. Without it, the tenant
 * ids in the database cannot be matched to keys, even by trying likely keys.
 */
export function readTenantSecret(dataDir: string, log?: (line: string) => void): Buffer {
  preparePrivateFolder(dataDir, log);
  const path = join(dataDir, TENANT_SECRET_FILE);
  if (existsSync(path)) {
    warnIfLoose(path, log);
    const text = readFileSync(path, "utf8").trim();
    if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, "hex");
    throw new Error(`${path} is not a tenant secret (64 hex digits); restore it from a backup`);
  }
  const secret = randomBytes(32);
  // wx: two processes starting at once must not each write their own secret.
  try {
    writeFileSync(path, `${secret.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readTenantSecret(dataDir, log);
    throw error;
  }
  return secret;
}

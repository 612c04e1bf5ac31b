import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { CliError, type Io } from "./output.js";

/** Where the client connects, with which key, and the local data folder that goes with it. */
export interface Connection {
  endpoint: string;
  apiKey: string;
  /** The local server's data folder: where its key is kept, and what `nu` opens when no server answers. */
  dataDir: string;
}

/** What a config file may set. */
interface FileConfig {
  apiKey?: string;
  endpoint?: string;
  /** A data folder, relative to the file's folder. */
  data?: string;
}

/** The default endpoint: a server on this machine. */
export const LOCAL_ENDPOINT = "http://127.0.0.1:8080/v1/nucleus";

/** The name of a project's config file, looked for in the working folder and its parents. */
export const PROJECT_CONFIG = join(".nucleus", "config.json");

function readConfig(path: string): FileConfig {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as FileConfig;
    return parsed.data ? { ...parsed, data: resolve(dirname(path), parsed.data) } : parsed;
  } catch {
    throw new CliError("Bad config file", `${path} is not valid JSON`, "Fix or delete it");
  }
}

/** The nearest `.nucleus/config.json` from `cwd` up, if any. */
function projectConfigPath(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const path = join(dir, PROJECT_CONFIG);
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The config files in order of precedence: the project's `.nucleus/config.json` (found from the
 * working folder up), then the user's (`NUCLEUS_CONFIG` or `~/.config/nucleus/config.json`).
 */
function configFiles(io: Io): FileConfig[] {
  const user = io.env.NUCLEUS_CONFIG ?? join(io.env.HOME ?? homedir(), ".config", "nucleus", "config.json");
  const project = projectConfigPath(io.cwd ?? process.cwd());
  return [project, existsSync(user) ? user : undefined].flatMap((path) => (path ? [readConfig(path)] : []));
}

function first<K extends keyof FileConfig>(files: FileConfig[], key: K): FileConfig[K] {
  return files.find((file) => file[key] !== undefined)?.[key];
}

/** True for an endpoint on this machine, whose key may sit in a local data folder. */
export function isLocal(endpoint: string): boolean {
  return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(endpoint);
}

/**
 * The data folder of a local server: `--data`, `NUCLEUS_DATA`, a config file's `data`, or
 * `./nucleus-data`.
 */
export function resolveDataDir(flags: Record<string, unknown>, io: Io): string {
  return (
    (flags.data as string | undefined) ??
    io.env.NUCLEUS_DATA ??
    first(configFiles(io), "data") ??
    "./nucleus-data"
  );
}

/** The endpoint: `--endpoint`, then `NUCLEUS_ENDPOINT`, then the config files, then this machine's server. */
export function resolveEndpoint(
  flags: Record<string, unknown>,
  io: Io,
  files: FileConfig[] = configFiles(io),
): string {
  return (
    (flags.endpoint as string | undefined) ??
    io.env.NUCLEUS_ENDPOINT ??
    first(files, "endpoint") ??
    LOCAL_ENDPOINT
  );
}

/** The key a config file sets, if any (what `nu serve` accepts when no `--api-key` is given). */
export function configuredApiKey(io: Io): string | undefined {
  return first(configFiles(io), "apiKey");
}

/**
 * Resolves the endpoint and key: flags, then `NUCLEUS_API_KEY` / `NUCLEUS_ENDPOINT`, then the
 * config files, then, for a server on this machine, the key it keeps in its data folder.
 */
export function resolveConnection(flags: Record<string, unknown>, io: Io): Connection {
  const files = configFiles(io);
  const endpoint = resolveEndpoint(flags, io, files);
  const dataDir = resolveDataDir(flags, io);
  let apiKey = (flags["api-key"] as string | undefined) ?? io.env.NUCLEUS_API_KEY ?? first(files, "apiKey");
  if (!apiKey && isLocal(endpoint)) {
    const keyFile = join(dataDir, "api-key");
    if (existsSync(keyFile)) apiKey = readFileSync(keyFile, "utf8").trim();
  }
  if (!apiKey) {
    throw new CliError(
      "No API key",
      `Nothing says which key to use for ${endpoint}`,
      'Pass --api-key, set NUCLEUS_API_KEY, or put {"apiKey": ...} in ~/.config/nucleus/config.json',
    );
  }
  return { endpoint, apiKey, dataDir };
}

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { CliError, type Io } from "./output.js";

/** Where the client connects, and with which key. */
export interface Connection {
  endpoint: string;
  apiKey: string;
}

const LOCAL_ENDPOINT = "http://127.0.0.1:8080/v1/nucleus";

function readConfigFile(io: Io): { apiKey?: string; endpoint?: string } {
  const path = io.env.NUCLEUS_CONFIG ?? join(homedir(), ".config", "nucleus", "config.json");
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { apiKey?: string; endpoint?: string };
  } catch {
    throw new CliError("Bad config file", `${path} is not valid JSON`, "Fix or delete it");
  }
}

/**
 * Resolves the endpoint and key: flags, then `NUCLEUS_API_KEY` / `NUCLEUS_ENDPOINT`, then the
 * config file, then, for a server on this machine, the key it keeps in its data folder.
 */
export function resolveConnection(flags: Record<string, unknown>, io: Io): Connection {
  const file = readConfigFile(io);
  const endpoint =
    (flags.endpoint as string | undefined) ?? io.env.NUCLEUS_ENDPOINT ?? file.endpoint ?? LOCAL_ENDPOINT;
  let apiKey = (flags["api-key"] as string | undefined) ?? io.env.NUCLEUS_API_KEY ?? file.apiKey;
  if (!apiKey && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(endpoint)) {
    const keyFile = join((flags.data as string | undefined) ?? "./nucleus-data", "api-key");
    if (existsSync(keyFile)) apiKey = readFileSync(keyFile, "utf8").trim();
  }
  if (!apiKey) {
    throw new CliError(
      "No API key",
      `Nothing says which key to use for ${endpoint}`,
      'Pass --api-key, set NUCLEUS_API_KEY, or put {"apiKey": ...} in ~/.config/nucleus/config.json',
    );
  }
  return { endpoint, apiKey };
}

/** A client for the resolved connection. */
export function clientFor(flags: Record<string, unknown>, io: Io): NucleusClient {
  const { endpoint, apiKey } = resolveConnection(flags, io);
  return new NucleusClient({ apiKey, endpoint });
}

/**
 * Runs the real `nu` binary in a child process against a real local server, as a user would:
 * from a scratch folder (so no project config of this checkout applies), with a clean env.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { expect } from "vitest";

const exec = promisify(execFile);

/** The built `nu` entry point. */
export const NU_BINARY = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** What a run of `nu` gave. */
export interface NuResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A scratch folder with a real server, and `nu` bound to both. */
export interface NuSession {
  scratch: string;
  server: RunningNucleusServer;
  /** The environment `nu` runs with: PATH, HOME, the server's endpoint and key. */
  env: Record<string, string>;
  /** Runs `nu args` and returns its exit code and output. */
  nu(args: readonly string[], options?: { env?: Record<string, string>; cwd?: string }): Promise<NuResult>;
  /** Runs `nu args --json`, expects exit 0, and parses standard output. */
  json<T>(args: readonly string[]): Promise<T>;
  stop(): Promise<void>;
}

/** Starts a server on a scratch folder (a new one unless given; removed by `stop`). */
export async function startNuSession(
  key = "cli-key",
  scratch = mkdtempSync(join(tmpdir(), "nu-cli-")),
): Promise<NuSession> {
  const server = await createServer({ dataDir: join(scratch, "server"), apiKeys: [key], port: 0 });
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: scratch,
    NUCLEUS_ENDPOINT: server.url,
    NUCLEUS_API_KEY: key,
  };
  const nu = async (
    args: readonly string[],
    options: { env?: Record<string, string>; cwd?: string } = {},
  ) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [NU_BINARY, ...args], {
        env: options.env ?? env,
        cwd: options.cwd ?? scratch,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  return {
    scratch,
    server,
    env,
    nu,
    async json<T>(args: readonly string[]) {
      const result = await nu([...args, "--json"]);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout) as T;
    },
    async stop() {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * A team deployment on this machine: several `nucleus-server` processes on one PostgreSQL schema
 * and one bucket of an S3-compatible server (s3rver, through the AWS SDK), and a client that
 * spreads its requests over them the way a load balancer would.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
// @ts-expect-error: s3rver ships no types.
import S3rver from "@20minutes/s3rver";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

const binary = fileURLToPath(new URL("../../packages/server/dist/main.js", import.meta.url));

/** The team's API key and the secret its servers share. */
export const TEAM_KEY = "team-key";
const SECRET = randomBytes(32).toString("hex");

/** The test run's PostgreSQL database, or null when none could be started here. */
export const postgresUrl = (): string | null => inject("postgresUrl");

/** One server process of the team. */
export interface TeamServer {
  child: ChildProcess;
  url: string;
  origin: string;
  /** The one-time login link it printed as it started. */
  loginUrl: string;
  pid: number;
  /** What it wrote to standard error. */
  stderr: string[];
}

/** A running team: its servers, database schema and bucket. */
export interface Team {
  servers: TeamServer[];
  databaseUrl: string;
  schema: string;
  bucket: { endpoint: string; name: string };
  /** Starts one more server on the same database and bucket. */
  start(): Promise<TeamServer>;
  /** A `fetch` that sends each request to the next live server, as a round-robin balancer. */
  balancer(): typeof fetch;
  /** Runs SQL on the team's schema with psql; rows as tab-separated lines. */
  sql(query: string): string[];
  stop(): Promise<void>;
}

/** Starts `count` servers on a fresh schema of the test database and a fresh bucket. */
export async function startTeam(count: number, options: { leaseSeconds: number }): Promise<Team> {
  const base = postgresUrl();
  if (!base) throw new Error("no test database");
  const schema = `team_${randomBytes(5).toString("hex")}`;
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  const databaseUrl = url.toString();
  const directory = mkdtempSync(join(tmpdir(), "nucleus-team-s3-"));
  const s3 = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: "team" }],
  });
  const { port } = (await s3.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const servers: TeamServer[] = [];

  const start = async (): Promise<TeamServer> => {
    const child = spawn(
      process.execPath,
      [
        binary,
        "--database",
        databaseUrl,
        "--media",
        "s3://team/media",
        "--s3-endpoint",
        endpoint,
        "--port",
        "0",
        "--api-key",
        TEAM_KEY,
        "--job-lease-seconds",
        String(options.leaseSeconds),
        "--quiet",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          NUCLEUS_SECRET: SECRET,
          AWS_ACCESS_KEY_ID: "S3RVER",
          AWS_SECRET_ACCESS_KEY: "S3RVER",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
      },
    );
    const stderr: string[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const started = await new Promise<{ url: string; loginUrl: string }>((resolve, reject) => {
      lines.once("line", (line) => resolve(JSON.parse(line) as { url: string; loginUrl: string }));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr.join("")}`)));
    });
    const server = {
      child,
      url: started.url,
      origin: new URL(started.url).origin,
      loginUrl: started.loginUrl,
      pid: child.pid as number,
      stderr,
    };
    servers.push(server);
    return server;
  };
  for (let i = 0; i < count; i += 1) await start();

  let turn = 0;
  return {
    servers,
    databaseUrl,
    schema,
    bucket: { endpoint, name: "team" },
    start,
    balancer() {
      return async (input, init) => {
        const request = new URL(
          typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
        );
        const isServer = servers.some((server) => server.origin === request.origin);
        if (!isServer) return fetch(input, init);
        // Each request goes to the next server that is alive; a dead one is skipped, as a
        // balancer's health check would.
        for (let tries = 0; tries < servers.length; tries += 1) {
          const server = servers[turn++ % servers.length] as TeamServer;
          if (server.child.exitCode !== null || server.child.signalCode !== null) continue;
          const target = new URL(request.pathname + request.search, server.origin);
          if (!(input instanceof Request)) return fetch(target, init);
          const body = input.body === null ? null : await input.arrayBuffer();
          return fetch(target, {
            method: input.method,
            headers: input.headers,
            body,
            signal: input.signal,
            ...init,
          });
        }
        throw new Error("no live server");
      };
    },
    sql(query) {
      const out = execFileSync(
        "psql",
        [base, "-At", "-F", "\t", "-c", `SET search_path = ${schema}; ${query}`],
        {
          encoding: "utf8",
        },
      );
      return out.split("\n").filter((line) => line !== "" && line !== "SET");
    },
    async stop() {
      for (const server of servers) {
        if (server.child.exitCode === null && server.child.signalCode === null) {
          const exited = new Promise((resolve) => server.child.once("exit", resolve));
          server.child.kill("SIGTERM");
          await exited;
        }
      }
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

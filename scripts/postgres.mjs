#!/usr/bin/env node
// A throwaway PostgreSQL server for tests, benches and CI: a fresh cluster in a temporary folder,
// on a free loopback port, with its socket in that folder. PostgreSQL refuses to run as root, so
// as root the cluster belongs to (and runs as) the `postgres` user.
//
//   node scripts/postgres.mjs start [--durable]   prints {"url", "dir"} and leaves it running
//   node scripts/postgres.mjs stop DIR            stops it and removes DIR
//
// Tests use `testDatabase(name)`: a new database on NUCLEUS_TEST_DATABASE_URL when it is set, on a
// cluster started for the run otherwise, or null when no PostgreSQL can be started here.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const isRoot = process.getuid?.() === 0;

/** The folder of initdb and pg_ctl: on the PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir() {
  const found = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (found) return join(found, "..");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

const quote = (arg) => `'${String(arg).replaceAll("'", "'\\''")}'`;

/** Runs a PostgreSQL program, as the `postgres` user when this process is root. */
function runAsOwner(program, args) {
  if (!isRoot) return execFileSync(program, args, { stdio: "pipe" });
  return execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", [program, ...args].map(quote).join(" ")], {
    stdio: "pipe",
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a new cluster; returns its URL and folder. Tests run it without fsync (a crash of the
 * machine loses a throwaway cluster); `durable` keeps PostgreSQL's defaults, for benches.
 */
export async function startPostgres({ durable = false } = {}) {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed (no initdb on the PATH or in /usr/lib/postgresql)");
  const dir = mkdtempSync(join(tmpdir(), "nucleus-pg-"));
  chmodSync(dir, 0o755);
  if (isRoot) execFileSync("chown", ["postgres:", dir]);
  const data = join(dir, "data");
  try {
    runAsOwner(join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c max_connections=300",
      ...(durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
    ].join(" ");
    runAsOwner(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "log"), "-w", "-o", settings, "start"]);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start PostgreSQL: ${error.stderr?.toString().trim() || error.message}`);
  }
}

/** Stops a cluster that {@link startPostgres} started and removes its folder. */
export function stopPostgres(dir) {
  const bin = postgresBinDir();
  if (bin && existsSync(join(dir, "data"))) {
    try {
      runAsOwner(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "-w", "stop"]);
    } catch {
      // Already stopped.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Stops a cluster (in the background) once the process `pid` has exited. */
function stopWhenGone(dir, pid) {
  const script = `
    const alive = () => { try { process.kill(${pid}, 0); return true; } catch { return false; } };
    const timer = setInterval(async () => {
      if (alive()) return;
      clearInterval(timer);
      const { stopPostgres } = await import(${JSON.stringify(import.meta.url)});
      stopPostgres(${JSON.stringify(dir)});
    }, 1000);`;
  spawn(process.execPath, ["-e", script], { detached: true, stdio: "ignore" }).unref();
}

/** Runs one SQL statement with psql. */
function psql(url, sql) {
  execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], { stdio: "pipe" });
}

/** The same server, another database. */
function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * A new, empty database for one test project: on NUCLEUS_TEST_DATABASE_URL's server when it is
 * set (a failure then throws, so CI never skips PostgreSQL silently), otherwise on a cluster
 * started for the run. Null when no PostgreSQL can be started here. `drop()` removes it (and the
 * cluster, if one was started).
 */
export async function testDatabase(name) {
  const given = process.env.NUCLEUS_TEST_DATABASE_URL;
  let cluster;
  if (!given) {
    try {
      cluster = await startPostgres();
    } catch (error) {
      process.stderr.write(`PostgreSQL tests skipped: ${error.message}\n`);
      return null;
    }
  }
  // A run that is killed never tears down: the cluster then stops itself once this process is gone.
  if (cluster) stopWhenGone(cluster.dir, process.pid);
  const server = given ?? cluster.url;
  const database = `nucleus_${name.replace(/\W/g, "_")}_${process.pid}_${Date.now().toString(36)}`;
  psql(server, `CREATE DATABASE ${database}`);
  return {
    url: withDatabase(server, database),
    drop() {
      if (cluster) {
        stopPostgres(cluster.dir);
        return;
      }
      try {
        psql(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } catch (error) {
        process.stderr.write(`could not drop test database ${database}: ${error.message}\n`);
      }
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [command, arg] = process.argv.slice(2);
  if (command === "start") {
    const started = await startPostgres({ durable: process.argv.includes("--durable") });
    process.stdout.write(`${JSON.stringify(started)}\n`);
  } else if (command === "stop" && arg) {
    stopPostgres(arg);
  } else {
    process.stderr.write("usage: node scripts/postgres.mjs start [--durable] | stop DIR\n");
    process.exit(2);
  }
}

/**
 * Vitest global setup (`globalSetup: ["<path>/scripts/postgres.mjs"]`): gives the project's tests
 * a database of their own as `inject("postgresUrl")`, or null when no PostgreSQL can be started.
 */
export default async function setup(project) {
  const database = await testDatabase(project.name || "tests");
  project.provide("postgresUrl", database?.url ?? null);
  return () => database?.drop();
}

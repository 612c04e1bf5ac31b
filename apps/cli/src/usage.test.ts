/**
 * How `nu` reads a command line, answered by the real binary: version, help, typed and required
 * flags, global flags before the command, completion (script and candidates), a busy port, and a
 * data folder read directly when no server runs.
 */
import { execFile, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { createServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NU_BINARY, type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
beforeAll(async () => {
  s = await startNuSession();
});
afterAll(async () => {
  await s.stop();
});

/** A loopback port that nothing listens on any more. */
async function closedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("version and help", () => {
  it("nu --version prints the package's version and exits 0", async () => {
    const version = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
    for (const args of [["--version"], ["datasets", "list", "--version"]]) {
      const result = await s.nu(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it("a command's help lists its typed options; a noun alone lists its commands (exit 2)", async () => {
    const help = await s.nu(["upload", "items", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--dataset ID_OR_NAME");
    expect(help.stdout).toMatch(/--concurrency N\s+requests in flight/);
    expect(help.stdout).toContain("(required)");
    expect(help.stdout).toContain('{"type": "box", "reference_id": "a.jpg"');
    const noun = await s.nu(["runs"]);
    expect(noun.code).toBe(2);
    expect(noun.stderr).toContain("nu runs needs one of: list, info, compare, commit, delete");
  });
});

describe("flags", () => {
  it("a missing required option is a usage error (exit 2)", async () => {
    const result = await s.nu(["upload", "items", s.scratch]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage error: --dataset is required");
    const predictions = await s.nu(["upload", "predictions", s.scratch, "--dataset", "x"]);
    expect(predictions.code).toBe(2);
    expect(predictions.stderr).toContain("--model is required");
  });

  it("integer flags refuse other values with exit 2 instead of sending NaN", async () => {
    for (const [flag, value, message] of [
      ["--concurrency", "fast", '--concurrency must be a whole number, got "fast"'],
      ["--concurrency", "0", "--concurrency must be at least 1, got 0"],
      ["--batch-size", "2.5", '--batch-size must be a whole number, got "2.5"'],
    ] as const) {
      const result = await s.nu(["upload", "items", s.scratch, "--dataset", "d", flag, value]);
      expect(result.code, `${flag} ${value}`).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const limit = await s.nu(["items", "list", "d", "--limit", "ten"]);
    expect(limit.code).toBe(2);
  });

  it("global flags work before the command, with their values", async () => {
    const created = await s.json<{ id: string }>(["datasets", "create", "global-flags"]);
    const env = { PATH: s.env.PATH as string, HOME: s.scratch };
    const before = await s.nu(
      ["--endpoint", s.server.url, "--api-key", "cli-key", "--json", "datasets", "list"],
      { env },
    );
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout).map((d: { id: string }) => d.id)).toContain(created.id);
    const mixed = await s.nu(["--endpoint", s.server.url, "datasets", "--api-key=cli-key", "list"], { env });
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.stdout).toContain(created.id);
  });
});

describe("completion", () => {
  it("completes commands, flags, and dataset ids and names from the server", async () => {
    const dataset = await s.json<{ id: string }>(["datasets", "create", "completable"]);
    const lines = async (args: string[]) =>
      (await s.nu(["__complete", ...args])).stdout.split("\n").filter(Boolean);
    expect(await lines(["da"])).toEqual(["datasets"]);
    expect(await lines(["runs", ""])).toEqual(["list", "info", "compare", "commit", "delete"]);
    const flags = await lines(["upload", "items", "dir", "--"]);
    expect(flags).toEqual(
      expect.arrayContaining(["--dataset", "--concurrency", "--resume", "--endpoint", "--json"]),
    );
    expect(await lines(["upload", "items", "dir", "--dataset", "compl"])).toEqual(["completable"]);
    expect(await lines(["datasets", "info", ""])).toContain(dataset.id);
    expect(await lines(["completion", ""])).toEqual(["bash", "zsh", "fish"]);
    // A value that is not an id (a file, a number) is left to the shell.
    expect(await lines(["upload", "items", "dir", "--resume", ""])).toEqual([]);
  });

  it("the bash script asks nu for completions and falls back to file names", async () => {
    const dataset = await s.json<{ id: string }>(["datasets", "create", "from-bash"]);
    const script = await s.nu(["completion", "bash"]);
    expect(script.code).toBe(0);
    const bin = join(s.scratch, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "nu"), `#!/bin/sh\nexec "${process.execPath}" "${NU_BINARY}" "$@"\n`);
    chmodSync(join(bin, "nu"), 0o755);
    writeFileSync(join(s.scratch, "nu.bash"), script.stdout);
    const probe = `source ${join(s.scratch, "nu.bash")}
COMP_WORDS=(nu datasets info ""); COMP_CWORD=3; _nu_complete; printf '%s\\n' "\${COMPREPLY[@]}"
echo --
COMP_WORDS=(nu up); COMP_CWORD=1; _nu_complete; printf '%s\\n' "\${COMPREPLY[@]}"
echo --
complete -p nu`;
    const { stdout } = await promisify(execFile)("bash", ["-c", probe], {
      env: { ...s.env, PATH: `${bin}:${s.env.PATH}` },
    });
    const [ids, nouns, registered] = stdout.split("--\n");
    expect(ids?.split("\n")).toContain(dataset.id);
    expect(nouns).toBe("upload\n");
    expect(registered).toContain("-o default -F _nu_complete nu");
  });
});

describe("serving", () => {
  it("nu serve on a busy port: a titled error with a --port hint, exit 1, no stack trace", async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await s.nu(["serve", "--port", String(port), "--data", join(s.scratch, "busy")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `Error: Cannot start the server\n127.0.0.1:${port} is already in use by another program\nHint: Pick another port with --port N`,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });
});

describe("a data folder without a server", () => {
  it("is opened directly when nothing listens at the local endpoint, found through .nucleus/config.json", async () => {
    const project = join(s.scratch, "project");
    const dataDir = join(project, ".nucleus", "data");
    const server = await createServer({ dataDir, apiKeys: ["folder-key"], port: 0 });
    const made = await fetch(`${server.url}/dataset/create`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("folder-key:").toString("base64")}` },
      body: JSON.stringify({ name: "kept on disk" }),
    });
    const { dataset_id } = (await made.json()) as { dataset_id: string };
    await server.close();
    writeFileSync(join(dataDir, "api-key"), "folder-key\n", { mode: 0o600 });
    writeFileSync(join(project, ".nucleus", "config.json"), JSON.stringify({ data: "data" }));
    mkdirSync(join(project, "sub"), { recursive: true });

    const env = {
      PATH: s.env.PATH as string,
      HOME: s.scratch,
      NUCLEUS_ENDPOINT: `http://127.0.0.1:${await closedPort()}/v1/nucleus`,
    };
    const listed = await s.nu(["datasets", "list"], { env, cwd: join(project, "sub") });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^ID\\s+NAME\\n${dataset_id}\\s+kept on disk\\n$`));
    expect(listed.stderr).toContain(`reading ${dataDir} directly`);

    // Writes land in the folder: a server started on it afterwards sees them.
    const created = await s.nu(["datasets", "create", "written offline", "--json"], { env, cwd: project });
    expect(created.code, created.stderr).toBe(0);
    const reopened = await createServer({ dataDir, apiKeys: ["folder-key"], port: 0 });
    try {
      const details = await fetch(`${reopened.url}/dataset/details`, {
        headers: { authorization: `Basic ${Buffer.from("folder-key:").toString("base64")}` },
      });
      expect(((await details.json()) as { name: string }[]).map((d) => d.name).sort()).toEqual([
        "kept on disk",
        "written offline",
      ]);
    } finally {
      await reopened.close();
    }
  });

  it("nu serve on the project's folder uses the key kept there", async () => {
    const project = join(s.scratch, "project");
    const child = spawn(process.execPath, [NU_BINARY, "serve", "--port", "0", "--json"], {
      cwd: project,
      env: { PATH: s.env.PATH as string, HOME: s.scratch },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const ready = await new Promise<{ url: string; apiKey: string; dataDir: string }>((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        try {
          resolve(JSON.parse(text));
        } catch {
          // not all of it yet
        }
      });
      child.once("exit", (code) => reject(new Error(`nu serve exited ${code}`)));
    });
    try {
      expect(ready.apiKey).toBe("folder-key");
      expect(ready.dataDir).toBe(join(project, ".nucleus", "data"));
    } finally {
      child.kill("SIGTERM");
    }
  });
});

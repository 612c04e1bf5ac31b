/** The `nucleus-server` command, run as a user would. */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const binary = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "nucleus-bin-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the command until it prints its first line, then until it exits after SIGTERM. */
async function session(drive: (ready: { url: string; apiKey?: string }) => Promise<void>) {
  const env = { ...process.env };
  delete env.NUCLEUS_API_KEY;
  const child = spawn(process.execPath, [binary, "--data", dataDir, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = await new Promise<{ url: string; apiKey?: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  await drive(ready);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
  return { ready, stderr, exitCode };
}

describe("nucleus-server", () => {
  it("makes a key on first start, keeps it, logs requests without secrets and stops cleanly", {
    timeout: 30_000,
  }, async () => {
    const first = await session(async ({ url, apiKey }) => {
      const auth = { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` };
      expect((await fetch(`${url}/dataset/details`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${url}/dataset/details`)).status).toBe(401);
      const created = await fetch(`${url}/dataset/create`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ name: "d" }),
      });
      const { dataset_id } = (await created.json()) as { dataset_id: string };
      const signed = await fetch(`${url}/dataset/${dataset_id}/signedUrl/req`, { headers: auth });
      const { signed_url } = (await signed.json()) as { signed_url: string };
      expect((await fetch(signed_url, { method: "PUT", body: "{}" })).status).toBe(200);
    });
    expect(first.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus$/);
    expect(first.ready.apiKey).toMatch(/^nuc_[0-9a-f]{48}$/);
    expect(readFileSync(join(dataDir, "api-key"), "utf8").trim()).toBe(first.ready.apiKey);
    expect(statSync(join(dataDir, "api-key")).mode & 0o077).toBe(0);
    expect(first.exitCode).toBe(0);

    const lines = first.stderr.trim().split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^GET \/v1\/nucleus\/dataset\/details 200 [\d.]+ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^GET \/v1\/nucleus\/dataset\/details 401 /));
    expect(lines).toContainEqual(expect.stringMatching(/^PUT \/v1\/nucleus\/__upload\/<token> 200 /));
    expect(first.stderr).not.toContain(first.ready.apiKey);
    expect(first.stderr).not.toMatch(/__upload\/[0-9a-f]{48}/);

    const second = await session(async () => {});
    expect(second.ready.apiKey).toBe(first.ready.apiKey);
  });

  it("lists its options with --help, prints its version, and refuses bad options with exit 2", async () => {
    const help = await execNode([binary, "--help"]);
    expect(help.code).toBe(0);
    for (const option of ["--data", "--port", "--host", "--api-key", "--immutable-runs", "--quiet"])
      expect(help.stdout).toContain(option);
    const version = await execNode([binary, "--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version,
    );
    const unknown = await execNode([binary, "--nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("nucleus-server --help");
    const badPort = await execNode([binary, "--port", "eighty"]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("--port");
  });

  it("on a busy port, says so with a hint and exits 1 without a stack trace", async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = await execNode([binary, "--data", dataDir, "--port", String(port), "--quiet"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `Error: Cannot start the server\n127.0.0.1:${port} is already in use by another program\nHint: Pick another port with --port N (0 picks a free one)\n`,
      );
    } finally {
      taken.close();
    }
  });
});

/** Runs node with `args` to completion. */
async function execNode(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.NUCLEUS_API_KEY;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

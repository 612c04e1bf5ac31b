/**
 * The README's two commands, run as a new user would: in a fresh clone, in a temp folder. The
 * second one runs here on one project only: CI runs it whole from its own clean clone, and a
 * second full run inside the first would double CI's time. The nested run leaves out this file
 * (it would start itself again).
 */
import { exec as execCallback } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execCallback);
const root = fileURLToPath(new URL("../..", import.meta.url));
const clone = join(mkdtempSync(join(tmpdir(), "nucleus-readme-")), "nucleus");
afterAll(() => rmSync(join(clone, ".."), { recursive: true, force: true }), 120_000);

/** The commands of the fenced block under "Quick start", without their comments. */
function quickStart(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

describe("the README's quick start", () => {
  it("has two commands: the main job, then the tests", () => {
    expect(quickStart()).toEqual(["npm run quickstart", "npm run test:all"]);
  });

  it("works from a fresh clone", { timeout: 900_000 }, async () => {
    await exec(`git clone --quiet "${root}" "${clone}"`);
    const [main, tests] = quickStart() as [string, string];
    const env = { ...process.env, NUCLEUS_NESTED_RUN: "1" };
    const demo = await exec(main, { cwd: clone, env, maxBuffer: 64 * 1024 * 1024 });
    expect(demo.stdout).toContain("Evaluation (COCO, boxes)");
    expect(demo.stdout).toMatch(/Worst slice: \w+/);
    // The commands the README shows next work in the same clone, on the demo's data.
    const listed = await exec("pnpm exec nu datasets list", { cwd: clone, env });
    expect(listed.stdout).toMatch(/^ID\s+NAME\nds_\w+\s+demo: street scenes\n$/);
    const compare = /pnpm exec nu runs compare (run_\w+) (run_\w+)/.exec(demo.stdout);
    expect(compare).not.toBeNull();
    const compared = await exec(compare?.[0] as string, { cwd: clone, env });
    expect(compared.stdout).toMatch(/^mAP\s+\d+\.\d%\s+\d+\.\d%\s+[-+]\d+\.\d$/m);
    const run = await exec(`${tests} -- --project @nucleus/query`, {
      cwd: clone,
      env,
      maxBuffer: 256 * 1024 * 1024,
    });
    const last = run.stdout.trim().split("\n").at(-1) as string;
    expect(last).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(last.split(" ")[0])).toBeGreaterThan(50);
  });
});

/**
 * What the built `nu` loads to start: `--help` and `--version` must not load the SDK, the
 * protocol's schemas (zod) or the server, so that they answer at once. A module hook records every
 * module the process resolves.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nucleus-cli-startup-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

writeFileSync(
  join(dir, "hooks.mjs"),
  `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.NUCLEUS_LOADED_LOG, result.url + "\\n");
  return result;
}
`,
);
writeFileSync(
  join(dir, "register.mjs"),
  `import { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));
`,
);

/** The modules `nu` resolves for these arguments. */
function loadedBy(args: string[]): string[] {
  const log = join(dir, `${args.join("-")}.log`);
  writeFileSync(log, "");
  const result = spawnSync(process.execPath, ["--import", join(dir, "register.mjs"), main, ...args], {
    env: { ...process.env, NUCLEUS_LOADED_LOG: log },
    encoding: "utf8",
  });
  expect(result.status).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

/** Modules a quick command has no use for: the SDK, the schemas and zod, the server, the metrics. */
const HEAVY = /(@nucleus\/|packages\/)(core|schemas|server|metrics|upload)\/|\/zod\//;

describe("nu start-up", () => {
  it.each([["--help"], ["--version"]])("%s loads no SDK, schemas or server", (flag) => {
    const loaded = loadedBy([flag]);
    // The hook saw the CLI itself, so an empty list cannot pass for a clean one.
    expect(loaded.some((url) => url.endsWith("/dist/main.js"))).toBe(true);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });
});

/**
 * Every published package must install and resolve cleanly for every consumer: publint checks
 * the package.json against what is packed, and attw checks the types resolve under node10,
 * node16 (CJS and ESM) and bundler resolution.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const libraries = ["schemas", "query", "core", "upload", "metrics", "server"].map((name) =>
  join(root, "packages", name),
);
const published = [...libraries, join(root, "apps", "cli")];

describe.each(published)("package %s", (dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

  it("has the fields a published package needs", () => {
    expect(manifest.private).not.toBe(true);
    expect(manifest.engines?.node).toBe(">=20.19");
    expect(manifest.files).toContain("dist");
    expect(manifest.license).toBeTruthy();
    expect(readFileSync(join(dir, "README.md"), "utf8").length).toBeGreaterThan(100);
  });

  it("passes publint", async () => {
    const { messages } = await publint({ pkgDir: dir, level: "suggestion", strict: true });
    expect(messages.map((m) => `${m.type} ${m.code} ${JSON.stringify(m.args)}`)).toEqual([]);
  });
});

describe.each(libraries)("library %s", (dir) => {
  it("passes attw --pack in every resolution mode", { timeout: 120_000 }, async () => {
    const attw = join(root, "node_modules", ".bin", "attw");
    const result = await run(attw, ["--pack", dir, "--format", "json"], { cwd: dir }).catch(
      (error: { stdout?: string; stderr?: string }) => error,
    );
    const report = JSON.parse(result.stdout ?? "{}");
    expect(report.analysis?.problems ?? ["no analysis"], result.stderr).toEqual([]);
    expect(Object.keys(report.analysis?.entrypoints ?? {})).toContain(".");
  });
});

describe("changesets", () => {
  const folder = join(root, ".changeset");
  const names = new Set(
    published.map((dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name),
  );
  const files = readdirSync(folder).filter((file) => file.endsWith(".md") && file !== "README.md");

  it.each(files)("%s names published packages and a bump in its front matter", (file) => {
    const text = readFileSync(join(folder, file), "utf8");
    const match = /^---\n((?:"[^"]+": (?:major|minor|patch)\n)+)---\n\n\S/.exec(text);
    expect(match, `${file} must start with ---, lines like "@nucleus/core": patch, then ---`).not.toBeNull();
    for (const line of match?.[1]?.trim().split("\n") ?? []) {
      expect(names).toContain(JSON.parse(line.slice(0, line.indexOf(":"))));
    }
  });
});

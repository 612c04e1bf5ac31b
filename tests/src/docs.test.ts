/**
 * The documentation site builds, has a page for every package and guide, and no link in it is
 * broken.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = join(root, "docs");
const out = mkdtempSync(join(tmpdir(), "nucleus-docs-"));

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? pages(path) : path.endsWith(".html") ? [path] : [];
  });
}

beforeAll(async () => {
  await run(process.execPath, [join(docs, "scripts", "cli-reference.mjs")], { cwd: docs });
  await run(join(root, "node_modules", ".bin", "typedoc"), ["--options", "typedoc.json", "--out", out], {
    cwd: docs,
  });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("documentation site", () => {
  it("has a page for every package, with its README", () => {
    for (const name of ["schemas", "core", "upload", "metrics", "server"]) {
      const page = join(out, "modules", `_nucleus_${name}.html`);
      expect(existsSync(page), page).toBe(true);
      expect(readFileSync(page, "utf8")).toContain(`@nucleus/${name}`);
    }
  });

  it("has every guide, the CLI reference made from the commands", () => {
    const html = pages(out)
      .filter((p) => p.includes(`${join(out, "documents")}`))
      .map((p) => readFileSync(p, "utf8"));
    for (const title of [
      "Quick start",
      "Local server",
      "Uploading large datasets",
      "Metrics",
      "CLI reference",
    ]) {
      expect(
        html.some((page) => page.includes(`<h1 id=`) && page.includes(title)),
        title,
      ).toBe(true);
    }
    expect(html.some((page) => page.includes("nu import coco"))).toBe(true);
  });

  it("has no broken links", () => {
    const broken: string[] = [];
    for (const page of pages(out)) {
      for (const [, href] of readFileSync(page, "utf8").matchAll(/href="([^"]+)"/g)) {
        if (!href || /^(https?:|mailto:|#|data:)/.test(href)) continue;
        const target = resolve(dirname(page), decodeURIComponent(href.split("#")[0] as string));
        if (!existsSync(target)) broken.push(`${page.slice(out.length)} -> ${href}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

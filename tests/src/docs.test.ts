/**
 * The documentation site builds, has a page for every package and guide, shows every guide by its
 * title (page heading and navigation), and no link in it is broken.
 */
import { exec, execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";
import { createServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { similarityFrames } from "../../apps/examples/src/examples/similarity.js";

const run = promisify(execFile);
const shell = promisify(exec);
const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = join(root, "docs");
const out = mkdtempSync(join(tmpdir(), "nucleus-docs-"));

/** Every guide, in the order of the navigation, by the title its page and the sidebar show. */
const GUIDES = [
  { file: "guides/quick-start.md", title: "Quick start" },
  { file: "guides/local-server.md", title: "Local server" },
  { file: "guides/uploading.md", title: "Uploading large datasets" },
  { file: "guides/metrics.md", title: "Metrics" },
  { file: "guides/debug-a-model.md", title: "Debug a model" },
  { file: "guides/find-failure-modes.md", title: "Find failure modes" },
  { file: "guides/model-ci.md", title: "Model CI with scenario tests" },
  { file: "guides/scenes-and-video.md", title: "Scenes and video" },
  { file: "guides/similarity.md", title: "Find similar images and duplicates" },
  { file: "guides/deploy-for-a-team.md", title: "Deploy for a team" },
  { file: "guides/formats.md", title: "Formats" },
  { file: "guides/cli.md", title: "CLI reference" },
  { file: "guides/protocol.md", title: "Protocol reference" },
] as const;

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? pages(path) : path.endsWith(".html") ? [path] : [];
  });
}

/** The text of an HTML fragment: tags dropped, the few entities typedoc writes decoded. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** The text of every heading (h1 to h6) of a page, with its level. */
function headings(html: string): { level: number; text: string }[] {
  return [...html.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) => ({
    level: Number(m[1]),
    text: text(m[2] as string),
  }));
}

interface NavigationNode {
  text: string;
  path?: string;
  kind?: number;
  children?: NavigationNode[];
}

/** The sidebar tree: typedoc writes it to assets/navigation.js as base64 of deflated JSON. */
function navigation(): NavigationNode[] {
  const script = readFileSync(join(out, "assets", "navigation.js"), "utf8");
  const data = /window\.navigationData\s*=\s*"([^"]+)"/.exec(script)?.[1];
  if (!data) throw new Error(`no navigationData in assets/navigation.js: ${script.slice(0, 80)}`);
  return JSON.parse(inflateSync(Buffer.from(data, "base64")).toString("utf8")) as NavigationNode[];
}

/** The guide page typedoc made for a guide, found by the navigation entry with the guide's title. */
function guidePage(title: string): string {
  const entry = navigation().find((node) => node.text === title);
  if (!entry?.path) throw new Error(`no navigation entry titled ${JSON.stringify(title)}`);
  return readFileSync(join(out, entry.path), "utf8");
}

beforeAll(async () => {
  await run(process.execPath, [join(docs, "scripts", "cli-reference.mjs")], { cwd: docs });
  await run(process.execPath, [join(docs, "scripts", "protocol-reference.mjs")], { cwd: docs });
  await run(join(root, "node_modules", ".bin", "typedoc"), ["--options", "typedoc.json", "--out", out], {
    cwd: docs,
  });
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("documentation site", () => {
  it("has a page for every package, with its README", () => {
    for (const name of ["schemas", "query", "core", "upload", "metrics", "server"]) {
      const page = join(out, "modules", `_nucleus_${name}.html`);
      expect(existsSync(page), page).toBe(true);
      expect(readFileSync(page, "utf8")).toContain(`@nucleus/${name}`);
    }
  });

  it("registers every guide, each starting with front matter that names its title", () => {
    const config = JSON.parse(readFileSync(join(docs, "typedoc.json"), "utf8")) as {
      projectDocuments: string[];
    };
    expect([...config.projectDocuments].sort()).toEqual(GUIDES.map((g) => g.file).sort());
    for (const { file, title } of GUIDES) {
      const source = readFileSync(join(docs, file), "utf8");
      expect(source.startsWith(`---\ntitle: ${title}\n---\n`), `${file} front matter`).toBe(true);
    }
  });

  it("keeps the guides' front matter through the formatter", () => {
    const biome = join(root, "node_modules", ".bin", "biome");
    for (const { file, title } of GUIDES.filter((g) => g.file !== "guides/cli.md")) {
      const formatted = spawnSync(biome, ["format", `--stdin-file-path=${join("docs", file)}`], {
        cwd: root,
        input: readFileSync(join(docs, file), "utf8"),
        encoding: "utf8",
      });
      expect(formatted.status, formatted.stderr).toBe(0);
      expect(formatted.stdout.startsWith(`---\ntitle: ${title}\n---\n`), `${file} after biome format`).toBe(
        true,
      );
    }
  });

  it("has no page with front matter rendered as a heading", () => {
    const stray: string[] = [];
    for (const page of pages(out)) {
      for (const heading of headings(readFileSync(page, "utf8"))) {
        if (/^title\s*:/i.test(heading.text))
          stray.push(`${page.slice(out.length)}: h${heading.level} ${heading.text}`);
      }
    }
    expect(stray).toEqual([]);
  });

  it("lists every guide in the navigation by its title", () => {
    const documents = navigation()
      .filter((node) => !node.children)
      .map((node) => node.text);
    expect(documents).toEqual(GUIDES.map((g) => g.title));
  });

  it("gives each guide page exactly one h1, its title", () => {
    for (const { title } of GUIDES) {
      const html = guidePage(title);
      expect(
        headings(html)
          .filter((h) => h.level === 1)
          .map((h) => h.text),
        title,
      ).toEqual([title]);
      expect(html).toContain(`<title>${title} | Nucleus</title>`);
    }
  });

  it.each([
    ["Debug a model", "debug-a-model"],
    ["Find failure modes", "find-failure-modes"],
    ["Model CI with scenario tests", "model-ci"],
    ["Scenes and video", "scenes-and-video"],
    ["Find similar images and duplicates", "similarity"],
  ])("shows in the %s guide the code of its example, which CI runs", (_title, name) => {
    const example = readFileSync(join(root, "apps", "examples", "src", "examples", `${name}.ts`), "utf8");
    const regions = [
      ...example.matchAll(/^( *)\/\/ #region guide: [^\n]+\n([\s\S]*?)^ *\/\/ #endregion$/gm),
    ].map(([, indent, body]) =>
      (body as string)
        .split("\n")
        .map((line) => line.slice((indent as string).length))
        .join("\n")
        .trimEnd(),
    );
    const guide = readFileSync(join(docs, "guides", `${name}.md`), "utf8");
    const blocks = [...guide.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map(([, body]) =>
      (body as string).trimEnd(),
    );
    expect(regions.length).toBeGreaterThan(3);
    expect(blocks).toEqual(regions);
  });

  it("has the CLI reference made from the commands", () => {
    expect(guidePage("CLI reference")).toContain("nu import coco");
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

/** A guide's section: from its `## heading` to the next. */
function section(file: string, heading: string): string {
  const guide = readFileSync(join(docs, file), "utf8");
  const start = guide.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${file} has no section ${JSON.stringify(heading)}`);
  const end = guide.indexOf("\n## ", start + 1);
  return guide.slice(start, end < 0 ? undefined : end);
}

/** Ids the server makes up (`di_…`, `slc_…`), written as their prefix and an ellipsis. */
const withoutIds = (text: string) => text.replace(/\b(di|slc|tag|ds|job)_[0-9a-z]{8,}/g, "$1_…");

describe("the terminal session of the similarity guide", () => {
  it("runs line by line against a real server, on the guide's data, and prints what the guide shows", {
    timeout: 300_000,
  }, async () => {
    const terminal = section("guides/similarity.md", "From the terminal");
    const session = (/```sh\n([\s\S]*?)```/.exec(terminal)?.[1] ?? "").split("\n").filter(Boolean);
    expect(session.length).toBeGreaterThan(8);
    expect(session.every((line) => line.startsWith("nu "))).toBe(true);
    // The outputs shown: each "$ command" line, then what it prints.
    const shown = (/```text\n([\s\S]*?)```/.exec(terminal)?.[1] ?? "")
      .split(/^\$ /m)
      .filter(Boolean)
      .map((entry) => {
        const [command, ...output] = entry.trimEnd().split("\n");
        return { command: command as string, output: output.join("\n") };
      });
    expect(shown.length).toBeGreaterThan(1);
    const work = mkdtempSync(join(tmpdir(), "nucleus-docs-terminal-"));
    const key = "docs-terminal-key";
    const server = await createServer({ dataDir: join(work, "server"), apiKeys: [key], port: 0 });
    try {
      const frames = similarityFrames();
      const lines = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
      writeFileSync(
        join(work, "items.ndjson"),
        lines(
          frames.map((f) => ({
            reference_id: f.referenceId,
            image_url: `s3://street/${f.referenceId}.jpg`,
            metadata: { scene: f.scene, weather: f.weather },
          })),
        ),
      );
      writeFileSync(
        join(work, "vectors.ndjson"),
        lines(frames.map((f) => ({ reference_id: f.referenceId, vector: f.vector }))),
      );
      const env = {
        ...process.env,
        PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
        NUCLEUS_ENDPOINT: server.url,
        NUCLEUS_API_KEY: key,
        HOME: work,
      };
      const printed = new Map<string, string>();
      for (const line of session) {
        const { stdout } = await shell(line, { cwd: work, env });
        printed.set(line, stdout);
      }
      for (const { command, output } of shown) {
        expect(printed.has(command), `"${command}" is in the session`).toBe(true);
        expect(withoutIds(printed.get(command) as string).trimEnd(), command).toBe(output);
      }
      const tagged = withoutIds(printed.get('nu items list street --where "autotag.tunnel > 0.5"') ?? "");
      expect(tagged.match(/(?<= )img_\d+(?= )/g)).toEqual(
        frames
          .filter((f) => f.scene === "tunnel" && Number(f.referenceId.slice(4)) < 60)
          .map((f) => f.referenceId),
      );
      const map = readFileSync(join(work, "map.csv"), "utf8").trim().split("\n");
      expect(map[0]).toBe("item_id,reference_id,x,y");
      expect(map).toHaveLength(66);
    } finally {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

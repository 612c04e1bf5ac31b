/**
 * `@nucleus/core` in a browser. Bundled for the browser, the package resolves to its browser
 * build and pulls in no Node built-in; the bundle then runs the seed flow in Chromium against the
 * real local server, from a page on the same origin (a small loopback server serves the page and
 * forwards `/v1/nucleus` to the Nucleus server), signed in with a cookie session.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedFlowReport } from "./browser/page.js";
import { KEY, startServer } from "./support.js";

const CHROMIUM = "/usr/bin/chromium";
/** CI installs Debian's chromium; elsewhere the browser run is skipped when it is missing. */
const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;
const PAGE = fileURLToPath(new URL("./browser/page.ts", import.meta.url));

/** The smallest valid PNG: a 1x1 grey pixel. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c6360000000020001e221bc330000000049454e44ae426082",
  "hex",
);

/** Bundles for the browser as an application would; returns the code and what went into it. */
async function bundle(entry: { file: string } | { source: string }) {
  const result = await build({
    ...("file" in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: fileURLToPath(new URL(".", import.meta.url)) } }),
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  return { code, inputs: Object.keys(result.metafile.inputs), metafile: result.metafile as Metafile };
}

/** Node built-ins a bundle would still try to load. */
const NODE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](?:node:|fs["'/]|path["'/]|crypto["'/])/;

describe("@nucleus/core bundled for the browser", () => {
  it("resolves to the browser build and carries no Node built-in", async () => {
    const { code, inputs } = await bundle({ file: PAGE });
    expect(inputs.some((input) => input.endsWith("packages/core/dist/browser.js"))).toBe(true);
    expect(inputs.some((input) => /packages\/core\/dist\/index\.c?js$/.test(input))).toBe(false);
    expect(code).not.toMatch(NODE_IMPORT);
    expect(code).not.toContain("node:");
  });

  it("stays small when an application imports only the client", async () => {
    const { code } = await bundle({
      source: 'import { NucleusClient } from "@nucleus/core"; globalThis.client = NucleusClient;',
    });
    // About 170 kB minified (zod is most of it); it was 520 kB before zod was imported as a namespace.
    expect(code.length).toBeLessThan(250_000);
  });
});

describe.skipIf(skipBrowser)("@nucleus/core in Chromium", () => {
  let nucleus: Awaited<ReturnType<typeof startServer>>;
  let site: Server;
  let origin: string;
  let context: BrowserContext;
  let profile: string;
  const seen: { method: string; path: string; authorization: boolean; cookie: boolean; csrf: boolean }[] = [];

  beforeAll(async () => {
    nucleus = await startServer();
    const { code } = await bundle({ file: PAGE });
    const html =
      '<!doctype html><meta charset="utf-8"><title>nucleus</title><script type="module" src="/app.js"></script>';
    site = createHttpServer((request, response) => {
      const url = request.url ?? "/";
      if (url === "/") return void response.writeHead(200, { "content-type": "text/html" }).end(html);
      if (url === "/app.js")
        return void response.writeHead(200, { "content-type": "text/javascript" }).end(code);
      if (!url.startsWith("/v1/nucleus/")) return void response.writeHead(404).end();
      seen.push({
        method: request.method ?? "",
        path: url,
        authorization: request.headers.authorization !== undefined,
        cookie: (request.headers.cookie ?? "").includes("nucleus_session="),
        csrf: request.headers["x-csrf-token"] !== undefined,
      });
      // Same origin for the page: the API is forwarded to the Nucleus server as it is.
      const upstream = httpRequest(
        {
          host: "127.0.0.1",
          port: nucleus.server.port,
          path: url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => response.writeHead(502).end());
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    profile = mkdtempSync(join(tmpdir(), "nucleus-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => site?.close(resolve));
    await nucleus?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("runs the seed flow over a cookie session", { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => "seedFlow" in globalThis);
    const report = (await page.evaluate(
      (input) => (globalThis as unknown as { seedFlow(i: typeof input): Promise<unknown> }).seedFlow(input),
      { apiKey: KEY, png: [...PNG] },
    )) as SeedFlowReport;
    expect(errors).toEqual([]);

    expect(report.remote.newItems).toBe(2);
    expect(report.local.newItems).toBe(1);
    expect(report.annotated).toMatchObject({ processed: 3, ignored: 0, errors: [] });
    expect(report.boxes).toEqual([
      { label: "car", referenceId: "img_1" },
      { label: "person", referenceId: "img_1" },
    ]);
    // The picked file was stored by the server and is served from this origin.
    expect(report.localItem.originalImageUrl).toMatch(new RegExp(`^${origin}/v1/nucleus/__media/`));
    expect(report.datasetIds).toContain(report.datasetId);
    expect(report.sliceItems).toBe(1);
    expect(report.statusAfterSignOut).toBe(401);

    // The page only ever sees its CSRF token: the session cookie is HttpOnly.
    expect(report.readableCookies).toMatch(/^nucleus_csrf=[\w-]+$/);
    const items = await nucleus.client.getDataset(report.datasetId).items().toArray({ limit: 10 });
    expect(items.map((item) => item.referenceId).sort()).toEqual(["img_1", "img_2", "img_3"]);

    // The key went out once, to open the session; until sign-out everything else rode on the
    // cookie, and every request that changed something carried the CSRF token.
    const signOut = seen.findIndex((r) => r.method === "DELETE" && r.path === "/v1/nucleus/__session");
    const session = seen.slice(0, signOut + 1);
    expect(session.filter((r) => r.authorization).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/nucleus/__session",
    ]);
    const rest = session.filter((r) => !r.authorization);
    expect(rest.length).toBeGreaterThan(8);
    expect(rest.filter((r) => !r.cookie).map((r) => r.path)).toEqual([]);
    expect(rest.filter((r) => r.method !== "GET" && !r.csrf).map((r) => r.path)).toEqual([]);
    expect(seen.slice(signOut + 1).every((r) => !r.cookie)).toBe(true);
  });

  it("sets a session cookie that is HttpOnly, SameSite=Strict and holds no key", async () => {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => "signIn" in globalThis);
    await page.evaluate(
      (apiKey) => (globalThis as unknown as { signIn(key: string): Promise<void> }).signIn(apiKey),
      KEY,
    );
    const session = (await context.cookies(`${origin}/v1/nucleus/`)).find(
      (cookie) => cookie.name === "nucleus_session",
    );
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/v1/nucleus" });
    expect(session?.value).not.toContain(KEY);
    expect(session?.value).not.toContain(Buffer.from(`${KEY}:`).toString("base64"));
  });
});

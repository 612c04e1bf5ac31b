import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Env } from "../http/context.js";
import type { SessionStore } from "../http/sessions.js";
import { setSessionCookies } from "./session.js";

/** Options of {@link webRoutes}. */
export interface WebRoutesOptions {
  /** The path the API is served under; the app leaves it alone and is told where it is. */
  basePath: string;
  /** Where sessions opened by login links are kept (those of `POST __session`). */
  sessions: SessionStore;
  /** The built app: `index.html` and `assets/`. Default: `web/` beside the server's build. */
  root?: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * What every page of the app is sent with: its own scripts and styles only, images from anywhere
 * (remote media loads directly), no framing, and no referrer (a remote image host never sees a
 * page's URL).
 */
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' http: https: data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/** Where the built app sits when the server runs from its own build (`dist/web`). */
function defaultRoot(): string {
  // `import.meta.url` is empty in the CommonJS build, where `__dirname` is there instead.
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, "web");
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Nucleus</title>
<body style="font:16px system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Nucleus</h1><p>The API is running, but the web app was not built into this server.</p>
<p>In the repository, run <code>pnpm build</code> (it builds <code>apps/web</code> and copies it into
<code>packages/server/dist/web</code>), then start the server again.</p></body>`;

/**
 * The web app, at `/` of the server's origin: its files under their own paths, `index.html` for
 * any other page path (the app routes in the browser), and `GET /login?token=...`, which trades a
 * single-use login link for a browser session and sends the browser on to `/`, so the token
 * leaves the address bar at once. Paths under the API's base path are left to the API.
 */
export function webRoutes(options: WebRoutesOptions): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  const root = resolve(options.root ?? defaultRoot());
  const api = options.basePath.replace(/\/$/, "");
  let index: string | undefined;
  const page = () => {
    if (index === undefined) {
      const file = join(root, "index.html");
      // The app asks the API at the base path it is told here, whatever the server was started with.
      index = existsSync(file)
        ? readFileSync(file, "utf8").replace(
            /<meta name="nucleus-api" content="[^"]*"/,
            `<meta name="nucleus-api" content="${api}"`,
          )
        : NOT_BUILT;
    }
    return index;
  };
  const html = (body: string, status: 200 | 404 = 200) =>
    new Response(body, {
      status,
      headers: { "content-type": TYPES[".html"] as string, "cache-control": "no-cache", ...PAGE_HEADERS },
    });

  app.get("/login", async (c) => {
    const token = c.req.query("token");
    if (token === undefined) return html(page());
    const tenant = await c.get("services").loginLinks.redeem(token);
    const headers = { "cache-control": "no-store", "referrer-policy": "no-referrer" };
    if (tenant === undefined) return c.redirect("/login?link=used", 303);
    setSessionCookies(c, await options.sessions.create(tenant));
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    return c.redirect("/", 303);
  });

  app.on(["GET", "HEAD"], "*", async (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (api === "" || path === api || path.startsWith(`${api}/`)) return next();
    if (extname(path) === "" || path.endsWith(".html")) return html(page());
    const file = resolve(root, `.${path}`);
    // Only files of the app's folder; `..` cannot climb out of it.
    if (!file.startsWith(`${root}${sep}`)) return next();
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) return next();
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      // Vite names built assets by their content hash.
      "cache-control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
    });
  });
  return app;
}

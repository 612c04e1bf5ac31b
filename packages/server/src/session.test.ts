/**
 * Browser sessions: a key is traded for an HttpOnly cookie once; reads work with the cookie
 * alone, anything that changes something also needs the session's CSRF token, and a session sees
 * only its own key's data.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginLinks } from "./http/login-links.js";
import { SessionStore, tokenHash } from "./http/sessions.js";
import { KEY, OTHER_KEY, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

interface Opened {
  cookie: string;
  csrf: string;
  setCookies: string[];
  body: { csrf_token: string; expires_at: string };
}

async function signIn(key: string): Promise<Opened> {
  const response = await fetch(`${server.url}/__session`, {
    method: "POST",
    headers: { authorization: basic(key) },
  });
  expect(response.status).toBe(200);
  const setCookies = response.headers.getSetCookie();
  const session = setCookies.find((c) => c.startsWith("nucleus_session="));
  const body = (await response.json()) as Opened["body"];
  return { cookie: (session ?? "").split(";")[0] as string, csrf: body.csrf_token, setCookies, body };
}

function call(method: string, route: string, headers: Record<string, string>, body?: unknown) {
  return fetch(`${server.url}/${route}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("browser sessions", () => {
  it("set an HttpOnly, SameSite=Strict cookie that holds an opaque id, never the key", async () => {
    const { setCookies, cookie, body } = await signIn(KEY);
    const session = setCookies.find((c) => c.startsWith("nucleus_session=")) as string;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\/v1\/nucleus/);
    for (const header of setCookies) {
      expect(header).not.toContain(KEY);
      expect(header).not.toContain(Buffer.from(`${KEY}:`).toString("base64"));
    }
    expect(cookie.slice("nucleus_session=".length)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The CSRF cookie lets a page find its token again; it is readable, so it must be the token only.
    const csrf = setCookies.find((c) => c.startsWith("nucleus_csrf=")) as string;
    expect(csrf.split(";")[0]).toBe(`nucleus_csrf=${body.csrf_token}`);
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/; SameSite=Strict/);
    // Any page of the origin may read it, whatever its path.
    expect(csrf).toMatch(/; Path=\/;/);
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
  });

  it("authenticate reads by cookie; writes need the CSRF header", async () => {
    const { cookie, csrf } = await signIn(KEY);
    expect((await call("GET", "dataset/details", { cookie })).status).toBe(200);

    const refused = await call("POST", "dataset/create", { cookie }, { name: "from a page" });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/x-csrf-token/);
    const wrong = await call("POST", "dataset/create", { cookie, "x-csrf-token": "forged" }, { name: "x" });
    expect(wrong.status).toBe(403);

    const created = await call(
      "POST",
      "dataset/create",
      { cookie, "x-csrf-token": csrf },
      { name: "from a page" },
    );
    expect(created.status).toBe(200);
    const { dataset_id } = (await created.json()) as { dataset_id: string };
    const listed = (await (await call("GET", "dataset/details", { cookie })).json()) as { id: string }[];
    expect(listed.map((d) => d.id)).toContain(dataset_id);
  });

  it("see only the data of the key they were opened with", async () => {
    const mine = await signIn(KEY);
    const theirs = await signIn(OTHER_KEY);
    const created = await call(
      "POST",
      "dataset/create",
      { cookie: theirs.cookie, "x-csrf-token": theirs.csrf },
      { name: "the other tenant's" },
    );
    const { dataset_id } = (await created.json()) as { dataset_id: string };
    const listed = (await (await call("GET", "dataset/details", { cookie: mine.cookie })).json()) as {
      id: string;
    }[];
    expect(listed.map((d) => d.id)).not.toContain(dataset_id);
    expect((await call("GET", `dataset/${dataset_id}/info`, { cookie: mine.cookie })).status).toBe(404);
    // One session's token does not open another session's writes.
    const crossed = await call(
      "DELETE",
      `dataset/${dataset_id}`,
      { cookie: mine.cookie, "x-csrf-token": theirs.csrf },
      {},
    );
    expect(crossed.status).toBe(403);
  });

  it("are opened with a key only, and end on sign-out", async () => {
    expect((await call("POST", "__session", {})).status).toBe(401);
    expect((await call("POST", "__session", { authorization: basic("not-a-key") })).status).toBe(401);
    const { cookie, csrf } = await signIn(KEY);
    expect((await call("POST", "__session", { cookie, "x-csrf-token": csrf })).status).toBe(401);

    expect((await call("DELETE", "__session", { cookie })).status).toBe(403);
    const ended = await call("DELETE", "__session", { cookie, "x-csrf-token": csrf });
    expect(ended.status).toBe(200);
    expect(ended.headers.getSetCookie().find((c) => c.startsWith("nucleus_session="))).toMatch(/Max-Age=0/);
    const after = await call("GET", "dataset/details", { cookie });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: string }).error).toMatch(/sign in again/);
  });

  it("leave key authentication as it was: a key wins over any cookie", async () => {
    const response = await call("GET", "dataset/details", {
      authorization: basic(KEY),
      cookie: "nucleus_session=stale",
    });
    expect(response.status).toBe(200);
  });
});

describe("SessionStore", () => {
  it("forgets sessions once they expire", async () => {
    let now = 1_000;
    const sessions = new SessionStore(server.store.browserTokens, { ttlMs: 100, now: () => now });
    const session = await sessions.create("tenant");
    expect((await sessions.get(session.id))?.tenant).toBe("tenant");
    now += 99;
    expect(await sessions.get(session.id)).toBeDefined();
    now += 1;
    expect(await sessions.get(session.id)).toBeUndefined();
    expect(await sessions.delete(session.id)).toBe(false);
  });

  it("hands out distinct ids and tokens, and keeps only a hash of the id", async () => {
    const sessions = new SessionStore(server.store.browserTokens);
    const a = await sessions.create("t");
    const b = await sessions.create("t");
    expect(new Set([a.id, b.id, a.csrfToken, b.csrfToken]).size).toBe(4);
    expect(await server.store.browserTokens.get(a.id, "session", Date.now())).toBeUndefined();
    expect(await server.store.browserTokens.get(tokenHash(a.id), "session", Date.now())).toMatchObject({
      tenant: "t",
    });
  });

  it("ends a session everywhere when it is signed out", async () => {
    const here = new SessionStore(server.store.browserTokens);
    const elsewhere = new SessionStore(server.store.browserTokens);
    const session = await here.create("t");
    expect((await elsewhere.get(session.id))?.csrfToken).toBe(session.csrfToken);
    expect(await elsewhere.delete(session.id)).toBe(true);
    expect(await here.get(session.id)).toBeUndefined();
  });
});

describe("LoginLinks", () => {
  it("opens one session, once, from any process of the same data", async () => {
    const printer = new LoginLinks(server.store.browserTokens);
    const visitor = new LoginLinks(server.store.browserTokens);
    const token = printer.issue("tenant-a");
    await printer.settled();
    const [first, second] = await Promise.all([visitor.redeem(token), printer.redeem(token)]);
    expect([first, second].filter((t) => t === "tenant-a")).toHaveLength(1);
    expect([first, second].filter((t) => t === undefined)).toHaveLength(1);
  });

  it("refuses an expired link", async () => {
    let now = 5_000;
    const links = new LoginLinks(server.store.browserTokens, { ttlMs: 10, now: () => now });
    const token = links.issue("tenant-b");
    now += 10;
    expect(await links.redeem(token)).toBeUndefined();
  });
});

/**
 * Browser sessions: a key is traded for an HttpOnly cookie once; reads work with the cookie
 * alone, anything that changes something also needs the session's CSRF token, and a session sees
 * only its own key's data.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionStore } from "./http/sessions.js";
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
  it("forgets sessions once they expire", () => {
    let now = 1_000;
    const sessions = new SessionStore({ ttlMs: 100, now: () => now });
    const session = sessions.create("tenant");
    expect(sessions.get(session.id)?.tenant).toBe("tenant");
    now += 99;
    expect(sessions.get(session.id)).toBeDefined();
    now += 1;
    expect(sessions.get(session.id)).toBeUndefined();
    expect(sessions.delete(session.id)).toBe(false);
  });

  it("hands out distinct ids and tokens", () => {
    const sessions = new SessionStore();
    const a = sessions.create("t");
    const b = sessions.create("t");
    expect(new Set([a.id, b.id, a.csrfToken, b.csrfToken]).size).toBe(4);
  });
});

import { describe, expect, it } from "vitest";
import { type StoreBackend, TENANT, useStore } from "./harness.js";

const NOW = 1_000_000;
const session = { kind: "session" as const, tenant: TENANT, csrfToken: "csrf", expiresAt: NOW + 100 };

/** Browser sessions and login links: found while live, taken once, purged once expired. */
export function browserTokenConformance(backend: StoreBackend): void {
  describe("browser tokens", () => {
    const fixture = useStore(backend);

    it("find a live token of its kind only", async () => {
      const { store } = fixture;
      await store.browserTokens.put("h1", session);
      expect(await store.browserTokens.get("h1", "session", NOW)).toEqual(session);
      expect(await store.browserTokens.get("h1", "login", NOW)).toBeUndefined();
      expect(await store.browserTokens.get("h1", "session", NOW + 100)).toBeUndefined();
      expect(await store.browserTokens.get("nope", "session", NOW)).toBeUndefined();
    });

    it("let exactly one of several concurrent takes have a token, in any process", async () => {
      const { store } = fixture;
      const other = await fixture.openAnother();
      await store.browserTokens.put("link", { ...session, kind: "login", csrfToken: null });
      const taken = await Promise.all([
        store.browserTokens.take("link", "login", NOW),
        other.browserTokens.take("link", "login", NOW),
        store.browserTokens.take("link", "login", NOW),
      ]);
      expect(taken.filter((t) => t !== undefined)).toEqual([
        { kind: "login", tenant: TENANT, csrfToken: null, expiresAt: NOW + 100 },
      ]);
      expect(await other.browserTokens.get("link", "login", NOW)).toBeUndefined();
    });

    it("give nothing for an expired token taken, and purge expired ones", async () => {
      const { store } = fixture;
      await store.browserTokens.put("old", { ...session, expiresAt: NOW - 1 });
      await store.browserTokens.put("live", session);
      expect(await store.browserTokens.take("old", "session", NOW)).toBeUndefined();
      await store.browserTokens.put("old2", { ...session, expiresAt: NOW - 1 });
      expect(await store.browserTokens.purge(NOW)).toBe(1);
      expect(await store.browserTokens.get("live", "session", NOW)).toEqual(session);
      expect(await store.browserTokens.delete("live")).toBe(true);
      expect(await store.browserTokens.delete("live")).toBe(false);
    });
  });
}

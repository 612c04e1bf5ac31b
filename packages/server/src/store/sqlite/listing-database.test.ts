import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Db, LISTING_CACHE_KIB, openDatabase, openListingDatabase } from "./database.js";

describe("the listing connection", () => {
  const opened: Db[] = [];
  let dir: string | undefined;
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the main connection's commits, read-only, with its own small page cache", () => {
    dir = mkdtempSync(join(tmpdir(), "nucleus-listing-db-"));
    const main = openDatabase(dir);
    opened.push(main);
    const listing = openListingDatabase(main.name);
    opened.push(listing);
    // Each connection has its own cache: the main one keeps its 64 MiB, listings get the small one.
    expect(listing.pragma("cache_size", { simple: true })).toBe(-LISTING_CACHE_KIB);
    expect(main.pragma("cache_size", { simple: true })).toBe(-65_536);
    expect(LISTING_CACHE_KIB).toBeLessThanOrEqual(4_096);
    expect(listing.readonly).toBe(true);
    expect(() => listing.prepare("UPDATE write_version SET value = value + 1").run()).toThrow(
      expect.objectContaining({ code: "SQLITE_READONLY" }),
    );

    const version = () =>
      (listing.prepare("SELECT value FROM write_version WHERE id = 1").get() as { value: number }).value;
    const before = version();
    main.prepare("UPDATE write_version SET value = value + 1 WHERE id = 1").run();
    expect(version()).toBe(before + 1);
  });
});

/**
 * Files on disk: a new data folder is the owner's only (0700, files 0600), loose permissions are
 * warned about, and tenant ids are keyed hashes that an existing folder's unkeyed ids move to.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { readTenantSecret } from "./db/data-folder.js";
import { legacyTenantOf, tenantOf } from "./http/tenants.js";
import { storedApiKey } from "./keys.js";
import { openSqliteStore } from "./store/sqlite/store.js";
import { createDataset, KEY, startTestServer } from "./test-support.js";

const root = mkdtempSync(join(tmpdir(), "nucleus-folder-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("the data folder", () => {
  it("is made readable by its owner only, with its database, WAL and secret files 0600", async () => {
    const dir = join(root, "fresh", "data");
    const server = await startTestServer(dir);
    try {
      await createDataset(server);
      expect(modeOf(dir)).toBe(0o700);
      for (const file of ["nucleus.sqlite", "nucleus.sqlite-wal", "tenant-secret"]) {
        expect([file, modeOf(join(dir, file))]).toEqual([file, 0o600]);
      }
    } finally {
      await server.stop();
    }
  });

  it("warns about a folder and a key file others can read, and still uses the key", () => {
    const dir = join(root, "loose");
    const lines: string[] = [];
    storedApiKey(dir, (line) => lines.push(line));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "api-key"), "nuc_loose\n", { mode: 0o644 });
    chmodSync(join(dir, "api-key"), 0o644);
    expect(storedApiKey(dir, (line) => lines.push(line))).toEqual({ key: "nuc_loose", created: false });
    expect(lines.join("\n")).toMatch(/api-key is readable by other users \(mode 644\)/);
    const store = openSqliteStore(dir, (line: string) => lines.push(line));
    void store.close();
    expect(lines.join("\n")).toMatch(/loose is readable by other users \(mode 755\).*chmod go-rwx/);
  });

  it("keys tenant ids with the folder's secret, and moves an older folder's data to them", async () => {
    const dir = join(root, "older");
    // A folder written before tenant ids were keyed: a dataset under the unkeyed id of KEY.
    const before = openSqliteStore(dir);
    const old = await before.datasets.create(legacyTenantOf(KEY), {
      name: "kept",
      isScene: false,
      usePrivacyMode: false,
    });
    await before.close();

    const server = await startTestServer(dir);
    try {
      const listed = (await server.call("GET", "dataset/details")).body as { id: string; name: string }[];
      expect(listed.map((d) => d.id)).toEqual([old.id]);
      const keyed = tenantOf(KEY, readTenantSecret(dir));
      expect(keyed).not.toBe(legacyTenantOf(KEY));
      const db = new Database(join(dir, "nucleus.sqlite"), { readonly: true });
      const tenants = (db.prepare("SELECT DISTINCT tenant FROM datasets").all() as { tenant: string }[]).map(
        (row) => row.tenant,
      );
      db.close();
      expect(tenants).toEqual([keyed]);
    } finally {
      await server.stop();
    }
  });
});

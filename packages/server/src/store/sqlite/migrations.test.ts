/** A data folder written before leases, explicit ordering and reserved idempotency keys opens as before. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations.js";
import { openSqliteStore } from "./store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data folder as the first three migrations left it, with a few rows in that shape. */
function oldDataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "nucleus-migrate-"));
  dirs.push(dir);
  const db = new Database(join(dir, "nucleus.sqlite"));
  MIGRATIONS.slice(0, 3).forEach((sql, i) => {
    db.exec(sql);
    db.pragma(`user_version = ${i + 1}`);
  });
  const at = "2026-01-01T00:00:00.000Z";
  // Same creation time: only the insertion order tells them apart.
  for (const [id, name] of [
    ["ds_b", "second-id-first"],
    ["ds_a", "first-id-second"],
  ]) {
    db.prepare("INSERT INTO datasets (id, tenant, name, created_at) VALUES (?, 't', ?, ?)").run(id, name, at);
  }
  db.prepare(
    `INSERT INTO jobs (id, tenant, dataset_id, type, status, message, spec, created_at)
     VALUES ('job_1', 't', 'ds_a', 'uploadDatasetItems', 'Running', '"Job is running."', '{}', ?)`,
  ).run(at);
  db.prepare(
    "INSERT INTO idempotency (tenant, key, route, response, created_at) VALUES ('t', 'k', 'POST /x', '{\"n\":1}', ?)",
  ).run(at);
  db.close();
  return dir;
}

describe("migrating an older data folder", () => {
  it("keeps the creation order, recorded idempotent responses, and leaves running jobs claimable", async () => {
    const store = openSqliteStore(oldDataFolder());
    try {
      expect((await store.datasets.list("t")).map((d) => d.name)).toEqual([
        "second-id-first",
        "first-id-second",
      ]);
      const next = await store.datasets.create("t", { name: "third", isScene: false, usePrivacyMode: false });
      expect((await store.datasets.list("t")).at(-1)?.id).toBe(next.id);
      // Records older than fingerprints match any body (and expire as any other record does).
      const options = { staleAfterMs: 1_000, expireAfterMs: Date.now() + 60_000, fingerprint: "f" };
      expect(await store.idempotency.reserve("t", "k", "POST /x", options)).toEqual({
        state: "completed",
        route: "POST /x",
        fingerprint: null,
        response: { n: 1 },
      });
      expect(await store.jobs.get("t", "job_1")).toMatchObject({
        status: "Running",
        attempts: 0,
        lease: null,
      });
      expect((await store.jobs.claimNext({ owner: "me", durationMs: 1_000 }))?.id).toBe("job_1");
      expect(await store.writeVersion()).not.toBe("");
    } finally {
      await store.close();
    }
  });
});

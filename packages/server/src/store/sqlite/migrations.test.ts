/** Data folders written by older versions open as before, their records in the current shape. */
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

  it("keeps the page size of an older database; a new one takes pages of 8 KiB", async () => {
    const pageSize = (dir: string) => {
      const db = new Database(join(dir, "nucleus.sqlite"), { readonly: true });
      try {
        return db.pragma("page_size", { simple: true });
      } finally {
        db.close();
      }
    };
    const old = oldDataFolder();
    const fresh = mkdtempSync(join(tmpdir(), "nucleus-migrate-"));
    dirs.push(fresh);
    for (const dir of [old, fresh]) {
      const store = openSqliteStore(dir);
      try {
        await store.datasets.create("t", { name: "pages", isScene: false, usePrivacyMode: false });
      } finally {
        await store.close();
      }
    }
    expect(pageSize(old)).toBe(4096);
    expect(pageSize(fresh)).toBe(8192);
    // The older one still opens and reads.
    const store = openSqliteStore(old);
    try {
      expect((await store.datasets.list("t")).map((d) => d.name)).toContain("pages");
    } finally {
      await store.close();
    }
  });

  it("keeps item vectors, their index keys and scores when vectors move to the item's upload order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-migrate-"));
    dirs.push(dir);
    const db = new Database(join(dir, "nucleus.sqlite"));
    db.pragma("foreign_keys = ON");
    const before = MIGRATIONS.length - 1;
    MIGRATIONS.slice(0, before).forEach((sql, i) => {
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    });
    const at = "2026-01-01T00:00:00.000Z";
    db.prepare("INSERT INTO datasets (id, tenant, name, created_at) VALUES ('ds', 't', 'vectors', ?)").run(
      at,
    );
    // Item ids in the opposite order to their upload order.
    const items = ["item_c", "item_b", "item_a"];
    for (const [n, id] of items.entries())
      db.prepare(
        "INSERT INTO items (id, dataset_id, reference_id, image_url) VALUES (?, 'ds', ?, 'file:///x.jpg')",
      ).run(id, `img_${n}`);
    const bytes = (...values: number[]) => Buffer.from(new Float32Array(values).buffer);
    const put = db.prepare(
      "INSERT INTO item_embeddings (item_id, dataset_id, dimension, vector, ann_key, uniqueness) VALUES (?, 'ds', 2, ?, ?, ?)",
    );
    put.run("item_a", bytes(1, 0), 7, 0.25);
    put.run("item_c", bytes(0, 1), 9, null);
    db.prepare("INSERT INTO embedding_keys (dataset_id, last_key) VALUES ('ds', 9)").run();
    db.close();

    const store = openSqliteStore(dir);
    try {
      expect(await store.embeddings.count("ds")).toBe(2);
      expect(await store.embeddings.lastKey("ds")).toBe(9);
      const keyed = await store.embeddings.keyed("ds", 0, 10);
      expect(keyed.map((k) => [k.key, k.itemId, [...k.vector]])).toEqual([
        [7, "item_a", [1, 0]],
        [9, "item_c", [0, 1]],
      ]);
      const got = await store.embeddings.get("ds", ["item_a", "item_b"]);
      expect([...got.values()].map((r) => r.referenceId)).toEqual(["img_2"]);
      const raw = new Database(join(dir, "nucleus.sqlite"), { readonly: true });
      const scores = raw.prepare("SELECT item_seq, uniqueness FROM item_embeddings ORDER BY item_seq").all();
      raw.close();
      expect(scores).toEqual([
        { item_seq: 1, uniqueness: null },
        { item_seq: 3, uniqueness: 0.25 },
      ]);
      // The vector count still follows deletions, and a deleted item takes its vector along.
      expect(await store.items.delete("ds", "img_2")).toBe(true);
      expect(await store.embeddings.count("ds")).toBe(1);
      expect((await store.embeddings.keyed("ds", 0, 10)).map((k) => k.itemId)).toEqual(["item_c"]);
    } finally {
      await store.close();
    }
  });
});

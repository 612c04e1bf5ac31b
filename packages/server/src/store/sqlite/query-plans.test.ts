/**
 * Lookups of a few items by id inside a large dataset must seek the id index. Given a long IN list
 * and a dataset filter, SQLite's planner would rather scan the dataset's whole `(dataset_id, seq)`
 * index for every chunk of ids, which at a million items took seconds a call.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { datasetWithItems } from "../conformance/harness.js";
import { openSqliteStore } from "./store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The texts of the statements `run` prepares that read `items`. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, text: string) {
    if (/\bitems\b/.test(text)) texts.push(text);
    return prepare.call(this, text);
  } as typeof prepare;
  try {
    await run();
  } finally {
    Database.prototype.prepare = prepare;
  }
  return texts;
}

describe("SQLite lookups of items by id", () => {
  it("seek the id index for long IN lists: vectors, tags, reviews and vector deletes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-plans-"));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    try {
      const dataset = await datasetWithItems(store, 600);
      const refs = Array.from({ length: 600 }, (_, i) => `img_${i}`);
      const ids = [...(await store.embeddings.itemIds(dataset, refs)).values()];
      expect(ids).toHaveLength(600);
      const texts = await statementsOf(async () => {
        await store.embeddings.get(dataset, ids);
        await store.curation.tagsOf(dataset, ids);
        await store.curation.reviewsOf(dataset, ids);
        await store.embeddings.delete(dataset, ids);
      });
      expect(texts.length).toBeGreaterThanOrEqual(4);
      const db = new Database(join(dir, "nucleus.sqlite"), { readonly: true });
      try {
        for (const text of texts) {
          const marks = (text.match(/\?/g) ?? []).length;
          const args = [dataset, ...ids.slice(0, marks - 1)];
          const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...args) as { detail: string }[])
            .map((row) => row.detail)
            .join("; ");
          expect(plan, text).not.toMatch(/items_by_dataset/);
          expect(plan, text).toMatch(
            /SEARCH (i|items) USING (COVERING )?INDEX sqlite_autoindex_items_1 \(id=\?\)/,
          );
        }
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });
});

/** Databases written by older versions open as before, their records in the current shape. */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations.js";
import { openPostgresStore } from "./store.js";
import { dropSchema, newSchema, testDatabaseUrl } from "./testing.js";

const url = testDatabaseUrl();

/** A schema with the migrations before the last one applied, as an older server left it. */
async function olderSchema(schema: string, fill: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url as string, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(
      "CREATE TABLE nucleus_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
    for (const [i, sql] of MIGRATIONS.slice(0, MIGRATIONS.length - 1).entries()) {
      await client.query(sql);
      await client.query("INSERT INTO nucleus_migrations (version) VALUES ($1)", [i + 1]);
    }
    await fill(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(url === null)("migrating an older PostgreSQL schema", () => {
  it("keeps item vectors, their index keys and scores when vectors move to the item's upload order", async () => {
    const schema = newSchema("m");
    await olderSchema(schema, async (client) => {
      await client.query(
        `INSERT INTO datasets (id, tenant, name, is_scene, use_privacy_mode, tags, created_at)
         VALUES ('ds', 't', 'vectors', false, false, '[]', now())`,
      );
      // Item ids in the opposite order to their upload order.
      for (const [n, id] of ["item_c", "item_b", "item_a"].entries())
        await client.query(
          "INSERT INTO items (id, dataset_id, reference_id, image_url, metadata) VALUES ($1, 'ds', $2, 'file:///x.jpg', '{}')",
          [id, `img_${n}`],
        );
      const bytes = (...values: number[]) => Buffer.from(new Float32Array(values).buffer);
      const put = `INSERT INTO item_embeddings (item_id, dataset_id, dimension, vector, ann_key, uniqueness)
        VALUES ($1, 'ds', 2, $2, $3, $4)`;
      await client.query(put, ["item_a", bytes(1, 0), 7, 0.25]);
      await client.query(put, ["item_c", bytes(0, 1), 9, null]);
      await client.query("INSERT INTO embedding_keys (dataset_id, last_key) VALUES ('ds', 9)");
    });
    const store = await openPostgresStore({ url: url as string, schema });
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
      // A deleted item takes its vector along.
      expect(await store.items.delete("ds", "img_2")).toBe(true);
      expect((await store.embeddings.keyed("ds", 0, 10)).map((k) => k.itemId)).toEqual(["item_c"]);
    } finally {
      await store.close();
      await dropSchema(url as string, schema);
    }
  });
});

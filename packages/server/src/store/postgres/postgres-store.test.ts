import { describe, expect, it } from "vitest";
import { describeStoreConformance } from "../conformance/index.js";
import type { NucleusStore } from "../store.js";
import { openPostgresStore } from "./store.js";
import { dropSchema, newSchema, testDatabaseUrl } from "./testing.js";

const url = testDatabaseUrl();

describe.skipIf(url === null)("PostgreSQL", () => {
  describeStoreConformance({
    name: "PostgreSQL",
    async open() {
      const location = { url: url as string, schema: newSchema(), poolSize: 4 };
      const opened: NucleusStore[] = [await openPostgresStore(location)];
      return {
        store: opened[0] as NucleusStore,
        async openAnother() {
          const another = await openPostgresStore(location);
          opened.push(another);
          return another;
        },
        async close() {
          for (const store of opened) await store.close();
          await dropSchema(url as string, location.schema);
        },
      };
    },
  });
});

describe("the PostgreSQL run", () => {
  it("is never skipped when NUCLEUS_TEST_DATABASE_URL names a server (as in CI)", async () => {
    if (!process.env.NUCLEUS_TEST_DATABASE_URL) return;
    expect(url, "the global setup made a test database on NUCLEUS_TEST_DATABASE_URL").not.toBeNull();
    const schema = newSchema();
    const store = await openPostgresStore({ url: url as string, schema });
    expect(await store.writeVersion()).toBe("0");
    await store.close();
    await dropSchema(url as string, schema);
  });
});

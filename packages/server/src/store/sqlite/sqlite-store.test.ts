import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStoreConformance } from "../conformance/index.js";
import type { NucleusStore } from "../store.js";
import { openSqliteStore } from "./store.js";

describeStoreConformance({
  name: "SQLite",
  async open() {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-store-"));
    const opened: NucleusStore[] = [openSqliteStore(dir)];
    return {
      store: opened[0] as NucleusStore,
      async openAnother() {
        const another = openSqliteStore(dir);
        opened.push(another);
        return another;
      },
      async close() {
        for (const store of opened) await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

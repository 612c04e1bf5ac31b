import { join } from "node:path";
import Database from "better-sqlite3";
import { preparePrivateFile, preparePrivateFolder } from "../../db/data-folder.js";
import { MIGRATIONS } from "./migrations.js";

/** An open SQLite database (better-sqlite3). */
export type Db = Database.Database;

/**
 * Opens (or creates) the data folder's database in WAL mode, with foreign keys on, and runs the
 * migrations it has not seen yet. A new folder is made readable by its owner only (0700) and the
 * database file 0600 (SQLite's WAL files take its mode); looser existing ones are warned about.
 */
export function openDatabase(dataDir: string, log?: (line: string) => void): Db {
  preparePrivateFolder(dataDir, log);
  const path = join(dataDir, "nucleus.sqlite");
  preparePrivateFile(path, log);
  const db = new Database(path);
  // A new database takes pages of 8 KiB, and keeps them: a vector of 512 numbers (2 KiB) fills a
  // 4 KiB page of its own, but three share one of 8 KiB (inserting 300,000 in a standalone check:
  // 49 -> 28 us a vector, 1.2 GB -> 0.8 GB). The size must be set before WAL mode, which fixes it;
  // an existing database keeps its own.
  db.pragma("page_size = 8192");
  db.pragma("journal_mode = WAL");
  // NORMAL: a commit writes the WAL without flushing it; the connection flushes it off the event
  // loop, for every write committed meanwhile at once, before the write is acknowledged
  // (SqliteConnection, WalSync). So an acknowledged write is on disk even across a power cut.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // A larger page cache keeps the unique indexes of million-row label tables in memory.
  db.pragma("cache_size = -65536");
  db.pragma("temp_store = MEMORY");
  migrate(db);
  return db;
}

/**
 * The page cache of the listing connection, in KiB: SQLite's default size. A listing reads each
 * page about once, so a larger cache would only hold pages it never reads again.
 */
export const LISTING_CACHE_KIB = 2_048;

/**
 * Opens a second connection to an open data folder's database (`path`, as `Db.name`), read-only
 * and with a small page cache, for whole listings (see `ListingStore`). In WAL mode it reads
 * beside the main connection, which keeps its own (large) cache to itself.
 */
export function openListingDatabase(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  db.pragma(`cache_size = -${LISTING_CACHE_KIB}`);
  db.pragma("temp_store = MEMORY");
  return db;
}

function migrate(db: Db): void {
  const applied = db.pragma("user_version", { simple: true }) as number;
  MIGRATIONS.slice(applied).forEach((sql, offset) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${applied + offset + 1}`);
    })();
  });
}

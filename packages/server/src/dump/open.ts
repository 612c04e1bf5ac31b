import { existsSync } from "node:fs";
import { join } from "node:path";
import { type MediaStore, openMedia, type S3Options } from "../media.js";
import type { NucleusStore } from "../store/index.js";
import { migrationState } from "../store/postgres/database.js";
import { openPostgresStore } from "../store/postgres/store.js";
import { MIGRATIONS as SQLITE_MIGRATIONS } from "../store/sqlite/migrations.js";
import { openSqliteStore } from "../store/sqlite/store.js";

/** Where a server keeps its records and files: a data folder, or a database and a media location. */
export interface DataLocation {
  /** A data folder (SQLite, and media unless `media` says otherwise). */
  dataDir?: string | undefined;
  /** A PostgreSQL URL, instead of the data folder's SQLite. */
  database?: string | undefined;
  /** `s3://bucket/prefix` or a folder; default the data folder's `media/`. */
  media?: string | undefined;
  s3?: S3Options | undefined;
}

/** Opens (and migrates) the store of a location. */
export async function openStoreAt(location: DataLocation): Promise<NucleusStore> {
  if (location.database) return openPostgresStore({ url: location.database });
  if (location.dataDir) return openSqliteStore(location.dataDir);
  throw new Error("Name a database (postgres://...) or a data folder");
}

/** The media of a location, if it has any. */
export function openMediaAt(location: DataLocation): MediaStore | undefined {
  if (location.media) return openMedia(location.media, location.s3);
  if (location.dataDir) return openMedia(join(location.dataDir, "media"));
  return undefined;
}

/**
 * Brings a location's schema up to date: the migrations this version has that it has not run.
 * Returns how many ran, and how many there are.
 *
 * @example
 * ```ts
 * const { applied, known } = await migrateStorage({ database: "postgres://localhost/nucleus" });
 * ```
 */
export async function migrateStorage(location: DataLocation): Promise<{ applied: number; known: number }> {
  if (location.database) {
    const { default: pg } = await import("pg");
    const { parseLocation } = await import("../store/postgres/database.js");
    const { connectionString, schema } = parseLocation({ url: location.database });
    const before = new pg.Pool({ connectionString, options: `-c search_path=${schema}`, max: 1 });
    const { applied: was } = await migrationState(before).finally(() => before.end());
    const store = await openPostgresStore({ url: location.database });
    await store.close();
    const pool = new pg.Pool({ connectionString, options: `-c search_path=${schema}`, max: 1 });
    const { applied, known } = await migrationState(pool).finally(() => pool.end());
    return { applied: applied - was, known };
  }
  const dataDir = location.dataDir as string;
  const file = join(dataDir, "nucleus.sqlite");
  let was = 0;
  if (existsSync(file)) {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(file, { readonly: true });
    was = db.pragma("user_version", { simple: true }) as number;
    db.close();
  }
  const store = await openStoreAt(location);
  await store.close();
  return { applied: SQLITE_MIGRATIONS.length - was, known: SQLITE_MIGRATIONS.length };
}

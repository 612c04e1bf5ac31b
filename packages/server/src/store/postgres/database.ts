import pg from "pg";
import { MIGRATIONS } from "./migrations.js";

/** Where a PostgreSQL store lives: a connection URL, and optionally a schema in that database. */
export interface PostgresLocation {
  /** `postgres://user:password@host:port/database`; a `schema` query parameter names the schema. */
  url: string;
  /** The schema to keep the tables in (made if missing); default the URL's `schema`, else `public`. */
  schema?: string | undefined;
  /** Connections per process. Default 10. */
  poolSize?: number | undefined;
}

const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The URL without the `schema` parameter (which pg does not know), and the schema it named. */
export function parseLocation(location: PostgresLocation): { connectionString: string; schema: string } {
  const url = new URL(location.url);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`A PostgreSQL URL starts with postgres://, got ${url.protocol}//`);
  }
  const schema = location.schema ?? url.searchParams.get("schema") ?? "public";
  url.searchParams.delete("schema");
  if (!SCHEMA.test(schema)) {
    throw new Error(
      `The schema must be a plain SQL name (letters, digits, _), got ${JSON.stringify(schema)}`,
    );
  }
  return { connectionString: url.toString(), schema };
}

// COUNT(*) and BIGINT columns come back as strings by default; every one this store reads fits
// in a double (row counts, positions, times in ms), so this store's connections read numbers.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * Opens a pool on a database and runs the migrations it has not seen yet. Tables live in the
 * location's schema (every connection's `search_path`).
 */
export async function openPool(location: PostgresLocation, log?: (line: string) => void): Promise<pg.Pool> {
  const { connectionString, schema } = parseLocation(location);
  const pool = new pg.Pool({
    connectionString,
    max: location.poolSize ?? 10,
    options: `-c search_path=${schema}`,
    application_name: "nucleus-server",
    types,
  });
  // An idle connection the server closed (a restart, a failover) is replaced on next use; the
  // pool reports it here instead of crashing the process.
  pool.on("error", (error) => log?.(`PostgreSQL connection lost: ${error.message}`));
  try {
    await migrate(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

/** The migrations applied to a schema, and those there are. */
export async function migrationState(pool: pg.Pool): Promise<{ applied: number; known: number }> {
  const exists = await pool.query<{ found: boolean }>(
    "SELECT to_regclass('nucleus_migrations') IS NOT NULL AS found",
  );
  if (!exists.rows[0]?.found) return { applied: 0, known: MIGRATIONS.length };
  const row = await pool.query<{ applied: number }>(
    "SELECT COALESCE(MAX(version), 0) AS applied FROM nucleus_migrations",
  );
  return { applied: Number(row.rows[0]?.applied ?? 0), known: MIGRATIONS.length };
}

/**
 * Applies the migrations a schema has not seen, each in its own transaction, holding an
 * advisory lock so that servers starting at once take turns. Returns how many it applied.
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<number> {
  const client = await pool.connect();
  const lock = `nucleus-migrations:${schema}`;
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [lock]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        "CREATE TABLE IF NOT EXISTS nucleus_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      const { rows } = await client.query<{ applied: number }>(
        "SELECT COALESCE(MAX(version), 0) AS applied FROM nucleus_migrations",
      );
      const applied = Number(rows[0]?.applied ?? 0);
      if (applied > MIGRATIONS.length) {
        throw new Error(
          `The database has migrations up to ${applied}, newer than this server (${MIGRATIONS.length}): upgrade the server`,
        );
      }
      for (const [offset, sql] of MIGRATIONS.slice(applied).entries()) {
        await client.query("BEGIN");
        try {
          await client.query(sql);
          await client.query("INSERT INTO nucleus_migrations (version) VALUES ($1)", [applied + offset + 1]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
      return MIGRATIONS.length - applied;
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lock]);
    }
  } finally {
    client.release();
  }
}

/** Test support: a fresh schema per store on the test database the global setup provides. */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** A database for this project's PostgreSQL runs, or null when no PostgreSQL could be started. */
    postgresUrl: string | null;
  }
}

/** The project's test database, or null when no PostgreSQL could be started here. */
export function testDatabaseUrl(): string | null {
  return inject("postgresUrl");
}

/** A new schema name, unique to one test. */
export function newSchema(prefix = "t"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** The database URL with a schema to keep the tables in (the store makes it on first open). */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("schema", schema);
  return parsed.toString();
}

/** Drops a schema with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The server backends the SDK's end-to-end suite runs against: SQLite always, PostgreSQL when there is one. */
import { randomBytes } from "node:crypto";
import type { NucleusServerOptions } from "@nucleus/server";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** A database for this project's PostgreSQL runs, or null when none could be started. */
    postgresUrl: string | null;
  }
}

/** A backend: its name and the server options that pick it (fresh storage per call). */
export interface ServerBackend {
  name: string;
  options(): Partial<NucleusServerOptions>;
}

/** SQLite in the data folder, and PostgreSQL (a schema of its own per server) when the run has a database. */
export function serverBackends(): ServerBackend[] {
  const url = inject("postgresUrl");
  const backends: ServerBackend[] = [{ name: "SQLite", options: () => ({}) }];
  if (url !== null) {
    backends.push({
      name: "PostgreSQL",
      options: () => {
        const database = new URL(url);
        database.searchParams.set("schema", `sdk_${randomBytes(5).toString("hex")}`);
        return { database: database.toString(), secret: randomBytes(32).toString("hex") };
      },
    });
  }
  return backends;
}

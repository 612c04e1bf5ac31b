import { labelArea } from "../../query/geometry.js";
import type { Db } from "./database.js";

/**
 * Registers the SQL functions compiled queries call on this connection: `nucleus_area(payload)`,
 * the area of a stored label's shape (PostgreSQL defines the same function in its migrations).
 */
export function registerQueryFunctions(db: Db): void {
  db.function("nucleus_area", { deterministic: true }, (payload: unknown) =>
    typeof payload === "string" ? labelArea(JSON.parse(payload) as Parameters<typeof labelArea>[0]) : null,
  );
}

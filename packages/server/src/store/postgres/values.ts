/** Value conversions shared by the PostgreSQL entity stores. */

import type { Page, PageRequest } from "../common.js";
import { invalidCursor } from "../problems.js";

/** The time to record on a new row. */
export const now = (): string => new Date().toISOString();

/** A TIMESTAMPTZ as the ISO 8601 text records carry. */
export const iso = (value: Date | string): string =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();

/** JSON text of a value, or NULL for none. */
export const toJson = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** The database's clock in ms since the epoch: leases and reservations are timed by one clock. */
export const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

const CURSOR = /^\d+$/;

/** A page cursor's position (0 for the start); refuses cursors this store did not issue. */
export function positionOf(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined || cursor === "") return 0;
  if (!CURSOR.test(cursor)) throw invalidCursor(cursor);
  return Number(cursor);
}

/** The SQL LIMIT of a page: one extra row (to learn whether more follow), or none (NULL). */
export const fetchLimit = (request: PageRequest): number | null =>
  request.limit === undefined ? null : request.limit + 1;

/** A page of rows fetched with one extra, as records; the cursor is the last row's position. */
export function pageOf<R extends { seq: number }, T>(
  rows: R[],
  limit: number | undefined,
  decode: (row: R) => T,
): Page<T> {
  const more = limit !== undefined && rows.length > limit;
  const served = more ? rows.slice(0, limit) : rows;
  const records: T[] = new Array(served.length);
  for (let i = 0; i < served.length; i += 1) records[i] = decode(served[i] as R);
  return { records, nextCursor: more ? String((served[served.length - 1] as R).seq) : null };
}

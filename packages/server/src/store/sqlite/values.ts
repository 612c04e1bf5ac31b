/** Value conversions shared by the SQLite entity stores. */

/** The time to record on a new row. */
export const now = (): string => new Date().toISOString();

/** JSON text of a value, or NULL for none. */
export const toJson = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** The value of JSON text, or null for NULL. */
export const fromJson = <T>(text: string | null): T | null =>
  text === null ? null : (JSON.parse(text) as T);

/** The next creation-order position of a table (its `seq`), for an INSERT's VALUES. */
export const nextSeq = (table: string): string => `(SELECT COALESCE(MAX(seq), 0) + 1 FROM ${table})`;

/** Page cursors are the last position served, as a decimal string. */
export const CURSOR = /^\d+$/;

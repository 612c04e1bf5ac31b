/** A tenant: the hash of one API key. Every dataset, model, slice, job and evaluation belongs to one. */
export type Tenant = string;

/**
 * Which part of a list to read: up to `limit` records after `cursor` (a cursor a previous page
 * returned; none for the start). Without a limit, everything after the cursor.
 */
export interface PageRequest {
  cursor?: string | null | undefined;
  limit?: number | undefined;
}

/** One page of a list, in the list's order; `nextCursor` is null on the last page. */
export interface Page<T> {
  records: T[];
  /** An opaque cursor for the next page; only the store that issued it can read it. */
  nextCursor: string | null;
}

import type { Page } from "../store/index.js";

/** Every page of a paged store list, in order, one call per page. */
export async function* pagesOf<T>(read: (cursor: string | null) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | null = null;
  do {
    const page: Page<T> = await read(cursor);
    yield page.records;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** Pages turned into other pages (wire objects, export rows), one at a time. */
export async function* mapPages<T, U>(
  pages: AsyncIterable<T[]>,
  map: (page: T[]) => U[] | Promise<U[]>,
): AsyncGenerator<U[]> {
  for await (const page of pages) yield await map(page);
}

/** One page of a paged route, read from the store a step at a time (see {@link steppedPage}). */
export interface SteppedPage<T> {
  /** The page's records, a step at a time; the first step is read already. */
  pages: () => AsyncGenerator<T[]>;
  /** The cursor after the page (null at the end of the list), known once `pages` ended. */
  nextCursor: () => string | null;
}

/**
 * A page of up to `limit` records from `cursor`, read `step` records per store call, so a large
 * page can be sent as it is read instead of whole: the same records and next cursor as one read
 * of `limit`. The first step is read at once, so a bad cursor fails before anything is sent.
 */
export async function steppedPage<T>(
  read: (cursor: string | null, limit: number) => Promise<Page<T>>,
  cursor: string | null,
  limit: number,
  step: number,
): Promise<SteppedPage<T>> {
  const first = await read(cursor, Math.min(step, limit));
  let next = first.nextCursor;
  let remaining = limit - first.records.length;
  // Dropped once sent, so a long response does not hold on to it.
  let head: T[] | undefined = first.records;
  async function* pages(): AsyncGenerator<T[]> {
    if (head) {
      const records = head;
      head = undefined;
      yield records;
    }
    while (next !== null && remaining > 0) {
      const page = await read(next, Math.min(step, remaining));
      next = page.nextCursor;
      remaining -= page.records.length;
      yield page.records;
    }
  }
  return { pages, nextCursor: () => next };
}

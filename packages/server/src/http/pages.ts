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

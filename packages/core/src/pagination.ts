import { NucleusError } from "./errors.js";

/** One page of a paged route: its entries and the token of the next page (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

/**
 * A lazy list over a paged route: iterate with `for await`, page by page with {@link pages},
 * or collect with {@link toArray}, which needs an explicit cap. The first page is fetched when
 * asked for, and from then on the next page is requested while the reader holds the current one
 * (one page ahead, never more), so the server works on it while the reader parses and reads this
 * one. {@link toArray} asks for no page beyond its limit.
 *
 * @example
 * ```ts
 * for await (const item of dataset.items()) console.log(item.referenceId);
 * const first100 = await dataset.items().toArray({ limit: 100 });
 * ```
 */
export class PageIterator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (token: string | null) => Promise<Page<T>>) {}

  /** Every page in order; the next one is fetched while this one is read. */
  pages(): AsyncGenerator<T[]> {
    return this.read(Number.POSITIVE_INFINITY);
  }

  /**
   * Pages in order until `limit` entries are read: while the reader holds a page, the next one is
   * fetched if the entries so far leave room for it.
   */
  private async *read(limit: number): AsyncGenerator<T[]> {
    let page: Page<T> = await this.fetchPage(null);
    for (let read = 0; ; ) {
      const token = page.nextPageToken || null;
      read += page.items.length;
      let ahead: Promise<Page<T>> | undefined;
      if (token !== null && read < limit) {
        ahead = this.fetchPage(token);
        // Marked handled: a reader that stops early never hears of its failure; one that goes on
        // gets it where it is awaited.
        ahead.catch(() => {});
      }
      yield page.items;
      if (token === null) return;
      page = await (ahead ?? this.fetchPage(token));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) yield* page;
  }

  /**
   * Collects entries into an array, stopping at `limit`. Pass `limit: Infinity` to read a whole
   * list on purpose.
   */
  async toArray(options: { limit: number }): Promise<T[]> {
    if (!(options.limit >= 0))
      throw new NucleusError("toArray needs a limit of 0 or more (Infinity for all)");
    const out: T[] = [];
    if (options.limit === 0) return out;
    for await (const page of this.read(options.limit)) {
      for (const entry of page) {
        out.push(entry);
        if (out.length >= options.limit) return out;
      }
    }
    return out;
  }
}

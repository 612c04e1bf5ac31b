import { NucleusError } from "./errors.js";

/** One page of a paged route: its entries and the token of the next page (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

/**
 * A lazy list over a paged route: iterate with `for await`, page by page with {@link pages},
 * or collect with {@link toArray}, which needs an explicit cap.
 *
 * @example
 * ```ts
 * for await (const item of dataset.items()) console.log(item.referenceId);
 * const first100 = await dataset.items().toArray({ limit: 100 });
 * ```
 */
export class PageIterator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (token: string | null) => Promise<Page<T>>) {}

  /** Every page in order; fetches the next only when asked. */
  async *pages(): AsyncGenerator<T[]> {
    let token: string | null = null;
    do {
      const page: Page<T> = await this.fetchPage(token);
      yield page.items;
      token = page.nextPageToken || null;
    } while (token !== null);
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
    for await (const entry of this) {
      out.push(entry);
      if (out.length >= options.limit) break;
    }
    return out;
  }
}

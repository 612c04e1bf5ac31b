import { describe, expect, it } from "vitest";
import { type Page, PageIterator } from "./pagination.js";

/** A list of `pages` pages of 2 entries, recording each fetch and when it settles. */
function pagedList(pages: number, failAt?: number) {
  const fetched: (string | null)[] = [];
  const iterator = new PageIterator<number>(async (token) => {
    fetched.push(token);
    const index = token === null ? 0 : Number(token);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (index === failAt) throw new Error(`page ${index} failed`);
    const page: Page<number> = {
      items: [2 * index, 2 * index + 1],
      nextPageToken: index + 1 < pages ? String(index + 1) : null,
    };
    return page;
  });
  return { iterator, fetched };
}

describe("PageIterator", () => {
  it("reads every page in order, asking for each once", async () => {
    const { iterator, fetched } = pagedList(5);
    expect(await iterator.toArray({ limit: Number.POSITIVE_INFINITY })).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(fetched).toEqual([null, "1", "2", "3", "4"]);
  });

  it("fetches only the first page for a reader that stops within it", async () => {
    const { iterator, fetched } = pagedList(5);
    expect(await iterator.toArray({ limit: 2 })).toEqual([0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetched).toEqual([null]);
  });

  it("fetches the next page while the reader holds the current one, from the first page on", async () => {
    const { iterator, fetched } = pagedList(4);
    const pages = iterator.pages();
    expect((await pages.next()).value).toEqual([0, 1]);
    // The reader holds page 0: page 1 is already asked for, page 2 not yet.
    expect(fetched).toEqual([null, "1"]);
    expect((await pages.next()).value).toEqual([2, 3]);
    expect(fetched).toEqual([null, "1", "2"]);
    expect((await pages.next()).value).toEqual([4, 5]);
    expect(fetched).toEqual([null, "1", "2", "3"]);
    expect((await pages.next()).value).toEqual([6, 7]);
    expect((await pages.next()).done).toBe(true);
    expect(fetched).toEqual([null, "1", "2", "3"]);
  });

  it("collects with a limit without asking for a page beyond it", async () => {
    const { iterator, fetched } = pagedList(5);
    // 4 entries end on page 1: page 2 is never asked for.
    expect(await iterator.toArray({ limit: 4 })).toEqual([0, 1, 2, 3]);
    // 5 entries need page 2, which page 1 asked for while it was read.
    const more = pagedList(5);
    expect(await more.iterator.toArray({ limit: 5 })).toEqual([0, 1, 2, 3, 4]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetched).toEqual([null, "1"]);
    expect(more.fetched).toEqual([null, "1", "2"]);
  });

  it("throws a page's failure to the reader that reaches it, and to no one else", async () => {
    const failing = pagedList(5, 3);
    await expect(failing.iterator.toArray({ limit: Number.POSITIVE_INFINITY })).rejects.toThrow(
      "page 3 failed",
    );
    // Stopping on page 2, while page 3 was fetched ahead and failed: nothing is thrown.
    const early = pagedList(5, 3);
    const read: number[] = [];
    for await (const entry of early.iterator) {
      read.push(entry);
      if (entry === 4) break;
    }
    expect(read).toEqual([0, 1, 2, 3, 4]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(early.fetched).toEqual([null, "1", "2", "3"]);
  });
});

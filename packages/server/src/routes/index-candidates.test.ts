/**
 * The rule by which the similarity routes ask a vector index for candidates: more when too few
 * pass the filter, wide once when a search near an example did not find it, and the wide answer
 * sifted whole, without asking again, when its best leave too few. The index here is a ranked
 * list of keys; the routes' tests run the same rule against real indexes.
 */
import { describe, expect, it } from "vitest";
import {
  type CandidateSearch,
  gatherCandidates,
  MIN_CANDIDATES,
  WIDE_CANDIDATES,
} from "./index-candidates.js";

/** A search over keys 0 to `total - 1` ranked by key, asked of the index as the routes ask it. */
function searchOf(
  total: number,
  options: { passes: (key: number) => boolean; example?: number; lostBelow?: number } & Partial<
    Pick<CandidateSearch<number, number>, "want" | "enough" | "widenedRank">
  >,
) {
  const asked: number[] = [];
  const sifted: number[] = [];
  const search: CandidateSearch<number, number> = {
    want: options.want ?? MIN_CANDIDATES,
    total,
    enough: options.enough ?? 20,
    widenedRank: options.widenedRank ?? 21,
    anchored: options.example !== undefined,
    async nearest(want) {
      asked.push(want);
      // A narrow search (fewer than `lostBelow` asked) ends where the example is not.
      const start = want < (options.lostBelow ?? 0) ? 1_000 : 0;
      return Array.from({ length: Math.min(want, total - start) }, (_, i) => start + i);
    },
    async sift(hits) {
      sifted.push(hits.length);
      return { kept: hits.filter(options.passes), anchorFound: hits.includes(options.example ?? -1) };
    },
  };
  return { search, asked, sifted };
}

describe("candidates asked of a vector index", () => {
  it("are asked for once when enough pass", async () => {
    const { search, asked } = searchOf(10_000, { passes: () => true });
    expect(await gatherCandidates(search)).toEqual({
      searched: MIN_CANDIDATES,
      kept: Array.from({ length: MIN_CANDIDATES }, (_, i) => i),
    });
    expect(asked).toEqual([MIN_CANDIDATES]);
  });

  it("are asked for four times as many while too few pass, and not past a fifth of the index", async () => {
    const few = searchOf(20_000, { passes: (key) => key % 50 === 0 });
    const gathered = await gatherCandidates(few.search);
    expect(few.asked).toEqual([40, 160, 640, 2_560]);
    expect(gathered?.kept).toHaveLength(52);
    const sparse = searchOf(1_000, { passes: (key) => key % 500 === 0 });
    expect(await gatherCandidates(sparse.search)).toBeUndefined();
    expect(sparse.asked).toEqual([40, 160]);
  });

  it("are asked for wide once when a search near an example did not find it, and the best of them sifted", async () => {
    const { search, asked, sifted } = searchOf(10_000, { passes: () => true, example: 5, lostBelow: 100 });
    const gathered = await gatherCandidates(search);
    expect(asked).toEqual([MIN_CANDIDATES, WIDE_CANDIDATES]);
    // The wide answer's best, as many as the narrow search asked for.
    expect(sifted).toEqual([MIN_CANDIDATES, MIN_CANDIDATES]);
    expect(gathered).toEqual({
      searched: WIDE_CANDIDATES,
      kept: Array.from({ length: MIN_CANDIDATES }, (_, i) => i),
    });
  });

  it("sift a wide answer whole, without asking again, when its best leave too few", async () => {
    // Of the wide answer's best 40 only keys 0 and 20 pass; of all 512, every twentieth.
    const { search, asked, sifted } = searchOf(10_000, {
      passes: (key) => key % 20 === 0,
      example: 5,
      lostBelow: 100,
    });
    const gathered = await gatherCandidates(search);
    expect(asked).toEqual([MIN_CANDIDATES, WIDE_CANDIDATES]);
    expect(sifted).toEqual([MIN_CANDIDATES, MIN_CANDIDATES, WIDE_CANDIDATES]);
    expect(gathered?.searched).toBe(WIDE_CANDIDATES);
    expect(gathered?.kept).toHaveLength(26);
  });

  it("are asked for four times as many after a wide answer that leaves too few even whole", async () => {
    const { search, asked } = searchOf(20_000, {
      passes: (key) => key % 40 === 0,
      example: 5,
      lostBelow: 100,
    });
    const gathered = await gatherCandidates(search);
    expect(asked).toEqual([MIN_CANDIDATES, WIDE_CANDIDATES, 4 * WIDE_CANDIDATES]);
    expect(gathered?.kept).toHaveLength(52);
  });

  it("are not widened when the example was found, or for a search near no example", async () => {
    const found = searchOf(10_000, { passes: () => true, example: 5 });
    await gatherCandidates(found.search);
    expect(found.asked).toEqual([MIN_CANDIDATES]);
    const unanchored = searchOf(10_000, { passes: () => true, lostBelow: 100 });
    await gatherCandidates(unanchored.search);
    expect(unanchored.asked).toEqual([MIN_CANDIDATES]);
  });
});

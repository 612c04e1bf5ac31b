/**
 * How many candidates the item and object similarity routes ask of a vector index before they
 * rank them by exact distance.
 */

/** The fewest candidates asked of an index: ranking a few more than `k` by exact distance lifts recall. */
export const MIN_CANDIDATES = 40;
/** Candidates past `k` a ranking wants before it stops asking the index for more. */
export const RERANK_SPARE = 10;
/** Asking an index for more than this share of a dataset's vectors falls back to an exact search. */
export const MAX_INDEX_SHARE = 0.2;
/**
 * Candidates asked again when a search near an example did not find the example itself: its beam
 * then ended in another cluster (usearch widens the beam to the count asked). At a million
 * clustered vectors, 5 of 97 searches near items found none of their 10 nearest that way.
 */
export const WIDE_CANDIDATES = 512;

/** A search of a vector index for candidates, as {@link gatherCandidates} runs it. */
export interface CandidateSearch<H, K> {
  /** Candidates asked for first. */
  want: number;
  /** Vectors the index holds: asking for more than {@link MAX_INDEX_SHARE} of them is not worth it. */
  total: number;
  /** Candidates passing the filter that answer the search (`k` and {@link RERANK_SPARE}). */
  enough: number;
  /** Candidates a widened search ranks at least (`enough` and the examples left out). */
  widenedRank: number;
  /** Whether the search is near an example, which a search that went where it should finds. */
  anchored: boolean;
  /** The index's `want` nearest, best first; undefined when the index cannot answer now. */
  nearest(want: number): Promise<readonly H[] | undefined>;
  /** The candidates among `hits` that pass the search's filter, and whether the example was among them. */
  sift(hits: readonly H[]): Promise<{ kept: K[]; anchorFound: boolean }>;
}

/**
 * Asks the index for candidates until enough pass the filter: more of them (four times as many)
 * when too few pass, and {@link WIDE_CANDIDATES} once when a search near an example did not find
 * the example (its beam ended in another cluster). A widened search sifts only its best
 * candidates, `widenedRank` or as many as it asked for before (it is the beam that had to be
 * wider), and all of them, without asking again, when those leave too few. Answers how many
 * candidates the index gave and those that passed; undefined when the index cannot answer or
 * would have to give too large a share of its vectors (an exact search is then as quick).
 */
export async function gatherCandidates<H, K>(
  search: CandidateSearch<H, K>,
): Promise<{ searched: number; kept: K[] } | undefined> {
  let want = search.want;
  let widened = false;
  let rank = Number.POSITIVE_INFINITY;
  // The index's last answer, when it is to be sifted whole rather than asked again.
  let reuse: readonly H[] | undefined;
  for (;;) {
    if (want > MAX_INDEX_SHARE * search.total && want > MIN_CANDIDATES) return undefined;
    const found = reuse ?? (await search.nearest(want));
    reuse = undefined;
    if (found === undefined) return undefined;
    const hits = found.length > rank ? found.slice(0, rank) : found;
    const { kept, anchorFound } = await search.sift(hits);
    const widen =
      search.anchored && !widened && !anchorFound && found.length >= want && want < WIDE_CANDIDATES;
    if (widen) {
      widened = true;
      rank = Math.max(want, search.widenedRank);
      want = WIDE_CANDIDATES;
      continue;
    }
    if (hits.length < found.length && kept.length < search.enough) {
      rank = Number.POSITIVE_INFINITY;
      reuse = found;
      continue;
    }
    if (kept.length >= search.enough || found.length < want) return { searched: found.length, kept };
    rank = Number.POSITIVE_INFINITY;
    want *= 4;
  }
}

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

/**
 * The candidates to ask for next when a search near an example (`anchor`) got `got` of the
 * `want` it asked for: {@link WIDE_CANDIDATES} once when the example was not among them and the
 * index had more to give; undefined otherwise (the search may still ask for more candidates when
 * too few pass its filter).
 */
export function widenFor(
  search: { anchor?: string | undefined; widened: boolean },
  found: { anchorFound: boolean; got: number; want: number },
): number | undefined {
  if (search.anchor === undefined || search.widened || found.anchorFound) return undefined;
  if (found.got < found.want || found.want >= WIDE_CANDIDATES) return undefined;
  return WIDE_CANDIDATES;
}

/** Anything the uploader can read entries from: an array, any iterable, or an async iterable. */
export type Source<T> = Iterable<T> | AsyncIterable<T>;

/** The number of entries when the source knows it (arrays and sets), else undefined. */
export function sizeOf(source: Source<unknown>): number | undefined {
  if (Array.isArray(source)) return source.length;
  if (source instanceof Set || source instanceof Map) return source.size;
  return undefined;
}

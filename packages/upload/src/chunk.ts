import type { Source } from "./source.js";

/** A chunk: consecutive entries of the source, sent as one unit. */
export interface Chunk<T, P> {
  /** Position of the chunk in the upload (the same for the same input, so it can be resumed). */
  index: number;
  /** The entries, with their positions in the source. */
  entries: { index: number; value: T }[];
  /** Serialised size of the entries, in bytes. */
  bytes: number;
  /** The entries prepared for sending, when they were prepared as this very chunk. */
  prepared?: P;
}

/** How the chunker prepares and measures entries. */
export interface ChunkOptions<T, P> {
  /** Entries per chunk at most. */
  maxCount: number;
  /** Bytes per chunk at most (an entry larger than this travels alone). */
  maxBytes: number;
  /** Prepares a group of entries for sending (validating and serialising them). */
  prepare: (values: T[]) => P;
  /** The serialised size of a prepared group, or undefined when it could not be prepared. */
  sizeOf: (prepared: P) => number | undefined;
  /**
   * The serialised size of one entry of a group that has to be cut by bytes, given the
   * group's preparation and the entry's position in it.
   */
  entryBytes: (value: T, group: P, position: number) => number;
  /** Bytes every chunk adds around its entries. */
  overhead: number;
}

/**
 * Packs entries into chunks of at most `maxCount` entries and `maxBytes` bytes. Each run of
 * `maxCount` entries is prepared whole first, since sending needs that anyway, and its size
 * read off the result; only a run over `maxBytes` (or one that cannot be prepared) is measured
 * entry by entry and cut further. The same input always gives the same chunks, so a journal
 * can name them by index. Reads the source only as fast as chunks are taken.
 */
export async function* chunked<T, P>(
  source: Source<T>,
  options: ChunkOptions<T, P>,
): AsyncGenerator<Chunk<T, P>> {
  let chunkIndex = 0;
  for await (const group of groups(source, options.maxCount)) {
    const prepared = options.prepare(group.map((entry) => entry.value));
    const size = options.sizeOf(prepared);
    if (size !== undefined && size <= options.maxBytes) {
      yield { index: chunkIndex++, entries: group, bytes: size, prepared };
      continue;
    }
    for (const part of cutByBytes(group, prepared, options)) yield { index: chunkIndex++, ...part };
  }
}

/** Consecutive runs of `size` entries with their positions. */
async function* groups<T>(source: Source<T>, size: number): AsyncGenerator<{ index: number; value: T }[]> {
  let group: { index: number; value: T }[] = [];
  let index = 0;
  // A synchronous source is read synchronously: an await per entry would cost a promise each.
  if (Symbol.iterator in source) {
    for (const value of source as Iterable<T>) {
      group.push({ index: index++, value });
      if (group.length >= size) {
        yield group;
        group = [];
      }
    }
  } else {
    for await (const value of source) {
      group.push({ index: index++, value });
      if (group.length >= size) {
        yield group;
        group = [];
      }
    }
  }
  if (group.length > 0) yield group;
}

function cutByBytes<T, P>(
  group: { index: number; value: T }[],
  prepared: P,
  options: ChunkOptions<T, P>,
): { entries: { index: number; value: T }[]; bytes: number }[] {
  const parts: { entries: { index: number; value: T }[]; bytes: number }[] = [];
  let entries: { index: number; value: T }[] = [];
  let bytes = options.overhead;
  group.forEach((entry, position) => {
    const size = options.entryBytes(entry.value, prepared, position);
    if (entries.length > 0 && bytes + size > options.maxBytes) {
      parts.push({ entries, bytes });
      entries = [];
      bytes = options.overhead;
    }
    entries.push(entry);
    bytes += size;
  });
  if (entries.length > 0) parts.push({ entries, bytes });
  return parts;
}

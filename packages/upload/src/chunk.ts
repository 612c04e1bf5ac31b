import type { Source } from "./source.js";

/** A chunk: consecutive valid entries of the source, sent as one unit. */
export interface Chunk<T> {
  /** Position of the chunk in the upload (the same for the same input, so it can be resumed). */
  index: number;
  /** The entries, with their positions in the source. */
  entries: { index: number; value: T }[];
  /** Serialised size of the entries, in bytes. */
  bytes: number;
}

/** What the chunker is told about each entry before it is packed. */
export type Inspect<T> = (
  value: T,
  index: number,
) => { bytes: number } | { error: string; referenceId?: string };

/**
 * Packs entries into chunks of at most `maxCount` entries and `maxBytes` bytes (an entry larger
 * than `maxBytes` travels alone). Invalid entries are reported through `onInvalid` and left out.
 * Reads the source only as fast as chunks are taken.
 */
export async function* chunked<T>(
  source: Source<T>,
  options: {
    maxCount: number;
    maxBytes: number;
    inspect: Inspect<T>;
    onInvalid: (index: number, error: string, referenceId?: string) => void;
  },
): AsyncGenerator<Chunk<T>> {
  let chunkIndex = 0;
  let entries: { index: number; value: T }[] = [];
  let bytes = 0;
  let index = 0;
  const full: Chunk<T>[] = [];
  const take = (value: T) => {
    const seen = options.inspect(value, index);
    if ("error" in seen) {
      options.onInvalid(index, seen.error, seen.referenceId);
    } else {
      if (
        entries.length > 0 &&
        (entries.length >= options.maxCount || bytes + seen.bytes > options.maxBytes)
      ) {
        full.push({ index: chunkIndex++, entries, bytes });
        entries = [];
        bytes = 0;
      }
      entries.push({ index, value });
      bytes += seen.bytes;
    }
    index += 1;
  };
  // A synchronous source is read synchronously: an await per entry would cost a promise each.
  if (Symbol.iterator in source) {
    for (const value of source as Iterable<T>) {
      take(value);
      while (full.length > 0) yield full.shift() as Chunk<T>;
    }
  } else {
    for await (const value of source) {
      take(value);
      while (full.length > 0) yield full.shift() as Chunk<T>;
    }
  }
  if (entries.length > 0) yield { index: chunkIndex, entries, bytes };
}

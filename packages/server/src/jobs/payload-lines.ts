import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { MediaStore } from "../media.js";

/** One non-blank line of an NDJSON payload, with its 1-based line number in the payload. */
export interface PayloadLine {
  number: number;
  line: string;
}

/**
 * The non-blank lines of a stored NDJSON payload, in order. A payload in a folder is read as a
 * stream, a line at a time, so a job never holds a large payload in memory; one in a bucket is
 * fetched whole.
 */
export async function* payloadLines(media: MediaStore, key: string): AsyncGenerator<PayloadLine> {
  let path: string | undefined;
  try {
    path = media.pathOf(key);
  } catch {
    path = undefined;
  }
  if (path === undefined) {
    const bytes = await media.get(key);
    if (!bytes) throw new Error(`the upload ${key} is not stored`);
    let number = 0;
    for (const line of bytes.toString("utf8").split("\n")) {
      number += 1;
      if (line.trim() !== "") yield { number, line };
    }
    return;
  }
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number += 1;
      if (line.trim() !== "") yield { number, line };
    }
  } finally {
    // A job that stops early lets go of the file (closing the lines alone would not).
    lines.close();
    input.destroy();
  }
}

/** How many non-blank lines a stored payload has. */
export async function countPayloadLines(media: MediaStore, key: string): Promise<number> {
  let count = 0;
  for await (const _ of payloadLines(media, key)) count += 1;
  return count;
}

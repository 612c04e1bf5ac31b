/**
 * The binary form of an embeddings upload: a first line of JSON, `{"reference_ids": [...],
 * "dimension": D}`, then the vectors end to end as little-endian float32 (`4 × D` bytes each, in
 * the order of the ids). It skips the text of every number, which is most of what a JSON upload
 * of long vectors costs to send and to read.
 */
import { endianness } from "node:os";
import { MAX_EMBEDDING_DIMENSION, MAX_EMBEDDINGS_PER_REQUEST } from "@nucleus/schemas";
import { parseJsonText } from "../http/body.js";
import { badRequest } from "../http/errors.js";

/** The content type that marks a binary upload. */
export const BINARY_EMBEDDINGS_TYPE = "application/octet-stream";

/** A binary upload read: ids, the vector length, and the vectors laid end to end. */
export interface BinaryEmbeddings {
  referenceIds: string[];
  dimension: number;
  flat: Float32Array;
}

const NEWLINE = 10;
const HOST_IS_LITTLE_ENDIAN = endianness() === "LE";

/** Where an entry of an upload is, as errors name it. */
export const entryName = (i: number, referenceId: string) =>
  `embeddings[${i}] (reference_id ${JSON.stringify(referenceId)})`;

/** Reads the first line of a binary upload: which items, and how long each vector is. */
function headerOf(bytes: Uint8Array): { referenceIds: string[]; dimension: number; start: number } {
  const end = bytes.indexOf(NEWLINE);
  if (end < 0)
    throw badRequest(
      'The body must start with a line of JSON, {"reference_ids": [...], "dimension": N}, ended by a newline, then the vectors as little-endian float32',
    );
  const header = parseJsonText(
    Buffer.from(bytes.buffer, bytes.byteOffset, end).toString("utf8"),
    "first line",
  );
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw badRequest('first line: must be a JSON object, {"reference_ids": [...], "dimension": N}');
  const { reference_ids: ids, dimension } = header as { reference_ids?: unknown; dimension?: unknown };
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_EMBEDDINGS_PER_REQUEST)
    throw badRequest(
      `first line.reference_ids: must list from 1 to ${MAX_EMBEDDINGS_PER_REQUEST} reference ids (send more requests)`,
    );
  ids.forEach((id, i) => {
    if (typeof id !== "string" || id === "")
      throw badRequest(`first line.reference_ids[${i}]: must be a non-empty string`);
  });
  if (
    !Number.isInteger(dimension) ||
    (dimension as number) < 1 ||
    (dimension as number) > MAX_EMBEDDING_DIMENSION
  )
    throw badRequest(`first line.dimension: must be an integer from 1 to ${MAX_EMBEDDING_DIMENSION}`);
  return { referenceIds: ids as string[], dimension: dimension as number, start: end + 1 };
}

/**
 * Reads a binary upload: its ids and vectors, every number checked finite. A 400 names the first
 * bad entry (by index and reference id) or says what the body lacks.
 */
export function readBinaryEmbeddings(bytes: Uint8Array): BinaryEmbeddings {
  const { referenceIds, dimension, start } = headerOf(bytes);
  const want = referenceIds.length * dimension * 4;
  const got = bytes.byteLength - start;
  if (got !== want)
    throw badRequest(
      `The body has ${got} bytes after its first line, but ${referenceIds.length} vectors of ${dimension} float32 take ${want}`,
    );
  // A copy: the vectors then start on a 4-byte boundary, whatever the header's length.
  const flat = new Float32Array(referenceIds.length * dimension);
  const target = new Uint8Array(flat.buffer);
  target.set(bytes.subarray(start));
  if (!HOST_IS_LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, want);
    for (let i = 0; i < flat.length; i += 1) flat[i] = view.getFloat32(i * 4, true);
  }
  for (let i = 0; i < flat.length; i += 1) {
    const x = flat[i] as number;
    // Infinity and NaN are the only float32 values that are not finite numbers (x - x is then NaN).
    if (x - x !== 0) {
      const entry = Math.floor(i / dimension);
      throw badRequest(
        `${entryName(entry, referenceIds[entry] as string)}.vector[${i % dimension}]: ${x} is not a finite 32-bit float`,
      );
    }
  }
  return { referenceIds, dimension, flat };
}

import { createHash } from "node:crypto";
import { FREE_BODY_BYTES } from "./body-budget.js";
import type { Ctx } from "./context.js";
import { tooLarge } from "./errors.js";

/** Budget steps a large body takes as it grows: few waits, little room held in advance. */
const STEP_BYTES = 8 * 1024 * 1024;

/** The body's declared length, when it has one it can be held to. */
export function declaredLength(c: Ctx): number | undefined {
  const header = c.req.header("content-length");
  if (header === undefined || c.req.header("transfer-encoding") !== undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Reads the request body as chunks, `limit` bytes at most: a declared length over the limit is
 * refused before a byte is read, and a chunked body as soon as it passes the limit. Each chunk
 * goes to `sink`; past {@link FREE_BODY_BYTES}, `reserve` is asked for room first (so that a
 * caller keeping the bytes in memory can wait for budget while TCP holds the rest).
 */
export async function streamBody(
  c: Ctx,
  limit: number,
  sink: (chunk: Uint8Array) => void | Promise<void>,
  reserve?: (bytes: number) => Promise<void>,
): Promise<number> {
  const declared = declaredLength(c);
  if (declared !== undefined && declared > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (!body) return 0;
  let reserved = FREE_BODY_BYTES;
  if (reserve && declared !== undefined && declared > reserved) {
    await reserve(declared - reserved);
    reserved = declared;
  }
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      if (reserve && size > reserved) {
        const more = Math.min(Math.max(STEP_BYTES, size - reserved), limit - reserved);
        await reserve(more);
        reserved += more;
      }
      await sink(value);
    }
  } catch (error) {
    // Stop reading: whatever is left is dropped with the connection.
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
  return size;
}

/** The whole body in memory, within `limit` and the request's share of the body budget. */
export async function readBodyBytes(c: Ctx, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const grant = c.get("bodyGrant");
  const size = await streamBody(
    c,
    limit,
    (chunk) => {
      chunks.push(chunk);
    },
    grant ? (bytes) => grant.take(bytes) : undefined,
  );
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
  c.set("bodyHash", createHash("sha256").update(bytes).digest("hex"));
  return bytes;
}

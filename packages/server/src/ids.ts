import { randomBytes } from "node:crypto";
import { ID_PREFIXES, type IdKind } from "@nucleus/schemas";

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

// Random bytes are drawn in bulk: one system call per 200 ids instead of one per id.
const POOL_SIZE = 4_000;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** A new server id: the protocol's prefix and 20 random lowercase base32 characters. */
export function newId(kind: IdKind): string {
  if (offset + 20 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  let out: string = ID_PREFIXES[kind];
  for (let i = 0; i < 20; i += 1) out += ALPHABET[(pool[offset + i] as number) & 31];
  offset += 20;
  return out;
}

/** An unguessable token for signed upload URLs. */
export function newToken(): string {
  return randomBytes(24).toString("hex");
}

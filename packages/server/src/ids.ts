import { randomBytes } from "node:crypto";
import { ID_PREFIXES, type IdKind } from "@nucleus/schemas";

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

/** A new server id: the protocol's prefix and 20 random lowercase base32 characters. */
export function newId(kind: IdKind): string {
  const bytes = randomBytes(20);
  let out: string = ID_PREFIXES[kind];
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** An unguessable token for signed upload URLs. */
export function newToken(): string {
  return randomBytes(24).toString("hex");
}

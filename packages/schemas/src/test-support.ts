/** Helpers shared by this package's tests (not exported from the package). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** JSON with object keys sorted at every level: equal strings mean equal JSON, key order aside. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** One recorded request of the official Python client, with the response it got. */
export interface WireRecord {
  seq: number;
  method: string;
  route: string;
  query: Record<string, string[]>;
  body_kind: "empty" | "json" | "multipart" | "ndjson";
  body: unknown;
  response: { status: number; body: unknown };
}

/** The official client's recorded README flow, in order. */
export function loadWireLog(): WireRecord[] {
  const path = fileURLToPath(new URL("../../../fixtures/spec/python-client-wire.jsonl", import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as WireRecord);
}

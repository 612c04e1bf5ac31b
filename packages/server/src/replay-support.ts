/**
 * What the replays of the official client's captures share: reading a capture, and comparing a
 * recorded response with this server's, mapping the ids the capture holds to the ones this
 * server made.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { WireRecord } from "./test-support.js";

/** The records of a capture in `fixtures/spec/` (one JSON request and response a line). */
export function loadCapture(file: string): WireRecord[] {
  const path = fileURLToPath(new URL(`../../../fixtures/spec/${file}`, import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as WireRecord);
}

/** How a {@link WireComparison} reads a capture. */
export interface WireComparisonOptions {
  /** The id prefixes the capture holds (`ds`, `di`, `job`, ...). */
  prefixes: readonly string[];
  /** Keys whose values change from run to run: only their presence is checked. */
  volatile: readonly string[];
  /** Paths of objects whose keys must be exactly the recorded ones (groups of labels). */
  exactKeysAt?: (path: string) => boolean;
  /** A recorded string that stands for something else (a placeholder): true once it is checked. */
  placeholder?: (recorded: string, actual: unknown, path: string) => boolean;
  /** Recorded text as this run expects it, after its ids are mapped. */
  rewrite?: (text: string) => string;
}

/**
 * Compares recorded responses with actual ones: every recorded key must be there with an equal
 * value (volatile keys excepted), arrays of equal length; a recorded id matches an id of the same
 * kind, and the same recorded id always the same actual one.
 */
export class WireComparison {
  /** Recorded ids and the ids this server gave them. */
  readonly ids = new Map<string, string>();
  private readonly id: RegExp;
  private readonly anyId: RegExp;
  private readonly volatile: ReadonlySet<string>;

  constructor(private readonly options: WireComparisonOptions) {
    const kinds = options.prefixes.join("|");
    this.id = new RegExp(`^(${kinds})_[0-9a-z]{20}$`);
    this.anyId = new RegExp(`(${kinds})_[0-9a-z]{20}`, "g");
    this.volatile = new Set(options.volatile);
  }

  /** Recorded text with the ids mapped (and rewritten as the options say). */
  substitute(text: string): string {
    const mapped = text.replace(this.anyId, (id) => this.ids.get(id) ?? id);
    return this.options.rewrite ? this.options.rewrite(mapped) : mapped;
  }

  /** Asserts that `actual` holds what `recorded` does, at `path`. */
  compare(recorded: unknown, actual: unknown, path: string): void {
    if (typeof recorded === "string" && this.options.placeholder?.(recorded, actual, path)) return;
    if (typeof recorded === "string" && this.id.test(recorded)) {
      const prefix = recorded.slice(0, recorded.indexOf("_") + 1);
      expect(actual, `${path} is a ${prefix} id`).toMatch(new RegExp(`^${prefix}[0-9a-z]{20}$`));
      const known = this.ids.get(recorded);
      if (known) expect(actual, path).toBe(known);
      else this.ids.set(recorded, actual as string);
      return;
    }
    if (Array.isArray(recorded)) {
      expect(Array.isArray(actual), `${path} is an array`).toBe(true);
      expect((actual as unknown[]).length, `${path} length`).toBe(recorded.length);
      for (const [i, entry] of recorded.entries())
        this.compare(entry, (actual as unknown[])[i], `${path}[${i}]`);
      return;
    }
    if (recorded !== null && typeof recorded === "object") {
      expect(actual, `${path} is an object`).toBeTypeOf("object");
      if (this.options.exactKeysAt?.(path) && !Array.isArray(actual)) {
        expect(Object.keys(actual as object).sort(), `${path} groups`).toEqual(Object.keys(recorded).sort());
      }
      for (const [key, value] of Object.entries(recorded)) {
        expect(actual, `${path} has key ${key}`).toHaveProperty([key]);
        if (!this.volatile.has(key))
          this.compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      }
      return;
    }
    expect(actual, path).toEqual(typeof recorded === "string" ? this.substitute(recorded) : recorded);
  }
}

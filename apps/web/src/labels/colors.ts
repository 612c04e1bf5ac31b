/**
 * Colours of labels: a fixed palette picked by a hash of the class name, so a class keeps its
 * colour across items, pages and reloads; and the three match colours.
 */

/** Eleven distinct hues that read on light and dark images alike (a prime count spreads the hash). */
export const PALETTE = [
  "#3b82f6",
  "#f97316",
  "#facc15",
  "#14b8a6",
  "#ec4899",
  "#84cc16",
  "#06b6d4",
  "#a855f7",
  "#f43f5e",
  "#6366f1",
  "#d97706",
] as const;

/** Colours of true positives, false positives and false negatives; each is also drawn its own way. */
export const MATCH_COLORS = { TP: "#22c55e", FP: "#ef4444", FN: "#f59e0b" } as const;

/** A stable 32-bit hash of a string (FNV-1a). */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The colour of a class.
 *
 * @example
 * ```ts
 * labelColor("car") === labelColor("car"); // true, on every page
 * ```
 */
export function labelColor(label: string): string {
  return PALETTE[hash(label) % PALETTE.length] as string;
}

/** `#rrggbb` with an alpha, as `rgba(...)`. */
export function withAlpha(color: string, alpha: number): string {
  const n = Number.parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

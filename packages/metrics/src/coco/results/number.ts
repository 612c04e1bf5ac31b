/**
 * JSON numbers read straight from UTF-8 bytes into the same doubles `JSON.parse` gives
 * (correctly rounded), without making a string per number.
 *
 * Up to 19 significant digits and a power of ten up to 22 are read with exact arithmetic
 * (Clinger's fast path, widened to 64-bit mantissas with a double-double division); anything
 * else, and the rare value too close to a rounding boundary to decide, goes through `Number()`.
 */

/** A read position in a byte array; {@link readJsonNumber} moves it past the number. */
export interface Cursor {
  pos: number;
}

/** 10^0 .. 10^22: every one is exact as a double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 2^53: integers below it are exact. */
const EXACT = 9007199254740992;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;
/** Bound on the double-double quotient's relative error (about 2^-101), with room to spare. */
const MARGIN = 2 ** -96;

/**
 * `(mh + ml) / d`, correctly rounded, or NaN when the double-double estimate lies too close to
 * the halfway point between two doubles to decide. `mh + ml` is an exact integer below 2^64
 * (|ml| at most half an ulp of mh), `d` an exact power of ten.
 */
function divideExactly(mh: number, ml: number, d: number): number {
  const q1 = mh / d;
  // q1 * d as an exact sum ph + pl (Dekker's product).
  const ph = q1 * d;
  let c = SPLIT * q1;
  const qh = c - (c - q1);
  const ql = q1 - qh;
  c = SPLIT * d;
  const dh = c - (c - d);
  const dl = d - dh;
  const pl = qh * dh - ph + qh * dl + ql * dh + ql * dl;
  // The remainder (mh + ml) - q1 * d; mh - ph is exact (Sterbenz).
  const q2 = (mh - ph - pl + ml) / d;
  // The true quotient lies within q1 + q2 ± margin. Rounding is monotone: when both ends round
  // to the same double, so does the quotient.
  const margin = q1 * MARGIN;
  const up = q1 + (q2 + margin);
  return up === q1 + (q2 - margin) ? up : Number.NaN;
}

/**
 * Reads the JSON number at `at.pos` as `JSON.parse` would and moves `at.pos` past it. Returns
 * NaN (a value no JSON number has) when the bytes there break JSON's number grammar.
 *
 * @example
 * ```ts
 * const at = { pos: 0 };
 * readJsonNumber(new TextEncoder().encode("0.1]"), at); // 0.1, at.pos === 3
 * ```
 */
export function readJsonNumber(bytes: Uint8Array, at: Cursor): number {
  const start = at.pos;
  const end = bytes.length;
  let i = start;
  const negative = bytes[i] === 45; // "-"
  if (negative) i += 1;
  // Significant digits: the first 15 in `high`, up to 4 more in `low`; more than 19 is slow.
  let high = 0;
  let low = 0;
  let lowDigits = 0;
  let digits = 0;
  let tooMany = false;
  let scale = 0; // the power of ten to apply to the digits read
  // Integer part: "0" or a non-zero digit and more digits.
  let c = i < end ? (bytes[i] as number) : 0;
  if (c === 48) {
    i += 1;
    c = i < end ? (bytes[i] as number) : 0;
  } else if (c >= 49 && c <= 57) {
    while (c >= 48 && c <= 57) {
      if (digits < 15) high = high * 10 + (c - 48);
      else if (digits < 19) {
        low = low * 10 + (c - 48);
        lowDigits += 1;
      } else tooMany = true;
      digits += 1;
      i += 1;
      c = i < end ? (bytes[i] as number) : 0;
    }
  } else return Number.NaN;
  if (c === 46) {
    // Fraction: at least one digit. Leading zeros of a number below 1 carry no precision.
    i += 1;
    c = i < end ? (bytes[i] as number) : 0;
    if (c < 48 || c > 57) return Number.NaN;
    for (;;) {
      // Four digits at a time while they fit in `high` (most of a long fraction).
      if (digits > 0 && digits <= 11 && i + 4 <= end) {
        const d0 = (bytes[i] as number) - 48;
        const d1 = (bytes[i + 1] as number) - 48;
        const d2 = (bytes[i + 2] as number) - 48;
        const d3 = (bytes[i + 3] as number) - 48;
        if (d0 >>> 0 <= 9 && d1 >>> 0 <= 9 && d2 >>> 0 <= 9 && d3 >>> 0 <= 9) {
          high = high * 10000 + (d0 * 1000 + d1 * 100 + d2 * 10 + d3);
          digits += 4;
          scale -= 4;
          i += 4;
          continue;
        }
      }
      c = i < end ? (bytes[i] as number) : 0;
      if (c < 48 || c > 57) break;
      scale -= 1;
      if (digits > 0 || c !== 48) {
        if (digits < 15) high = high * 10 + (c - 48);
        else if (digits < 19) {
          low = low * 10 + (c - 48);
          lowDigits += 1;
        } else tooMany = true;
        digits += 1;
      }
      i += 1;
    }
  }
  if (c === 101 || c === 69) {
    // Exponent: "e" or "E", an optional sign, at least one digit.
    i += 1;
    c = i < end ? (bytes[i] as number) : 0;
    let sign = 1;
    if (c === 45 || c === 43) {
      if (c === 45) sign = -1;
      i += 1;
      c = i < end ? (bytes[i] as number) : 0;
    }
    if (c < 48 || c > 57) return Number.NaN;
    let exponent = 0;
    while (c >= 48 && c <= 57) {
      if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
      i += 1;
      c = i < end ? (bytes[i] as number) : 0;
    }
    scale += sign * exponent;
  }
  at.pos = i;
  if (tooMany) return slow(bytes, start, i);
  let value: number;
  if (digits === 0) value = 0;
  else if (lowDigits === 0 || high * (POW10[lowDigits] as number) + low < EXACT) {
    // The mantissa is an exact integer below 2^53 (had it reached 2^53, the computed sum would
    // have too): one rounding, as in Clinger's fast path.
    const mantissa = lowDigits === 0 ? high : high * (POW10[lowDigits] as number) + low;
    if (scale === 0) value = mantissa;
    else if (scale < 0 && scale >= -22) value = mantissa / (POW10[-scale] as number);
    else if (scale > 0 && scale <= 22) value = mantissa * (POW10[scale] as number);
    else return slow(bytes, start, i);
  } else {
    // A 16-19 digit mantissa: exact as a double-double mh + ml, then one careful division.
    if (scale > 0 || scale < -22) return slow(bytes, start, i);
    const p = POW10[lowDigits] as number;
    // high * p = ph + pl exactly (Dekker's product).
    const ph = high * p;
    let t = SPLIT * high;
    const hh = t - (t - high);
    const hl = high - hh;
    t = SPLIT * p;
    const pph = t - (t - p);
    const ppl = p - pph;
    const pl = hh * pph - ph + hh * ppl + hl * pph + hl * ppl;
    // ph + low = s + e2 exactly (Knuth's two-sum); pl + e2 is a small exact integer.
    const s = ph + low;
    const bv = s - ph;
    const e2 = ph - (s - bv) + (low - bv);
    const rest = pl + e2;
    const mh = s + rest;
    const ml = rest - (mh - s);
    // With no division, mh = fl(mh + ml) is already the correctly rounded integer.
    value = scale === 0 ? mh : divideExactly(mh, ml, POW10[-scale] as number);
    if (Number.isNaN(value)) return slow(bytes, start, i);
  }
  return negative ? -value : value;
}

/** The general case: a string, and the engine's own conversion. */
function slow(bytes: Uint8Array, start: number, end: number): number {
  let text = "";
  for (let i = start; i < end; i += 1) text += String.fromCharCode(bytes[i] as number);
  return Number(text);
}

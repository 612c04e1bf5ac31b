/**
 * The 64-bit perceptual hash of an image (the DCT hash the official client's `phash` holds):
 * the image in grey at 32x32, its 8x8 lowest DCT frequencies, each bit set when its coefficient
 * is above their median. Near-identical images differ in few bits.
 */

const SIZE = 32;
const LOW = 8;

// cos((2x + 1) u pi / 2N) for the 8 lowest frequencies u and the 32 positions x.
const COS: Float64Array[] = Array.from({ length: LOW }, (_, u) =>
  Float64Array.from({ length: SIZE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE))),
);

/** Why an image could not be hashed. */
export class HashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HashError";
  }
}

/** The hash of a 32x32 grey image (row-major, one byte a pixel), as 64 characters `0`/`1`. */
export function phashOfPixels(grey: Uint8Array): string {
  if (grey.length !== SIZE * SIZE)
    throw new HashError(`expected ${SIZE * SIZE} grey pixels, got ${grey.length}`);
  // The 2-D DCT is separable: first along rows (8 frequencies of 32 rows), then along columns.
  const rows = new Float64Array(SIZE * LOW);
  for (let y = 0; y < SIZE; y += 1) {
    for (let u = 0; u < LOW; u += 1) {
      const cos = COS[u] as Float64Array;
      let sum = 0;
      for (let x = 0; x < SIZE; x += 1) sum += (grey[y * SIZE + x] as number) * (cos[x] as number);
      rows[y * LOW + u] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v += 1) {
    const cos = COS[v] as Float64Array;
    for (let u = 0; u < LOW; u += 1) {
      let sum = 0;
      for (let y = 0; y < SIZE; y += 1) sum += (cos[y] as number) * (rows[y * LOW + u] as number);
      coefficients[v * LOW + u] = sum;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = ((sorted[31] as number) + (sorted[32] as number)) / 2;
  let bits = "";
  for (const value of coefficients) bits += value > median ? "1" : "0";
  return bits;
}

/** The hash of an encoded image (PNG, JPEG, WebP, ...). */
export async function phashOfImage(bytes: Uint8Array): Promise<string> {
  let sharp: typeof import("sharp")["default"];
  try {
    sharp = (await import("sharp")).default;
  } catch (error) {
    throw new HashError(`the image library could not be loaded: ${(error as Error).message}`);
  }
  try {
    const { data, info } = await sharp(bytes)
      .flatten({ background: "#ffffff" })
      .greyscale()
      .resize(SIZE, SIZE, { fit: "fill" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const grey = new Uint8Array(SIZE * SIZE);
    for (let i = 0; i < grey.length; i += 1) grey[i] = data[i * info.channels] as number;
    return phashOfPixels(grey);
  } catch (error) {
    if (error instanceof HashError) throw error;
    throw new HashError(`not an image the server can read (${(error as Error).message})`);
  }
}

/** How many of the 64 bits two hashes differ in. */
export function hammingDistance(a: string, b: string): number {
  let distance = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) distance += 1;
  return distance;
}

/**
 * Keeps the first of each group of near-duplicates, in the order given: an entry is dropped when
 * its hash is within `threshold` bits of a kept one's. Entries without a hash are kept.
 */
export function keepUnique<T extends { phash: string | null }>(
  entries: readonly T[],
  threshold: number,
): T[] {
  const kept: T[] = [];
  const hashes: string[] = [];
  for (const entry of entries) {
    const hash = entry.phash;
    if (hash !== null && hashes.some((other) => hammingDistance(hash, other) <= threshold)) continue;
    kept.push(entry);
    if (hash !== null) hashes.push(hash);
  }
  return kept;
}

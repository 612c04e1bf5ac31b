const REMOTE = /^(https?|s3|gs):\/\//i;

/** A location the server fetches itself (http, https, s3, gs); anything else is a local path. */
export function isRemote(location: string): boolean {
  return REMOTE.test(location);
}

/** The part content type the official client sends: `image/<extension>`. */
export function imageContentType(filePath: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filePath)?.[1]?.toLowerCase() ?? "jpeg";
  return `image/${ext}`;
}

/** Splits an array into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

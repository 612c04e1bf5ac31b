/** Query parameters whose values are credentials (login links, signed media URLs). */
const SECRET_PARAMS = /([?&](?:token|sig)=)[^&#]*/gi;

/**
 * A URL or path with the credentials it may carry masked, for logs: the token of a signed
 * upload URL (`__upload/<token>`), a login token and a signed URL's signature.
 *
 * @example
 * ```ts
 * maskSecrets("/v1/nucleus/__upload/3f9a"); // "/v1/nucleus/__upload/<token>"
 * ```
 */
export function maskSecrets(url: string): string {
  return url.replace(/\/__upload\/[^/?#]*/g, "/__upload/<token>").replace(SECRET_PARAMS, "$1<masked>");
}

/** The path of a request URL, masked (see {@link maskSecrets}); the query is left out. */
export function maskedPath(url: string): string {
  return maskSecrets(new URL(url).pathname);
}

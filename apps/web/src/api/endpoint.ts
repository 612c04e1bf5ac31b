/**
 * Where the API is: the server writes its base path into the page (`<meta name="nucleus-api">`),
 * and the app always talks to its own origin, where the session cookie lives.
 */
export function apiEndpoint(): string {
  const path = document.querySelector<HTMLMetaElement>('meta[name="nucleus-api"]')?.content || "/v1/nucleus";
  return `${location.origin}${path.replace(/\/$/, "")}`;
}

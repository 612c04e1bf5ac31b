import { useSyncExternalStore } from "react";

/** The pages of the app, parsed from the address bar. */
export type Route =
  | { page: "datasets" }
  | { page: "login" }
  | { page: "dataset"; datasetId: string }
  | { page: "slices"; datasetId: string }
  | { page: "objects"; datasetId: string }
  | { page: "item"; datasetId: string; itemId: string }
  | { page: "scenes"; datasetId: string }
  | { page: "scene"; datasetId: string; sceneId: string }
  | { page: "similar"; datasetId: string }
  | { page: "autotag"; datasetId: string; autotagId: string }
  | { page: "duplicates"; datasetId: string }
  | { page: "map"; datasetId: string }
  | { page: "run"; runId: string }
  | { page: "examples"; runId: string }
  | { page: "not-found"; path: string };

/**
 * The route of a path.
 *
 * @example
 * ```ts
 * parseRoute("/datasets/ds_1/items/di_2"); // { page: "item", datasetId: "ds_1", itemId: "di_2" }
 * ```
 */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { page: "datasets" };
  if (a === "login" && parts.length === 1) return { page: "login" };
  if (a === "datasets" && b && parts.length === 2) return { page: "dataset", datasetId: b };
  if (a === "datasets" && b && c === "slices" && parts.length === 3) return { page: "slices", datasetId: b };
  if (a === "datasets" && b && c === "objects" && parts.length === 3)
    return { page: "objects", datasetId: b };
  if (a === "datasets" && b && c === "items" && d && parts.length === 4)
    return { page: "item", datasetId: b, itemId: d };
  if (a === "datasets" && b && c && parts.length === 3) {
    if (c === "scenes") return { page: "scenes", datasetId: b };
    if (c === "similar") return { page: "similar", datasetId: b };
    if (c === "duplicates") return { page: "duplicates", datasetId: b };
    if (c === "map") return { page: "map", datasetId: b };
  }
  if (a === "datasets" && b && c === "scenes" && d && parts.length === 4)
    return { page: "scene", datasetId: b, sceneId: d };
  if (a === "datasets" && b && c === "autotags" && d && parts.length === 4)
    return { page: "autotag", datasetId: b, autotagId: d };
  if (a === "runs" && b && parts.length === 2) return { page: "run", runId: b };
  if (a === "runs" && b && c === "examples" && parts.length === 3) return { page: "examples", runId: b };
  return { page: "not-found", path: pathname };
}

/** The path of a route (without a query). */
export function pathOf(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case "datasets":
      return "/";
    case "login":
      return "/login";
    case "dataset":
      return `/datasets/${e(route.datasetId)}`;
    case "slices":
      return `/datasets/${e(route.datasetId)}/slices`;
    case "objects":
      return `/datasets/${e(route.datasetId)}/objects`;
    case "item":
      return `/datasets/${e(route.datasetId)}/items/${e(route.itemId)}`;
    case "scenes":
    case "similar":
    case "duplicates":
    case "map":
      return `/datasets/${e(route.datasetId)}/${route.page}`;
    case "scene":
      return `/datasets/${e(route.datasetId)}/scenes/${e(route.sceneId)}`;
    case "autotag":
      return `/datasets/${e(route.datasetId)}/autotags/${e(route.autotagId)}`;
    case "run":
      return `/runs/${e(route.runId)}`;
    case "examples":
      return `/runs/${e(route.runId)}/examples`;
    case "not-found":
      return route.path;
  }
}

const listeners = new Set<() => void>();
// Guarded so that the parsing functions also load outside a browser (unit tests).
const browser = typeof window !== "undefined";
let current = browser ? `${location.pathname}${location.search}` : "/";

function changed(): void {
  current = `${location.pathname}${location.search}`;
  for (const listener of listeners) listener();
}
if (browser) window.addEventListener("popstate", changed);

/** Goes to a URL of the app (path and query); `replace` rewrites the current history entry. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (url === `${location.pathname}${location.search}`) return;
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  changed();
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const url = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
  const at = url.indexOf("?");
  return {
    pathname: at === -1 ? url : url.slice(0, at),
    search: new URLSearchParams(at === -1 ? "" : url.slice(at)),
  };
}

/** The current route. */
export function useRoute(): Route {
  return parseRoute(useLocation().pathname);
}

/** A URL with some query parameters changed (`null` removes one). */
export function withQuery(
  pathname: string,
  search: URLSearchParams,
  changes: Record<string, string | null>,
): string {
  const next = new URLSearchParams(search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(name);
    else next.set(name, value);
  }
  const query = next.toString();
  return query ? `${pathname}?${query}` : pathname;
}

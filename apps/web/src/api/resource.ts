import { useCallback, useEffect, useState, useSyncExternalStore } from "react";

/** The state of an asynchronous value. */
export type ResourceState<T> =
  | { status: "loading"; data?: undefined; error?: undefined }
  | { status: "ready"; data: T; error?: undefined }
  | { status: "error"; data?: undefined; error: unknown };

interface Entry<T> {
  state: ResourceState<T>;
  promise?: Promise<void>;
  listeners: Set<() => void>;
  /** The value shown is an older one, kept on screen while the new one loads. */
  stale?: boolean;
}

const entries = new Map<string, Entry<unknown>>();
// Values of forgotten entries, shown again until their new values arrive (no loading flash).
const staleStates = new Map<string, ResourceState<unknown>>();
// Listeners by key, not by entry: a forgotten entry's readers hear about the one loaded after it.
const listenersOf = new Map<string, Set<() => void>>();

function keyListeners(key: string): Set<() => void> {
  let set = listenersOf.get(key);
  if (!set) {
    set = new Set();
    listenersOf.set(key, set);
  }
  return set;
}

/** Forgets every loaded value (on sign-in and sign-out, another key may see other data). */
export function clearResources(): void {
  entries.clear();
  staleStates.clear();
}

/**
 * Forgets the values whose keys start with `prefix`, so their pages load them again; a page keeps
 * showing the old value until the new one is in.
 */
export function invalidate(prefix: string): void {
  // Forget first, then tell: a reader that renders at once must not meet a half-cleared map.
  const forgotten = [...entries].filter(([key]) => key.startsWith(prefix));
  for (const [key, entry] of forgotten) {
    entries.delete(key);
    if (entry.state.status === "ready") staleStates.set(key, entry.state);
  }
  for (const [, entry] of forgotten) for (const listener of entry.listeners) listener();
}

function entryOf<T>(key: string): Entry<T> {
  let entry = entries.get(key) as Entry<T> | undefined;
  if (!entry) {
    const stale = staleStates.get(key) as ResourceState<T> | undefined;
    staleStates.delete(key);
    // A new object, so that readers render (and load) again.
    entry = stale
      ? { state: { ...stale }, listeners: keyListeners(key), stale: true }
      : { state: { status: "loading" }, listeners: keyListeners(key) };
    entries.set(key, entry as Entry<unknown>);
  }
  return entry;
}

const LOADING = { status: "loading" } as const;

/**
 * A value loaded once per key and shared by every component that asks for it (pages reuse what
 * another page loaded). `key` null loads nothing. `reload()` loads it again.
 *
 * @example
 * ```ts
 * const datasets = useResource("datasets", () => client.listDatasets());
 * if (datasets.status === "ready") console.log(datasets.data.length);
 * ```
 */
export function useResource<T>(
  key: string | null,
  load: () => Promise<T>,
): ResourceState<T> & { reload(): void; stale: boolean } {
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation subscribes to the new entry.
  const subscribe = useCallback(
    (listener: () => void) => {
      if (key === null) return () => undefined;
      const entry = entryOf<T>(key);
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },
    [key, generation],
  );
  const state = useSyncExternalStore(subscribe, () => (key === null ? LOADING : entryOf<T>(key).state));

  // `load` is a new closure each render; the key says what it loads. A forgotten entry comes back
  // as a new loading state, which starts it again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above.
  useEffect(() => {
    if (key === null) return;
    const entry = entryOf<T>(key);
    if (entry.promise || (entry.state.status !== "loading" && !entry.stale)) return;
    const notify = () => {
      for (const listener of entry.listeners) listener();
    };
    entry.promise = load().then(
      (data) => {
        entry.state = { status: "ready", data };
        entry.stale = false;
        notify();
      },
      (error: unknown) => {
        entry.state = { status: "error", error };
        entry.stale = false;
        notify();
      },
    );
  }, [key, generation, state]);

  const reload = useCallback(() => {
    if (key !== null) entries.delete(key);
    setGeneration((g) => g + 1);
  }, [key]);
  // A forgotten value still shown while its new one loads.
  const stale = key !== null && Boolean(entries.get(key)?.stale);
  return { ...(state as ResourceState<T>), reload, stale };
}

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
}

const entries = new Map<string, Entry<unknown>>();
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
}

/** Forgets the values whose keys start with `prefix`, so their pages load them again. */
export function invalidate(prefix: string): void {
  // Forget first, then tell: a reader that renders at once must not meet a half-cleared map.
  const forgotten = [...entries].filter(([key]) => key.startsWith(prefix));
  for (const [key] of forgotten) entries.delete(key);
  for (const [, entry] of forgotten) for (const listener of entry.listeners) listener();
}

function entryOf<T>(key: string): Entry<T> {
  let entry = entries.get(key) as Entry<T> | undefined;
  if (!entry) {
    entry = { state: { status: "loading" }, listeners: keyListeners(key) };
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
): ResourceState<T> & { reload(): void } {
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
    if (entry.promise || entry.state.status !== "loading") return;
    const notify = () => {
      for (const listener of entry.listeners) listener();
    };
    entry.promise = load().then(
      (data) => {
        entry.state = { status: "ready", data };
        notify();
      },
      (error: unknown) => {
        entry.state = { status: "error", error };
        notify();
      },
    );
  }, [key, generation, state]);

  const reload = useCallback(() => {
    if (key !== null) entries.delete(key);
    setGeneration((g) => g + 1);
  }, [key]);
  return { ...(state as ResourceState<T>), reload };
}

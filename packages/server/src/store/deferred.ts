import type { EntityStores, NucleusStore } from "./store.js";

/**
 * A store that is still opening (a database to connect to and migrate): every call waits for it,
 * so a server can be built synchronously and fail at its first call, or at `ready`, when the
 * store cannot open.
 */
export interface DeferredStore extends NucleusStore {
  /** Resolves when the store is open; rejects with the reason it could not open. */
  ready(): Promise<void>;
}

/** Wraps a store being opened; calls made before it is open wait for it. */
export function deferredStore(opening: Promise<NucleusStore>): DeferredStore {
  // Marked handled here: the rejection reaches whoever calls ready() or the store.
  opening.catch(() => {});
  const entities = new Map<string, object>();
  const entity = (name: keyof EntityStores) => {
    let proxy = entities.get(name);
    if (!proxy) {
      proxy = new Proxy(
        {},
        {
          get:
            (_target, method: string) =>
            async (...args: unknown[]) => {
              const store = (await opening)[name] as unknown as Record<string, (...a: unknown[]) => unknown>;
              return (store[method] as (...a: unknown[]) => unknown).apply(store, args);
            },
        },
      );
      entities.set(name, proxy);
    }
    return proxy;
  };
  return new Proxy({} as DeferredStore, {
    get(_target, property: string) {
      if (property === "ready") return async () => void (await opening);
      if (property === "transaction")
        return async (fn: Parameters<NucleusStore["transaction"]>[0]) => (await opening).transaction(fn);
      if (property === "writeVersion") return async () => (await opening).writeVersion();
      if (property === "close") return async () => (await opening.catch(() => undefined))?.close();
      if (property === "then") return undefined;
      return entity(property as keyof EntityStores);
    },
  });
}

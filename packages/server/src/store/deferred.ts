import type { NucleusStore } from "./store.js";

/**
 * A store that is still opening (a database to connect to and migrate): every call waits for it,
 * so a server can be built synchronously and fail at its first call, or at `ready`, when the
 * store cannot open.
 */
export interface DeferredStore extends NucleusStore {
  /** Resolves when the store is open; rejects with the reason it could not open. */
  ready(): Promise<void>;
}

type Callable = (...args: unknown[]) => unknown;

/**
 * Wraps a store being opened; calls made before it is open wait for it. Each property stands for
 * a method of the store (`transaction(...)`) or an entity store (`items.upsert(...)`), so the
 * wrapper needs no list of either.
 */
export function deferredStore(opening: Promise<NucleusStore>): DeferredStore {
  // Marked handled here: the rejection reaches whoever calls ready() or the store.
  opening.catch(() => {});
  const of = async (property: string) => (await opening)[property as keyof NucleusStore] as unknown;
  const members = new Map<string, unknown>();
  const member = (property: string) => {
    const known = members.get(property);
    if (known) return known;
    const made = new Proxy(function deferred() {}, {
      apply: async (_target, _this, args: unknown[]) => {
        const store = await opening;
        // Reflect.apply: a member may itself be a proxy, whose own `apply` property means something else.
        return Reflect.apply(store[property as keyof NucleusStore] as unknown as Callable, store, args);
      },
      get:
        (_target, method: string) =>
        async (...args: unknown[]) => {
          const entity = (await of(property)) as Record<string, Callable>;
          return Reflect.apply(entity[method] as Callable, entity, args);
        },
    });
    members.set(property, made);
    return made;
  };
  return new Proxy({} as DeferredStore, {
    get(_target, property: string) {
      if (property === "ready") return async () => void (await opening);
      // A store that never opened has nothing to close.
      if (property === "close") return async () => (await opening.catch(() => undefined))?.close();
      if (property === "then") return undefined;
      return member(property);
    },
  });
}

/**
 * Uploads a request started and has not seen finish. A bucket's `put` returns the key at once and
 * uploads in the background; before the request writes a record that may name that key, its
 * store calls wait here for its uploads, so no record ever points at bytes that are not stored
 * (and a failed upload fails the write).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { NucleusStore } from "../store/index.js";

const current = new AsyncLocalStorage<Set<Promise<void>>>();

/** Runs a request's work with its own set of uploads, and waits for them before it ends. */
export async function trackUploads<T>(work: () => Promise<T>): Promise<T> {
  const uploads = new Set<Promise<void>>();
  return current.run(uploads, async () => {
    try {
      return await work();
    } finally {
      await Promise.allSettled(uploads);
    }
  });
}

/** Records an upload of the current request (none outside one). */
export function noteUpload(upload: Promise<void>): void {
  current.getStore()?.add(upload);
}

/** Waits for the current request's uploads; throws the first failure. */
export async function uploadsSettled(): Promise<void> {
  const uploads = current.getStore();
  if (uploads && uploads.size > 0) await Promise.all(uploads);
}

type Callable = (...args: unknown[]) => unknown;

/**
 * The store with every call waiting first for the current request's uploads. Each property
 * stands for a store method (`transaction(...)`) or an entity store (`items.upsert(...)`), as in
 * `store/deferred.ts`, so the wrapper needs no list of either.
 */
export function afterUploads(store: NucleusStore): NucleusStore {
  const members = new Map<PropertyKey, unknown>();
  const member = (property: string) => {
    const known = members.get(property);
    if (known) return known;
    const made = new Proxy(function waiting() {}, {
      apply: async (_target, _this, args: unknown[]) => {
        await uploadsSettled();
        if (property === "transaction") {
          // Uploads started inside a transaction are waited for before it commits.
          const fn = args[0] as Parameters<NucleusStore["transaction"]>[0];
          return store.transaction(async (tx) => {
            const result = await fn(tx);
            await uploadsSettled();
            return result;
          });
        }
        // Reflect.apply: a member may itself be a proxy, whose own `apply` property means something else.
        return Reflect.apply(store[property as keyof NucleusStore] as unknown as Callable, store, args);
      },
      get:
        (_target, method: string) =>
        async (...args: unknown[]) => {
          await uploadsSettled();
          const entity = store[property as keyof NucleusStore] as unknown as Record<string, Callable>;
          return Reflect.apply(entity[method] as Callable, entity, args);
        },
    });
    members.set(property, made);
    return made;
  };
  return new Proxy(store, {
    get(inner, property) {
      // Closing and reading the version never wait: they name no file.
      if (property === "close" || property === "writeVersion") {
        return (...args: unknown[]) => Reflect.apply(inner[property] as Callable, inner, args);
      }
      if (typeof property !== "string" || property === "then") return undefined;
      return member(property);
    },
  });
}

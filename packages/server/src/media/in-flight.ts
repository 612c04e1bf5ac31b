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

/** The store with every call waiting first for the current request's uploads. */
export function afterUploads(store: NucleusStore): NucleusStore {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(inner, property, receiver) {
        const value = Reflect.get(inner, property, receiver);
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          await uploadsSettled();
          return (value as (...a: unknown[]) => unknown).apply(inner, args);
        };
      },
    });
  const entities = new Map<PropertyKey, object>();
  return new Proxy(store, {
    get(inner, property, receiver) {
      const value = Reflect.get(inner, property, receiver);
      if (typeof value === "function") {
        if (property === "close" || property === "writeVersion") return value.bind(inner);
        // Uploads started inside a transaction are waited for before it commits.
        if (property === "transaction") {
          return async (fn: Parameters<NucleusStore["transaction"]>[0]) => {
            await uploadsSettled();
            return inner.transaction(async (tx) => {
              const result = await fn(tx);
              await uploadsSettled();
              return result;
            });
          };
        }
        return async (...args: unknown[]) => {
          await uploadsSettled();
          return (value as (...a: unknown[]) => unknown).apply(inner, args);
        };
      }
      if (value === null || typeof value !== "object") return value;
      const known = entities.get(property);
      if (known) return known;
      const wrapped = wrap(value);
      entities.set(property, wrapped);
      return wrapped;
    },
  });
}

import type { JsonValue } from "./json.js";

/**
 * Converts a snake_case wire key to its camelCase domain name, at the type level.
 * Keys without underscores (including Nucleus' own camelCase keys such as `pageToken`) are kept.
 */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/**
 * The camelCase domain form of a wire type: object keys are camelCased at every level; record
 * keys (user metadata, label maps, sensor names) and free-form JSON are kept as they are.
 */
export type Camelize<T> = JsonValue extends T ? T : CamelizeShape<T>;

/** {@link Camelize} past its free-form JSON check: arrays, tuples and objects. */
export type CamelizeShape<T> = T extends readonly unknown[]
  ? { [I in keyof T]: Camelize<T[I]> }
  : T extends object
    ? { [K in keyof T as K extends string ? (string extends K ? K : CamelCase<K>) : K]: Camelize<T[K]> }
    : T;

/** Converts one snake_case wire key to camelCase (`reference_id` becomes `referenceId`). */
export function camelCase(key: string): string {
  return key.includes("_") ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key;
}

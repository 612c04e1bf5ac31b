/**
 * `@nucleus/core`: the typed TypeScript client for the Nucleus REST API.
 *
 * The `NucleusClient` lands in a later release; today the package exports the defaults it will use.
 *
 * @packageDocumentation
 */

/**
 * The hosted Nucleus API, used when neither the `endpoint` option nor `NUCLEUS_ENDPOINT` is set.
 *
 * @example
 * ```ts
 * import { DEFAULT_ENDPOINT } from "@nucleus/core";
 * const endpoint = process.env.NUCLEUS_ENDPOINT ?? DEFAULT_ENDPOINT;
 * ```
 */
export const DEFAULT_ENDPOINT = "https://api.scale.com/v1/nucleus";

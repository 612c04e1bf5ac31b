/**
 * `@nucleus/upload`: chunked, concurrent and resumable bulk uploads on top of `@nucleus/core`.
 *
 * Not implemented yet: the package reserves its name and place in the dependency graph.
 *
 * @packageDocumentation
 */
export {};

/**
 * `@nucleus/server`: a local server that speaks the Nucleus REST protocol.
 *
 * Not implemented yet: the package reserves its name and place in the dependency graph.
 *
 * @packageDocumentation
 */
export {};

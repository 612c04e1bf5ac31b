/**
 * `@nucleus/metrics`: IoU, matching and COCO-identical AP/AR.
 *
 * Not implemented yet: the package reserves its name and place in the dependency graph.
 *
 * @packageDocumentation
 */
export {};

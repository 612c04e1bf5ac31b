/**
 * `@nucleus/schemas`: zod schemas for every object on the Nucleus wire, with camelCase domain
 * types and one codec per object between the two.
 *
 * - `XxxSchema` values are zod schemas of the **wire** form (snake_case, as the protocol sends it).
 * - Codecs (`Annotation`, `AppendItemsRequest`, `Job`, ...) share their name with the camelCase
 *   **domain** type and convert both ways: `toWire`, `fromWire`, plus `encode`/`decode` that also
 *   validate.
 * - Validation reports every problem with the entry, its reference id, the field and the value.
 *
 * @example
 * ```ts
 * import { AnnotateRequest } from "@nucleus/schemas";
 *
 * const body = AnnotateRequest.encode({
 *   update: false,
 *   annotations: [{ type: "box", label: "car", referenceId: "img_1", geometry: { x: 1, y: 2, width: 10, height: 12 } }],
 * });
 * JSON.stringify(body); // {"update":false,"annotations":[{"type":"box","label":"car","reference_id":"img_1",...}]}
 * ```
 *
 * @packageDocumentation
 */

export * from "./annotations.js";
export * from "./batch.js";
export type { CamelCase, Camelize, CamelizeShape } from "./case.js";
export { camelCase } from "./case.js";
export * from "./codec.js";
export * from "./contract.js";
export * from "./curation.js";
export * from "./geometry.js";
export * from "./ids.js";
export * from "./image-size.js";
export * from "./issues.js";
export * from "./items.js";
export * from "./jobs.js";
export * from "./json.js";
export * from "./requests.js";
export * from "./responses.js";
export * from "./routes/autotags.js";
export * from "./routes/dedup.js";
export * from "./routes/embedding-map.js";
export * from "./routes/embeddings.js";
export * from "./routes/exports.js";
export * from "./routes/object-embeddings.js";
export * from "./routes/scene-export.js";
export * from "./routes/scenes.js";
export * from "./routes/tags.js";
export * from "./routes/taxonomies.js";
export * from "./routes/validate.js";
export * from "./routes.js";
export * from "./scenes.js";

/**
 * Route contracts: one declaration per route of the protocol (method, path template, request and
 * response codecs) from which the client builds its calls and the server types its handlers.
 */
import type * as z from "zod";
import type { Camelize } from "./case.js";
import type { Codec } from "./codec.js";

/**
 * The HTTP methods of the protocol.
 *
 * @example
 * ```ts
 * import type { HttpMethod } from "@nucleus/schemas";
 *
 * const method: HttpMethod = "POST";
 * ```
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/**
 * Any codec, whatever its schema: the type of a contract's codec slots.
 *
 * @example
 * ```ts
 * import { type AnyCodec, DeleteResponse } from "@nucleus/schemas";
 *
 * const codec: AnyCodec = DeleteResponse;
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: a slot for heterogeneous codecs.
export type AnyCodec = Codec<any>;

/**
 * One route of the protocol and what it carries. Codecs are given in their wire form (the server
 * validates with them) and convert to the camelCase domain form (the client encodes and decodes
 * with them).
 *
 * @example
 * ```ts
 * import { routes } from "@nucleus/schemas";
 *
 * const { method, path } = routes.datasetInfo; // "GET", "dataset/:datasetId/info"
 * ```
 */
export interface RouteContract {
  /** A stable name (`appendItems`), the key of the route in {@link routes}. */
  readonly name: string;
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The path under the base URL, with `:param` segments (`dataset/:datasetId/append`). */
  readonly path: string;
  /** One sentence on what the route does, for the protocol reference. */
  readonly summary: string;
  /** The JSON body, when the route reads one. */
  readonly body?: AnyCodec;
  /** The query string, when the route reads one (values arrive as strings). */
  readonly query?: AnyCodec;
  /** The JSON parts of the route's multipart form, by part name (file parts are not listed). */
  readonly multipart?: Readonly<Record<string, AnyCodec>>;
  /** The body is NDJSON (one JSON value per line) rather than one JSON document. */
  readonly ndjson?: true;
  /** The route is the `?async=1` form of another route with the same method and path. */
  readonly async?: true;
  /**
   * Repeating the request is harmless, so a client may retry it after a failure. Defaults to
   * true for GET, PUT and DELETE and false for POST.
   */
  readonly idempotent?: boolean;
  /** Served by the local server only; Scale's hosted API has no such route. */
  readonly localOnly?: true;
  /** The JSON of a success response. */
  readonly response: AnyCodec;
}

/**
 * The `:name` segments of a path template, as a union of names.
 *
 * @example
 * ```ts
 * import type { PathParamNames } from "@nucleus/schemas";
 *
 * const name: PathParamNames<"dataset/:datasetId/iloc/:index"> = "index"; // or "datasetId"
 * ```
 */
export type PathParamNames<P extends string> = P extends `${infer Head}/${infer Tail}`
  ? PathParamNames<Head> | PathParamNames<Tail>
  : P extends `:${infer Name}`
    ? Name
    : never;

/**
 * The path parameters of a template by name, as the server reads them (decoded strings).
 *
 * @example
 * ```ts
 * import type { PathParams } from "@nucleus/schemas";
 *
 * const params: PathParams<"dataset/:datasetId/refloc/:referenceId"> = { datasetId: "ds_1", referenceId: "img 1" };
 * ```
 */
export type PathParams<P extends string> = { [K in PathParamNames<P>]: string };

/**
 * The wire type a codec validates.
 *
 * @example
 * ```ts
 * import type { DatasetSizeResponse, WireOf } from "@nucleus/schemas";
 *
 * const wire: WireOf<typeof DatasetSizeResponse> = { count: 3 };
 * ```
 */
export type WireOf<C> = C extends Codec<infer S> ? z.output<S> : never;

/**
 * The camelCase domain type a codec converts to.
 *
 * @example
 * ```ts
 * import type { CreateDatasetResponse, DomainOf } from "@nucleus/schemas";
 *
 * const created: DomainOf<typeof CreateDatasetResponse> = { datasetId: "ds_1" };
 * ```
 */
export type DomainOf<C> = C extends Codec<infer S> ? Camelize<z.output<S>> : never;

/**
 * What a route receives, in wire form, once validated: path parameters, query and JSON body
 * (`undefined` when the route reads none). The server's handlers take this.
 *
 * @example
 * ```ts
 * import type { ContractRequest, routes } from "@nucleus/schemas";
 *
 * type Create = ContractRequest<typeof routes.createDataset>;
 * const request: Create = { params: {}, query: {}, body: { name: "street scenes", is_scene: false } };
 * ```
 */
export type ContractRequest<C extends RouteContract> = {
  params: PathParams<C["path"]>;
  query: C extends { query: infer Q extends AnyCodec } ? WireOf<Q> : Record<string, never>;
  body: C extends { body: infer B extends AnyCodec } ? WireOf<B> : undefined;
};

/**
 * The wire JSON of a route's success response: what a server handler must return.
 *
 * @example
 * ```ts
 * import type { ContractResponse, routes } from "@nucleus/schemas";
 *
 * const response: ContractResponse<typeof routes.datasetSize> = { count: 3 };
 * ```
 */
export type ContractResponse<C extends RouteContract> = WireOf<C["response"]>;

/**
 * What a client sends, in camelCase domain form: path parameters (strings or numbers), the query
 * and the JSON body, each present only when the route has it.
 *
 * @example
 * ```ts
 * import type { ContractInput, routes } from "@nucleus/schemas";
 *
 * const input: ContractInput<typeof routes.createSlice> = {
 *   params: { datasetId: "ds_1" },
 *   body: { name: "night", referenceIds: ["img_4"] },
 * };
 * ```
 */
export type ContractInput<C extends RouteContract> = ([PathParamNames<C["path"]>] extends [never]
  ? { params?: Record<string, never> }
  : { params: { [K in PathParamNames<C["path"]>]: string | number } }) &
  (C extends { body: infer B extends AnyCodec } ? { body?: DomainOf<B> } : { body?: undefined }) &
  (C extends { query: infer Q extends AnyCodec } ? { query?: DomainOf<Q> } : { query?: undefined });

/**
 * A route's success response in camelCase domain form: what a client call resolves to.
 *
 * @example
 * ```ts
 * import type { ContractResult, routes } from "@nucleus/schemas";
 *
 * const created: ContractResult<typeof routes.createDataset> = { datasetId: "ds_1", name: "street scenes" };
 * ```
 */
export type ContractResult<C extends RouteContract> = DomainOf<C["response"]>;

/**
 * A route declaration before it is named by its key in the table.
 *
 * @example
 * ```ts
 * import { DatasetNameResponse, type RouteDeclaration } from "@nucleus/schemas";
 *
 * const datasetName: RouteDeclaration = {
 *   method: "GET",
 *   path: "dataset/:datasetId/name",
 *   summary: "The dataset's name.",
 *   response: DatasetNameResponse,
 * };
 * ```
 */
export type RouteDeclaration = Omit<RouteContract, "name">;

/**
 * A table of route declarations, each named after its key: what {@link defineRoutes} returns.
 *
 * @example
 * ```ts
 * import { DatasetNameResponse, defineRoutes, type RouteTable } from "@nucleus/schemas";
 *
 * const declarations = {
 *   datasetName: { method: "GET", path: "dataset/:datasetId/name", summary: "The name.", response: DatasetNameResponse },
 * } as const;
 * const table: RouteTable<typeof declarations> = defineRoutes(declarations);
 * ```
 */
export type RouteTable<T extends Record<string, RouteDeclaration>> = {
  readonly [K in keyof T & string]: T[K] & { readonly name: K };
};

/**
 * Names each declaration after its key and keeps its literal types (method, path), so that
 * parameters, bodies and responses are inferred per route.
 *
 * @example
 * ```ts
 * import { defineRoutes, DatasetSizeResponse } from "@nucleus/schemas";
 *
 * const table = defineRoutes({
 *   datasetSize: { method: "GET", path: "dataset/:datasetId/size", summary: "Item count.", response: DatasetSizeResponse },
 * });
 * table.datasetSize.name; // "datasetSize"
 * ```
 */
export function defineRoutes<const T extends Record<string, RouteDeclaration>>(table: T): RouteTable<T> {
  const named: Record<string, RouteContract> = {};
  for (const [name, declaration] of Object.entries(table)) named[name] = { ...declaration, name };
  return named as RouteTable<T>;
}

/**
 * Whether a client may repeat a request to this route after a failure.
 *
 * @example
 * ```ts
 * import { isIdempotent, routes } from "@nucleus/schemas";
 *
 * isIdempotent(routes.appendItems); // true: items are keyed by reference id
 * isIdempotent(routes.createDataset); // false
 * ```
 */
export function isIdempotent(contract: RouteContract): boolean {
  return contract.idempotent ?? contract.method !== "POST";
}

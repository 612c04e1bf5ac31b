/**
 * Serving a route by its contract from `@nucleus/schemas`: the Hono route comes from the
 * contract's method and path, the request is validated with its codecs, and the handler's return
 * value is typed as the route's wire response, so a handler of the wrong shape does not compile.
 */
import {
  type AnyCodec,
  type ContractRequest,
  type ContractResponse,
  ENDPOINTS,
  type RouteContract,
  type WireOf,
} from "@nucleus/schemas";
import type { Hono } from "hono";
import { type FilePart, isMultipart, parseJsonText, readMultipart, validate } from "./body.js";
import type { Ctx, Env } from "./context.js";
import { bodyLimitOf } from "./limits.js";
import { readBodyBytes } from "./read-body.js";
import { StreamedList, streamResponse } from "./stream-json.js";

/** The multipart form of a route that declares one: JSON parts validated by their codecs, file parts as sent. */
export interface ContractForm<C extends RouteContract> {
  /** A JSON part, validated with the contract's codec for it. */
  part<N extends keyof NonNullable<C["multipart"]> & string>(
    name: N,
  ): Promise<WireOf<NonNullable<C["multipart"]>[N]>>;
  /** The file parts of this name, in the order they were sent. */
  files(name: string): FilePart[];
}

/**
 * What a handler receives: path parameters, query and JSON body validated in wire form, or the
 * multipart form when the route declares one and the request carries one (`body` is then
 * `undefined`).
 */
export type RouteRequest<C extends RouteContract> = ContractRequest<C> & { form?: ContractForm<C> };

/**
 * The handler of one route: it returns the route's wire response, which is sent as JSON. Errors
 * thrown (`HttpError`, validation errors) become the usual JSON error responses.
 */
export type RouteHandler<C extends RouteContract> = (
  request: RouteRequest<C>,
  c: Ctx,
) => ContractResponse<C> | Promise<ContractResponse<C>>;

/** Routes that exist twice, plain and as the `?async=1` form: each serves only its own form. */
function hasAsyncForm(contract: RouteContract): boolean {
  return ENDPOINTS.some(
    (other) =>
      other !== contract &&
      other.method === contract.method &&
      other.path === contract.path &&
      Boolean(other.async) !== Boolean(contract.async),
  );
}

/**
 * Registers the handler of a route on `app` (a router mounted at the base path): method and
 * path from the contract (a trailing-slash path is served with and without its slash, as the
 * official client sends it), request validated with the contract's codecs before the handler
 * runs, and the handler's result sent as JSON. The plain and `?async=1` forms of a route are
 * registered separately and each answers only its own requests.
 *
 * @example
 * ```ts
 * import { routes } from "@nucleus/schemas";
 * import { Hono } from "hono";
 * import type { Env } from "./context.js";
 *
 * const app = new Hono<Env>({ strict: true });
 * route(app, routes.datasetName, ({ params }) => ({ name: `dataset ${params.datasetId}` }));
 * ```
 */
export function route<C extends RouteContract>(app: Hono<Env>, contract: C, handler: RouteHandler<C>): void {
  const path = `/${contract.path}`;
  const paths = path.length > 1 && path.endsWith("/") ? [path, path.slice(0, -1)] : [path];
  const splitByAsync = hasAsyncForm(contract);
  app.on(contract.method, paths, async (c, next) => {
    if (splitByAsync && (c.req.query("async") === "1") !== Boolean(contract.async)) return next();
    const request = await readRequest(c, contract);
    const response = await handler(request, c);
    if ((response as unknown) instanceof StreamedList)
      return streamResponse(c, response as unknown as StreamedList);
    return c.json(response as object);
  });
}

/** Validates what a request carries against its contract; every problem is reported at once. */
async function readRequest<C extends RouteContract>(c: Ctx, contract: C): Promise<RouteRequest<C>> {
  const query = contract.query ? validate(contract.query, c.req.query(), "query") : {};
  const request = { params: c.req.param(), query, body: undefined } as unknown as RouteRequest<C>;
  const multipart = Boolean(contract.multipart) && isMultipart(c);
  const limit = bodyLimitOf(contract, multipart, c.get("maxBodyBytes") ?? Number.POSITIVE_INFINITY);
  if (multipart) {
    const form = await readMultipart(c, await readBodyBytes(c, limit));
    const parts = contract.multipart as Record<string, AnyCodec>;
    request.form = {
      part: async (name) => validate(parts[name] as AnyCodec, await form.json(name), name),
      files: (name) => form.files(name),
    };
  } else if (contract.body) {
    const text = Buffer.from(await readBodyBytes(c, limit)).toString("utf8");
    (request as { body: unknown }).body = validate(contract.body, parseJsonText(text));
  }
  return request;
}

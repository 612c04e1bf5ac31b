import {
  type ContractInput,
  type ContractRequest,
  type ContractResult,
  isIdempotent,
  type RouteContract,
} from "@nucleus/schemas";
import { ResponseValidationError, ValidationError } from "../errors.js";
import type { CallOptions } from "../options.js";
import type { Platform } from "../platform/index.js";
import type { RequestSpec, Transport } from "./http.js";
import { fillPath } from "./path.js";
import { sameCheckOf } from "./response-check.js";

/**
 * What a call sends: the contract's input (camelCase, encoded and validated here), or a body the
 * caller has validated already (upload batches), plus headers of its own.
 */
export type CallInput<C extends RouteContract> = ContractInput<C> & {
  /** The body in wire form, validated already: sent as it is. */
  wire?: ContractRequest<C>["body"];
  /** The body as JSON text, validated already (a prepared batch sent whole). */
  text?: string;
  /** A binary body (`application/octet-stream`), in a form the route documents. */
  bytes?: Uint8Array;
  /** A multipart form, built again for every attempt. */
  form?: () => Promise<FormData> | FormData;
  /** Headers of this request only. */
  headers?: Record<string, string>;
};

/** Calls routes by their contract: encodes what is sent, decodes what comes back. */
export class Api {
  constructor(
    readonly transport: Transport,
    readonly platform: Platform,
  ) {}

  /**
   * Sends one request to a route and returns its response in camelCase. Path parameters are
   * encoded one segment each, the body and query are validated against the contract before
   * anything is sent, and the response is validated before it is converted.
   */
  async call<C extends RouteContract>(
    contract: C,
    input: CallInput<C>,
    options: CallOptions = {},
  ): Promise<ContractResult<C>> {
    const spec: RequestSpec = {
      method: contract.method,
      path: fillPath(contract.path, input.params ?? {}),
      idempotent: isIdempotent(contract),
      signal: options.signal,
      maxRetries: options.maxRetries,
      ...bodyOf(contract, input),
    };
    const query = queryOf(contract, input.query);
    if (query) spec.query = query;
    if (input.headers) spec.headers = input.headers;
    const body = await this.transport.request<unknown>(spec);
    // Most responses pass unchanged: checked in one walk and used as they are, rather than copied
    // by zod (pages of thousands of entries). zod decides the rest and names their problems.
    if (sameCheckOf(contract.response.schema)?.(body))
      return contract.response.fromWire(body) as ContractResult<C>;
    const result = contract.response.check(body);
    if (!result.ok) throw new ResponseValidationError(`${contract.method} ${spec.path}`, result.issues);
    return contract.response.fromWire(result.value) as ContractResult<C>;
  }
}

/** The body of a request, in the first form the input gives. GETs carry none (fetch cannot send one). */
function bodyOf<C extends RouteContract>(contract: C, input: CallInput<C>): Partial<RequestSpec> {
  if (contract.method === "GET") return {};
  if (input.form) return { form: input.form };
  if (input.text !== undefined) return { body: input.text };
  if (input.bytes !== undefined) return { body: input.bytes };
  if (input.wire !== undefined) return { json: input.wire };
  if (input.body === undefined || !contract.body) return {};
  return { json: encode(contract.body, input.body) };
}

/** The query string of a request: the `?async=1` marker, or the contract's query encoded. */
function queryOf(contract: RouteContract, query: unknown): Record<string, string> | undefined {
  if (contract.async) return { async: "1" };
  if (query === undefined || !contract.query) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(encode(contract.query, query) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}

/** Converts a camelCase value to its wire form and validates it, naming every problem. */
function encode(codec: NonNullable<RouteContract["body"]>, value: unknown): unknown {
  const result = codec.check(codec.toWire(value));
  if (!result.ok) throw new ValidationError(result.issues);
  return result.value;
}

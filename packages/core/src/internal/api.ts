import type { Codec } from "@nucleus/schemas";
import type { z } from "zod";
import { ResponseValidationError } from "../errors.js";
import type { RequestSpec, Transport } from "./http.js";

/** Request options every call accepts. */
export interface CallOptions {
  /** Aborts the call (and any retry wait). */
  signal?: AbortSignal;
}

/** Sends requests and decodes responses with their codecs into camelCase objects. */
export class Api {
  constructor(readonly transport: Transport) {}

  /** Sends a request and decodes the JSON response with `codec`. */
  async call<S extends z.ZodType, D>(codec: Codec<S, z.output<S>, D>, spec: RequestSpec): Promise<D> {
    const body = await this.transport.request<unknown>(spec);
    const result = codec.check(body);
    if (!result.ok) throw new ResponseValidationError(`${spec.method} ${spec.path}`, result.issues);
    return codec.fromWire(result.value);
  }

  /** Sends a request whose response is not read beyond success. */
  async send(spec: RequestSpec): Promise<unknown> {
    return this.transport.request<unknown>(spec);
  }
}

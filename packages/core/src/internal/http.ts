import ky, { TimeoutError } from "ky";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  ConfigurationError,
} from "../errors.js";
import type { NativeReply, NativeRequest } from "../platform/platform.js";
import { isRetryableStatus, retryDelayMs } from "./retry.js";

/** What the transport needs from the client's configuration. */
export interface TransportOptions {
  endpoint: string;
  headers: Record<string, string>;
  timeout: number;
  maxRetries: number;
  fetch: typeof fetch;
  /**
   * Sends requests without `fetch` (Node's `http` module), where the platform can and no `fetch`
   * of the caller's was given. Multipart forms still go through `fetch`.
   */
  sendNative?: (url: string, init: NativeRequest) => Promise<NativeReply>;
  /**
   * The CSRF token of a cookie session, read for every request that changes something (the
   * server wants it as `x-csrf-token`). Unset with API keys.
   */
  csrfToken?: () => string | undefined;
  /** Waits between attempts; replaceable so tests can use fake timers. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One request. `path` is already percent-encoded (build it with `path` from `./path.js`). */
export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A JSON body already serialised, or a binary one (sent as `application/octet-stream`). */
  body?: string | Uint8Array;
  /** A multipart body, rebuilt for every attempt. */
  form?: () => Promise<FormData> | FormData;
  /** Extra headers of this request. */
  headers?: Record<string, string>;
  /** Whether repeating the request is harmless (reads, and uploads keyed by reference id). */
  idempotent?: boolean;
  signal?: AbortSignal | undefined;
  /** Retries of this request; the transport's own setting when undefined. */
  maxRetries?: number | undefined;
}

/** The only place that talks HTTP: ky underneath, with retries, timeouts and typed errors. */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** Sends a request to the API and returns its parsed JSON. */
  async request<T>(spec: RequestSpec): Promise<T> {
    const query = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : "";
    const url = `${this.options.endpoint}/${spec.path}${query}`;
    const retryable =
      spec.idempotent ?? (spec.method === "GET" || spec.method === "DELETE" || spec.method === "PUT");
    const maxRetries = retriesOf(spec.maxRetries, this.options.maxRetries);
    for (let attempt = 0; ; attempt += 1) {
      const last = !retryable || attempt >= maxRetries;
      let response: NativeReply;
      try {
        response = await this.send(url, spec);
      } catch (error) {
        if (spec.signal?.aborted)
          throw new APIUserAbortError(`${spec.method} ${url} was aborted`, { cause: error });
        const failure =
          error instanceof TimeoutError || (error as Error | undefined)?.name === "TimeoutError"
            ? new APIConnectionTimeoutError(
                `${spec.method} ${url} timed out after ${this.options.timeout} ms`,
                { cause: error },
              )
            : new APIConnectionError(`${spec.method} ${url} failed: ${(error as Error).message}`, {
                cause: error,
              });
        if (last) throw failure;
        await this.wait(attempt, null, spec.signal);
        continue;
      }
      const body = await readBody(response);
      if (response.ok) return body as T;
      if (last || !isRetryableStatus(response.status)) {
        throw APIError.generate(response.status, body, spec.method, url, response.headers);
      }
      await this.wait(attempt, response.headers.get("retry-after"), spec.signal);
    }
  }

  /** One attempt. */
  private async send(url: string, spec: RequestSpec): Promise<NativeReply> {
    const headers = requestHeaders(this.options.headers, spec, this.options.csrfToken);
    if (this.options.sendNative && !spec.form) {
      const json = spec.body === undefined && spec.json !== undefined;
      return this.withTimeout(spec.signal, (signal) =>
        (this.options.sendNative as NonNullable<TransportOptions["sendNative"]>)(url, {
          method: spec.method,
          headers: json ? { ...headers, "content-type": "application/json" } : headers,
          body: json ? JSON.stringify(spec.json) : spec.body,
          signal,
        }),
      );
    }
    if (spec.body !== undefined) {
      // Bulk uploads: the body is a ready string, so it goes to fetch as it is. ky would wrap it
      // in a Request and tee its stream for retries it does not make here, which costs about a
      // third of a millisecond per request (measured in the upload benchmark).
      const body = spec.body;
      return this.withTimeout(spec.signal, (signal) =>
        this.options.fetch(url, { method: spec.method, headers, body, signal }),
      );
    }
    return ky(url, {
      method: spec.method,
      headers,
      ...(spec.json !== undefined ? { json: spec.json } : {}),
      ...(spec.form ? { body: await spec.form() } : {}),
      ...(spec.signal ? { signal: spec.signal } : {}),
      timeout: this.options.timeout,
      retry: 0,
      throwHttpErrors: false,
      fetch: this.options.fetch,
    });
  }

  /**
   * Runs one attempt under the client's timeout, which covers the response's headers (as ky's
   * does); the body is read right after. A timeout fails as a `TimeoutError`.
   */
  private async withTimeout<R>(
    userSignal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`timed out after ${this.options.timeout} ms`, "TimeoutError")),
      this.options.timeout,
    );
    try {
      return await run(userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal);
    } catch (error) {
      // Some clients reject with a plain AbortError: name the timeout ourselves.
      if (controller.signal.aborted && !userSignal?.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** PUTs a text body to a signed URL: no API key, no content type, like a presigned S3 URL. */
  async putSigned(url: string, body: string, signal?: AbortSignal, maxRetries?: number): Promise<void> {
    const response = await ky(url, {
      method: "PUT",
      body,
      retry: { limit: retriesOf(maxRetries, this.options.maxRetries), methods: ["put"] },
      timeout: false,
      throwHttpErrors: false,
      fetch: this.options.fetch,
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) {
      throw APIError.generate(
        response.status,
        await readBody(response),
        "PUT",
        url.replace(/[^/]+$/, "<token>"),
        response.headers,
      );
    }
  }

  private async wait(attempt: number, retryAfter: string | null, signal?: AbortSignal): Promise<void> {
    const ms = retryDelayMs(attempt, retryAfter);
    await (this.options.sleep ?? sleep)(ms, signal);
    if (signal?.aborted) throw new APIUserAbortError("the request was aborted while waiting to retry");
  }
}

/** A call's own retry count, checked, or the client's. */
function retriesOf(perCall: number | undefined, fallback: number): number {
  if (perCall === undefined) return fallback;
  if (!(Number.isInteger(perCall) && perCall >= 0)) {
    throw new ConfigurationError(`maxRetries must be a non-negative integer, got ${String(perCall)}`);
  }
  return perCall;
}

function requestHeaders(
  common: Record<string, string>,
  spec: RequestSpec,
  csrfToken?: () => string | undefined,
): Record<string, string> {
  const csrf = spec.method === "GET" ? undefined : csrfToken?.();
  if (!spec.headers && spec.body === undefined && csrf === undefined) return common;
  return {
    ...common,
    ...(spec.body !== undefined
      ? { "content-type": typeof spec.body === "string" ? "application/json" : "application/octet-stream" }
      : {}),
    ...(csrf !== undefined ? { "x-csrf-token": csrf } : {}),
    ...spec.headers,
  };
}

async function readBody(response: NativeReply): Promise<unknown> {
  const text = await response.text();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

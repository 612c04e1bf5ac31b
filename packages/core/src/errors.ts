import type { ValidationIssue } from "@nucleus/schemas";
import { formatIssues } from "@nucleus/schemas";

const BRAND = Symbol.for("@nucleus/core/NucleusError");

/** The base of every error this package throws. */
export class NucleusError extends Error {
  /** Marks the error across copies of the package (see {@link NucleusError.isInstance}). */
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** `instanceof` that also works across two copies of this package. */
  static isInstance(value: unknown): value is NucleusError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Thrown before anything is sent: a payload does not match the protocol. `issues` lists every problem. */
export class ValidationError extends NucleusError {
  /** Every problem, each with the entry's index, reference id, field path and value. */
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super(formatIssues(issues));
    this.issues = issues;
  }
}

/** Thrown when the client is configured wrongly (no API key, both kinds of key, a bad option). */
export class ConfigurationError extends NucleusError {}

/** A request that got an HTTP error status. `message` carries the server's own message. */
export class APIError extends NucleusError {
  /** The HTTP status. */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** The parsed response body (or its text). */
  readonly body: unknown;
  /** The request method. */
  readonly method: string;
  /** The request URL (it never contains the key). */
  readonly url: string;
  /** The request id the server sent back, if any. */
  readonly requestId: string | undefined;

  constructor(status: number, body: unknown, method: string, url: string, headers: Headers) {
    super(`${status} ${serverMessage(body)} (${method} ${url})`);
    this.status = status;
    this.body = body;
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.requestId = headers.get("x-request-id") ?? headers.get("request-id") ?? undefined;
  }

  /** The subclass for a status: 400, 401, 403, 404, 409, 422, 429 and 5xx have their own. */
  static generate(status: number, body: unknown, method: string, url: string, headers: Headers): APIError {
    const Class = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Class(status, body, method, url, headers);
  }
}

/** 400: the server refused the request as invalid. */
export class BadRequestError extends APIError {}
/** 401: no key, or a key the server does not know. */
export class AuthenticationError extends APIError {}
/** 403: the key may not do this. */
export class PermissionDeniedError extends APIError {}
/** 404: the object does not exist (or belongs to another key). */
export class NotFoundError extends APIError {}
/** 409: the request conflicts with the object's state. */
export class ConflictError extends APIError {}
/** 422: the request is well-formed but cannot be processed. */
export class UnprocessableEntityError extends APIError {}
/** 429: too many requests; retried automatically, honouring `Retry-After`. */
export class RateLimitError extends APIError {}
/** 5xx: the server failed; retried automatically where the request is safe to repeat. */
export class InternalServerError extends APIError {}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The request could not reach the server or the connection dropped. */
export class APIConnectionError extends NucleusError {}
/** An attempt took longer than the `timeout` option. */
export class APIConnectionTimeoutError extends APIConnectionError {}
/** The caller's `AbortSignal` aborted the request. */
export class APIUserAbortError extends NucleusError {}

/** A job ended in an `Errored*` status. */
export class JobError extends NucleusError {
  constructor(
    /** The job's id. */
    readonly jobId: string,
    /** Its final status. */
    readonly status: string,
    message: string,
  ) {
    super(`Job ${jobId} ended ${status}: ${message}`);
  }
}

function serverMessage(body: unknown): string {
  if (typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string") {
    return (body as { error: string }).error;
  }
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 500);
  return "status code (no body)";
}

/** The server answered with JSON that does not match the protocol. */
export class ResponseValidationError extends NucleusError {
  constructor(
    /** What was being read (`POST dataset/create`). */
    readonly what: string,
    /** Every mismatch. */
    readonly issues: ValidationIssue[],
  ) {
    super(`Unexpected response to ${what}: ${formatIssues(issues)}`);
  }
}

/**
 * An error with the HTTP status and message the client gets, as `{"error": message}`.
 * Anything else that escapes a handler is a 500 whose details stay in the server log.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 501 | 503 | 507,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** 400: the request is malformed or invalid. */
export const badRequest = (message: string) => new HttpError(400, message);

/** 404: the named object does not exist for this key. */
export const notFound = (what: string, id: string) => new HttpError(404, `${what} ${id} not found`);

/** 409: the request conflicts with the object's state. */
export const conflict = (message: string) => new HttpError(409, message);

/** 413: the body is larger than the route takes. */
export const tooLarge = (limit: number) =>
  new HttpError(413, `The request body is larger than ${limit} bytes, the limit of this route`);

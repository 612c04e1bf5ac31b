import type { CheckResult, PathPrefix } from "@nucleus/schemas";
import { MAX_JSON_DEPTH, PayloadValidationError } from "@nucleus/schemas";
import { depthPast } from "../json-depth.js";
import type { Ctx } from "./context.js";
import { badRequest } from "./errors.js";

/** Anything that validates a decoded JSON body. */
export interface BodyChecker<W> {
  check(wire: unknown, at?: PathPrefix): CheckResult<W>;
}

/**
 * How deep a request body's JSON may nest: room for metadata at `MAX_JSON_DEPTH` inside the
 * envelope of any route.
 */
export const MAX_BODY_DEPTH = MAX_JSON_DEPTH + 8;

/** Parses JSON text; an empty body is `{}` (the official client sends GETs with no body). */
export function parseJsonText(text: string, what = "request body"): unknown {
  if (text.trim() === "") return {};
  if (depthPast(text, MAX_BODY_DEPTH) !== undefined) {
    throw badRequest(`The ${what} nests JSON deeper than ${MAX_BODY_DEPTH} levels, the limit`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The ${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates a decoded body; every problem is reported at once, with its path. */
export function validate<W>(checker: BodyChecker<W>, value: unknown, at?: PathPrefix): W {
  const result = checker.check(value, at);
  if (!result.ok) throw new PayloadValidationError(result.issues);
  return result.value;
}

/** True when the request carries a multipart form. */
export function isMultipart(c: Ctx): boolean {
  return (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

/** A file part of a multipart form. */
export type FilePart = Exclude<ReturnType<FormData["get"]>, string | null>;

/** The parts of a multipart form: JSON parts by name, file parts in order by name. */
export interface MultipartForm {
  json(name: string): Promise<unknown>;
  files(name: string): FilePart[];
}

/** Reads a multipart form from its bytes. Files keep the order they were sent in. */
export async function readMultipart(c: Ctx, bytes: Uint8Array): Promise<MultipartForm> {
  let form: FormData;
  try {
    const contentType = c.req.header("content-type") ?? "";
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw badRequest(`The multipart body cannot be read: ${(error as Error).message}`);
  }
  return {
    async json(name) {
      const part = form.get(name);
      if (part === null) throw badRequest(`The multipart body has no "${name}" part`);
      // Clients send JSON parts as plain fields or as unnamed files with a JSON content type.
      const text = typeof part === "string" ? part : await part.text();
      return parseJsonText(text, `"${name}" part`);
    },
    files(name) {
      return form.getAll(name).filter((part): part is FilePart => typeof part !== "string");
    },
  };
}

import type { DatasetRow, ModelRow, ModelRunRow, SliceRow } from "../store/types.js";
import { baseUrl, type Ctx } from "./context.js";
import { badRequest, notFound } from "./errors.js";
import type { MediaUrl } from "./present.js";

/** The caller's dataset, or a 404. */
export function requireDataset(c: Ctx, id: string): DatasetRow {
  const dataset = c.get("services").store.getDataset(c.get("tenant"), id);
  if (!dataset) throw notFound("Dataset", id);
  return dataset;
}

/** The caller's model, or a 404. */
export function requireModel(c: Ctx, id: string): ModelRow {
  const model = c.get("services").store.getModel(c.get("tenant"), id);
  if (!model) throw notFound("Model", id);
  return model;
}

/** The caller's model run, or a 404. */
export function requireRun(c: Ctx, id: string): ModelRunRow {
  const run = c.get("services").store.getModelRun(c.get("tenant"), id);
  if (!run) throw notFound("Model run", id);
  return run;
}

/** The caller's slice, or a 404. */
export function requireSlice(c: Ctx, id: string): SliceRow {
  const slice = c.get("services").store.getSlice(c.get("tenant"), id);
  if (!slice) throw notFound("Slice", id);
  return slice;
}

/** A path parameter that must be a non-negative integer index. */
export function indexParam(c: Ctx, name: string): number {
  const text = c.req.param(name) ?? "";
  if (!/^\d+$/.test(text))
    throw badRequest(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A path parameter (decoded once, after routing). */
export function param(c: Ctx, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw badRequest(`missing path parameter ${name}`);
  return value;
}

/** Builds the URL of stored media for this request's origin. */
export function mediaUrlOf(c: Ctx): MediaUrl {
  const base = baseUrl(c);
  return (key) => `${base}/__media/${key}`;
}

/** Page cursors are opaque strings holding the last position served. */
export function decodeCursor(token: string | null | undefined): number {
  if (token === null || token === undefined || token === "") return 0;
  if (!/^\d+$/.test(token))
    throw badRequest(`pageToken ${JSON.stringify(token)} is not a token this server issued`);
  return Number(token);
}

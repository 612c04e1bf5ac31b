import type { MediaUrl } from "../presenters/media.js";
import type { DatasetRecord, ModelRecord, ModelRunRecord, SliceRecord } from "../store/index.js";
import { baseUrl, type Ctx } from "./context.js";
import { badRequest, notFound } from "./errors.js";

/** The caller's dataset, or a 404. */
export async function requireDataset(c: Ctx, id: string): Promise<DatasetRecord> {
  const dataset = await c.get("services").store.datasets.get(c.get("tenant"), id);
  if (!dataset) throw notFound("Dataset", id);
  return dataset;
}

/** The caller's model, or a 404. */
export async function requireModel(c: Ctx, id: string): Promise<ModelRecord> {
  const model = await c.get("services").store.models.get(c.get("tenant"), id);
  if (!model) throw notFound("Model", id);
  return model;
}

/** The caller's model run, or a 404. */
export async function requireRun(c: Ctx, id: string): Promise<ModelRunRecord> {
  const run = await c.get("services").store.runs.get(c.get("tenant"), id);
  if (!run) throw notFound("Model run", id);
  return run;
}

/** The caller's slice, or a 404. */
export async function requireSlice(c: Ctx, id: string): Promise<SliceRecord> {
  const slice = await c.get("services").store.slices.get(c.get("tenant"), id);
  if (!slice) throw notFound("Slice", id);
  return slice;
}

/**
 * A path parameter that must be a non-negative integer index; one past any list's length (more
 * digits than a safe integer holds) is refused as out of range rather than rounded.
 */
export function indexOf(name: string, text: string): number {
  if (!/^\d+$/.test(text))
    throw badRequest(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  const index = Number(text);
  if (!Number.isSafeInteger(index)) throw badRequest(`${name} ${text} is out of range`);
  return index;
}

/** A path parameter (decoded once, after routing). */
export function param(c: Ctx, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw badRequest(`missing path parameter ${name}`);
  return value;
}

/**
 * Builds the URLs of stored media for this request's origin: signed for the caller's tenant, so
 * they work without a key (in an `<img>`, or the official client's downloads) for an hour or so.
 */
export function mediaUrlOf(c: Ctx): MediaUrl {
  const base = baseUrl(c);
  const access = c.get("mediaAccess");
  const tenant = c.get("tenant");
  return (key) => `${base}/${access.signedPath(tenant, key)}`;
}

import { type AsyncUploadRequest, routes, type WireOf } from "@nucleus/schemas";
import { Hono } from "hono";
import { baseUrl, type Ctx, type Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, HttpError, notFound } from "../http/errors.js";
import { param, requireDataset } from "../http/lookup.js";
import { newToken } from "../ids.js";
import { type JobWire, jobWire } from "../presenters/jobs.js";
import type { DatasetRecord, ModelRunRecord, UploadJobSpec } from "../store/index.js";

/** The largest NDJSON payload a signed URL accepts (the official client's own limit). */
export const MAX_NDJSON_BYTES = 536_870_888;

/** Signed-URL routes that need an API key: handing out an upload URL. */
export function signedUrlRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  route(app, routes.signedUrl, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { requestId } = params;
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(requestId))
      throw badRequest("requestId must be 1-128 letters, digits, _ or -");
    const token = newToken();
    await c
      .get("services")
      .store.uploads.register(c.get("tenant"), { requestId, datasetId: dataset.id, token });
    return { signed_url: `${baseUrl(c)}/__upload/${token}` };
  });
  return app;
}

/**
 * Routes that carry their own authorisation: the PUT to a signed URL (its token is the
 * credential, like a presigned S3 URL) and stored media (addressed by content hash).
 */
export function publicRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  app.put("/__upload/:token", async (c) => {
    const token = param(c, "token");
    const { store, media } = c.get("services");
    if (!(await store.uploads.find({ token }))) throw notFound("Upload URL", "");
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_NDJSON_BYTES)
      throw new HttpError(413, `The payload is larger than ${MAX_NDJSON_BYTES} bytes`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > MAX_NDJSON_BYTES)
      throw new HttpError(413, `The payload is larger than ${MAX_NDJSON_BYTES} bytes`);
    await store.uploads.complete(token, media.put(bytes, "payload.ndjson"));
    return c.json({ size: bytes.byteLength });
  });

  app.get("/__media/:key", async (c) => {
    const { media } = c.get("services");
    const key = param(c, "key");
    const bytes = await media.get(key);
    if (!bytes) throw notFound("File", key);
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": media.contentTypeOf(key),
      "cache-control": "public, max-age=31536000, immutable",
    });
  });

  return app;
}

/**
 * The `?async=1` form of append, annotate and predict: the NDJSON PUT to the signed URL of
 * `requestId` becomes a background job.
 */
export async function startAsyncUpload(
  c: Ctx,
  dataset: DatasetRecord,
  type: UploadJobSpec["type"],
  body: WireOf<typeof AsyncUploadRequest>,
  run?: ModelRunRecord,
): Promise<JobWire> {
  const { store, jobs } = c.get("services");
  const upload = await store.uploads.get(c.get("tenant"), body.requestId);
  if (!upload || upload.datasetId !== dataset.id) {
    throw badRequest(
      `No signed URL was issued for requestId ${JSON.stringify(body.requestId)} on dataset ${dataset.id}`,
    );
  }
  if (!upload.mediaKey) {
    throw badRequest(
      `Nothing was uploaded to the signed URL of requestId ${JSON.stringify(body.requestId)} yet`,
    );
  }
  const spec: UploadJobSpec = {
    type,
    datasetId: dataset.id,
    runId: run?.id,
    mediaKey: upload.mediaKey,
    update: body.update ?? false,
  };
  const job = await store.jobs.create(c.get("tenant"), { datasetId: dataset.id, type, spec });
  jobs.start(job.id);
  return jobWire(job);
}

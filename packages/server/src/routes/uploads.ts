import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { type AsyncUploadRequest, routes, type WireOf } from "@nucleus/schemas";
import { Hono } from "hono";
import { authenticate } from "../http/auth.js";
import { baseUrl, type Ctx, type Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, HttpError, notFound } from "../http/errors.js";
import { param, requireDataset } from "../http/lookup.js";
import { readBodyBytes, streamBody } from "../http/read-body.js";
import type { SessionStore } from "../http/sessions.js";
import type { TenantKeys } from "../http/tenants.js";
import { newToken } from "../ids.js";
import type { MediaStore } from "../media.js";
import { type JobWire, jobWire } from "../presenters/jobs.js";
import { isSceneJobType } from "../scenes/job.js";
import { sniffContentType } from "../services/media-access.js";
import type { DatasetRecord, ModelRunRecord, SceneUploadJobSpec, UploadJobSpec } from "../store/index.js";

/** The largest NDJSON payload a signed URL accepts (the official client's own limit). */
export const MAX_NDJSON_BYTES = 536_870_888;

/** How long a signed upload URL takes its PUT: an hour from when it was issued. */
export const UPLOAD_URL_TTL_MS = 60 * 60 * 1000;

/** Signed-URL routes that need an API key: handing out an upload URL. */
export function signedUrlRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  route(app, routes.signedUrl, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { requestId } = params;
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(requestId))
      throw badRequest("requestId must be 1-128 letters, digits, _ or -");
    const token = newToken();
    const { store, media } = c.get("services");
    await store.uploads.register(c.get("tenant"), {
      requestId,
      datasetId: dataset.id,
      token,
      expiresAt: Date.now() + UPLOAD_URL_TTL_MS,
    });
    // With media in a bucket, the client PUTs straight into it, as to Scale's own signed URLs.
    const direct = await media.uploadUrl(payloadKeyOf(token));
    return { signed_url: direct ?? `${baseUrl(c)}/__upload/${token}` };
  });
  return app;
}

/** The media key of a signed URL's payload: unguessable without the URL's token, never served. */
export function payloadKeyOf(token: string): string {
  return `${createHash("sha256").update(`nucleus-upload:${token}`).digest("hex")}.ndjson`;
}

/**
 * The PUT to a signed URL: its token is the credential, like a presigned S3 URL. The token is
 * checked before a byte of the body is read; a URL takes one PUT, within an hour of being issued.
 * The payload streams to its file (never whole in memory), within {@link MAX_NDJSON_BYTES}.
 */
export function uploadRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  app.put("/__upload/:token", async (c) => {
    const token = param(c, "token");
    const { store, media } = c.get("services");
    const upload = await store.uploads.find({ token });
    if (!upload) throw notFound("Upload URL", "");
    if (upload.mediaKey !== null || upload.consumed) {
      throw new HttpError(409, "This upload URL was used already: ask for a new signed URL");
    }
    if (upload.expiresAt <= Date.now()) {
      throw new HttpError(410, "This upload URL has expired (they last an hour): ask for a new signed URL");
    }
    const { key, size } = await storePayload(c, media, payloadKeyOf(token));
    if (!(await store.uploads.complete(token, key, Date.now()))) {
      throw new HttpError(409, "This upload URL was used or expired while the payload was sent");
    }
    return c.json({ size });
  });
  return app;
}

/** Streams a payload to its file through a temporary file, removed on any failure. */
async function storePayload(c: Ctx, media: MediaStore, key: string): Promise<{ key: string; size: number }> {
  let path: string | undefined;
  try {
    path = media.pathOf(key);
  } catch {
    // Media without local files: the payload is held in memory (within the body budget).
    const bytes = await readBodyBytes(c, MAX_NDJSON_BYTES);
    return { key: media.put(bytes, "payload.ndjson"), size: bytes.byteLength };
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const file = createWriteStream(tmp, { mode: 0o600 });
  const failed = new Promise<never>((_, reject) => file.once("error", reject));
  failed.catch(() => {});
  try {
    const size = await streamBody(c, MAX_NDJSON_BYTES, async (chunk) => {
      if (!file.write(chunk)) {
        await Promise.race([new Promise<void>((resolve) => file.once("drain", () => resolve())), failed]);
      }
    });
    await Promise.race([new Promise<void>((resolve) => file.end(resolve)), failed]);
    await rename(tmp, path);
    return { key, size };
  } catch (error) {
    file.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Stored files: `GET __media/<key>` with the key or session of a tenant one of whose datasets
 * holds the file, or with a signed URL's query (`?tenant=&expires=&sig=`, as item and label
 * URLs carry). Others get a 404, whether or not the file exists. Served with the type of its
 * bytes and `nosniff`.
 */
export function mediaRoutes(tenants: TenantKeys, sessions: SessionStore): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  app.get("/__media/:key", async (c) => {
    const key = param(c, "key");
    const access = c.get("mediaAccess");
    const signed = access.verify(key, c.req.query());
    const tenant = signed ?? (await authenticate(c, tenants, sessions));
    if (!(await access.canRead(tenant, key))) throw notFound("File", key);
    const { media } = c.get("services");
    // A file in a bucket is read from there: the browser follows a short-lived signed URL.
    const direct = await media.directUrl(key);
    if (direct) return c.redirect(direct, 302);
    const bytes = await media.get(key);
    if (!bytes) throw notFound("File", key);
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": sniffContentType(bytes),
      "x-content-type-options": "nosniff",
      // Private: a shared cache must not hand one tenant's file to another.
      "cache-control": signed ? "private, max-age=3600" : "private, no-cache",
    });
  });
  return app;
}

/**
 * The `?async=1` form of append, annotate, predict and the scene uploads: the NDJSON PUT to the signed URL of
 * `requestId` becomes a background job. The payload starts one job: the upload is marked spent
 * in the job's transaction.
 */
export async function startAsyncUpload(
  c: Ctx,
  dataset: DatasetRecord,
  type: UploadJobSpec["type"] | SceneUploadJobSpec["type"],
  body: WireOf<typeof AsyncUploadRequest>,
  run?: ModelRunRecord,
): Promise<JobWire> {
  const { store, jobs } = c.get("services");
  const tenant = c.get("tenant");
  const named = JSON.stringify(body.requestId);
  const job = await store.transaction(async (tx) => {
    const upload = await tx.uploads.get(tenant, body.requestId);
    if (!upload || upload.datasetId !== dataset.id) {
      throw badRequest(`No signed URL was issued for requestId ${named} on dataset ${dataset.id}`);
    }
    if (!upload.mediaKey && upload.expiresAt > Date.now()) {
      // A PUT straight into the bucket went past this server: the payload's object tells.
      const key = payloadKeyOf(upload.token);
      if (await c.get("services").media.uploadedDirectly(key)) {
        await tx.uploads.complete(upload.token, key, Date.now());
        upload.mediaKey = key;
      }
    }
    if (!upload.mediaKey)
      throw badRequest(`Nothing was uploaded to the signed URL of requestId ${named} yet`);
    if (!(await tx.uploads.consume(tenant, body.requestId))) {
      throw new HttpError(409, `The upload of requestId ${named} started a job already: upload it again`);
    }
    const update = body.update ?? false;
    const spec: UploadJobSpec | SceneUploadJobSpec = isSceneJobType(type)
      ? { type, datasetId: dataset.id, mediaKey: upload.mediaKey, update }
      : { type, datasetId: dataset.id, runId: run?.id, mediaKey: upload.mediaKey, update };
    return tx.jobs.create(tenant, { datasetId: dataset.id, type, spec });
  });
  jobs.start(job.id);
  return jobWire(job);
}

import type { Context } from "hono";
import type { JobRunner } from "../jobs/runner.js";
import type { MediaStore } from "../media.js";
import type { EvaluationService } from "../services/evaluations.js";
import type { MediaAccess } from "../services/media-access.js";
import type { ObjectIndexes } from "../services/object-index.js";
import type { ThumbnailService } from "../services/thumbnails.js";
import type { VectorIndexes } from "../services/vector-index.js";
import type { NucleusStore, Tenant } from "../store/index.js";
import type { BodyGrant } from "./body-budget.js";
import type { LoginLinks } from "./login-links.js";

/** What every handler can reach: storage, files, the job runner and the services. */
export interface Services {
  store: NucleusStore;
  media: MediaStore;
  jobs: JobRunner;
  evaluations: EvaluationService;
  /** The path the protocol is served under (`/v1/nucleus`). */
  basePath: string;
  /** When set, a committed model run refuses new predictions (409) instead of reopening. */
  immutableCommittedRuns: boolean;
  /** A fixed public origin, when the server sits behind a proxy. */
  publicUrl?: string;
  /** Single-use login links of the web app. */
  loginLinks: LoginLinks;
  /** Thumbnails of stored images, for the web app. */
  thumbnails: ThumbnailService;
  /** Approximate nearest-neighbour indexes of item vectors. */
  vectors: VectorIndexes;
  /** Approximate nearest-neighbour indexes of object vectors. */
  objects: ObjectIndexes;
  /** Datasets with fewer vectors are searched exactly. */
  exactSearchBelow: number;
}

/** Hono's environment for this server: the caller's tenant is set by the auth middleware. */
export interface Env {
  Variables: {
    tenant: Tenant;
    services: Services;
    /** The largest body of any route (multipart uploads); others take less (`limits.ts`). */
    maxBodyBytes: number;
    /** This request's share of the memory budget for bodies, given back when it is answered. */
    bodyGrant: BodyGrant;
    /** SHA-256 of the body as read, for binding idempotency keys to what they were sent with. */
    bodyHash: string;
    /** Who may read which stored file, and signed URLs for them. */
    mediaAccess: MediaAccess;
  };
}

/** The context type of every handler. */
export type Ctx = Context<Env>;

/** The absolute URL of the protocol's base path, as the caller reached it. */
export function baseUrl(c: Ctx): string {
  const { publicUrl, basePath } = c.get("services");
  const origin = publicUrl ?? new URL(c.req.url).origin;
  return `${origin.replace(/\/$/, "")}${basePath}`;
}

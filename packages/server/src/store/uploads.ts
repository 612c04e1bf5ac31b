import type { Tenant } from "./common.js";

/** A signed upload URL: its request id, the dataset it is for, and what was PUT to it. */
export interface UploadRecord {
  tenant: Tenant;
  requestId: string;
  datasetId: string;
  token: string;
  /** The stored payload, once it was PUT. */
  mediaKey: string | null;
  /** When the URL stops taking a PUT (ms since the epoch). */
  expiresAt: number;
  /** True once a job took the payload: the URL and its payload are spent. */
  consumed: boolean;
}

/**
 * Signed upload URLs, by the client's request id and by their secret token. A URL takes one PUT
 * before it expires, and its payload starts one job.
 */
export interface UploadStore {
  /** Issues (or reissues, forgetting any payload) the URL of a request id. */
  register(
    tenant: Tenant,
    input: { requestId: string; datasetId: string; token: string; expiresAt: number },
  ): Promise<void>;
  get(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined>;
  find(query: { token: string }): Promise<UploadRecord | undefined>;
  /**
   * Records what was PUT to a token's URL, if the URL is live: not expired at `now`, nothing PUT
   * yet, not consumed. False (nothing recorded) otherwise.
   */
  complete(token: string, mediaKey: string, now: number): Promise<boolean>;
  /**
   * Marks a request id's payload as taken by a job, once: returns the record when it had a
   * payload and no job had taken it, else undefined. Run it in the job's transaction.
   */
  consume(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined>;
}

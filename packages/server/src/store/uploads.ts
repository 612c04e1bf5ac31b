import type { Tenant } from "./common.js";

/** A signed upload URL: its request id, the dataset it is for, and what was PUT to it. */
export interface UploadRecord {
  tenant: Tenant;
  requestId: string;
  datasetId: string;
  token: string;
  /** The stored payload, once it was PUT. */
  mediaKey: string | null;
}

/** Signed upload URLs, by the client's request id and by their secret token. */
export interface UploadStore {
  /** Issues (or reissues, forgetting any payload) the URL of a request id. */
  register(tenant: Tenant, input: { requestId: string; datasetId: string; token: string }): Promise<void>;
  get(tenant: Tenant, requestId: string): Promise<UploadRecord | undefined>;
  find(query: { token: string }): Promise<UploadRecord | undefined>;
  /** Records what was PUT to a token's URL. */
  complete(token: string, mediaKey: string): Promise<void>;
}
